"""The Facebook readers on real Graph API pages and on hand-made exports.

The Graph API samples in tests/samples/facebook/graph/ are real responses (SOURCES.md). No
licensed "Download your information" export exists: dyi-2024/ and dyi-2020/ are small
fixtures written for Torget from the documented layout, with Facebook's mojibake.
"""

import datetime
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record
from torget.sources import facebook
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.facebook import GraphPlace, items_from_graph_page
from torget.sources.formats import ReadContext, normalise_account

SAMPLES = Path(__file__).parent.parent / "samples" / "facebook"
GRAPH = SAMPLES / "graph"
CAPTURED = datetime.datetime(2025, 1, 15, 12, 0, tzinfo=datetime.UTC)
EXPORT = facebook.FacebookExportReader()
GRAPH_READER = facebook.FacebookGraphReader()


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def context(*own: str) -> ReadContext:
    return ReadContext(captured_at=CAPTURED, own=frozenset(normalise_account(o) for o in own))


def read(reader, path, *own):
    with open_bundle(path) as bundle:
        found = reader.detect(bundle)
        assert found is not None, f"{reader.name} did not recognise {path}"
        values = list(reader.read(bundle, found, context(*own)))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    return found, items, errors


def by_id(items) -> dict[str, CapturedItem]:
    return {item.platform_id: item for item in items}


# The export.


def test_the_current_export_is_recognised_with_its_owner():
    with open_bundle(SAMPLES / "dyi-2024") as bundle:
        found = EXPORT.detect(bundle)
    assert found.format == "facebook-export"
    assert found.summary() == "Facebook export of exempla"
    assert found.account == "exempla"
    assert found.account_ids == {
        "exempla",
        "Exempla kommun – Växjö",
        "https://www.facebook.com/exempla",
    }


def test_the_export_posts_are_read_with_repaired_text_times_and_media():
    _found, items, errors = read(EXPORT, SAMPLES / "dyi-2024")
    assert errors == []
    assert [i.platform_id for i in items] == [
        "dyi:post:1714557600",
        "dyi:post:1714471200",
        "dyi:post:1714380000",
        "dyi:post:1714380000-2",  # the same second: told apart by order
        "dyi:post:1714200000",
        "dyi:comment:1714560000",
        "dyi:comment:1714470000",
    ]
    items = by_id(items)
    first = items["dyi:post:1714557600"]
    assert first.kind == Kind.POST
    assert first.text == "Välkomna till valborgsfirandet i Åby! 🔥 Vi ses vid sjön kl. 19."
    assert first.title == "Exempla kommun – Växjö uppdaterade sin status."
    assert first.created_at == utc(2024, 5, 1, 10, 0)
    assert first.captured_at == CAPTURED
    assert first.edited_at is None  # update_timestamp equals the creation time
    assert (first.author_name, first.author_handle) == ("Exempla kommun – Växjö", "exempla")
    assert first.author_is_organisation
    assert len(first.media) == 1
    assert first.media[0].mime_type == "image/jpeg"
    assert Path(first.media[0].path).read_bytes().startswith(b"\xff\xd8")
    assert json.loads(first.raw)["timestamp"] == 1714557600  # raw keeps the mojibake
    assert "V\\u00c3\\u00a4lkomna" in first.raw or "VÃ¤lkomna" in first.raw
    video = items["dyi:post:1714471200"]
    assert video.text == "" and video.media[0].mime_type == "video/mp4"
    edited = items["dyi:post:1714380000"]
    assert edited.text == "Biblioteket håller stängt på måndag."
    assert edited.edited_at == utc(2024, 4, 29, 11, 26, 40)
    assert items["dyi:post:1714380000-2"].text == "Simhallen öppnar igen på tisdag."
    assert items["dyi:post:1714200000"].media == ()  # a link is kept in raw only
    comment = items["dyi:comment:1714560000"]
    assert comment.kind == Kind.COMMENT
    assert comment.text == "Tack Åsa! Bussen går från torget kl. 18.30."
    assert comment.title == "Exempla kommun – Växjö kommenterade Åsa Lindqvists inlägg."
    assert comment.created_at == utc(2024, 5, 1, 10, 40)
    assert comment.author_is_organisation and comment.parent_id == ""


def test_the_older_export_layout_and_a_missing_media_file():
    found, items, errors = read(EXPORT, SAMPLES / "dyi-2020")
    assert found.summary() == "Facebook export of Exempla kommun"
    assert [i.platform_id for i in items] == [
        "dyi:post:1590000000",
        "dyi:post:1589000000",
        "dyi:comment:1590001000",
    ]
    post = items[0]
    assert post.text == "Nu är förskolan på Ängsvägen klar. Välkomna på invigning!"
    assert post.created_at == utc(2020, 5, 20, 18, 40)
    assert len(post.media) == 1  # the second picture is not in the export
    assert len(errors) == 1
    assert errors[0].location == "posts/your_posts_1.json, item 0, attachments[1].data[0].media.uri"
    assert "not in the export; the post was imported without the file" in errors[0].reason
    assert items[2].text == "Gärna! Anmälan görs på vår webbplats."


def test_a_zipped_export_with_a_top_folder_reads_the_same(tmp_path):
    archive = tmp_path / "facebook-exempla-2024.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in sorted((SAMPLES / "dyi-2024").rglob("*")):
            if file.is_file():
                name = "facebook-exempla/" + file.relative_to(SAMPLES / "dyi-2024").as_posix()
                out.write(file, name)
    with open_bundle(archive) as bundle:
        found = EXPORT.detect(bundle)
        zipped = list(EXPORT.read(bundle, found, context()))
        media = zipped[0].media[0]
        # The zip member is unpacked for the pipeline to store while the bundle is open.
        assert Path(media.path).read_bytes().startswith(b"\xff\xd8")
    _found, folder, _ = read(EXPORT, SAMPLES / "dyi-2024")
    assert [(i.platform_id, i.text) for i in zipped] == [(i.platform_id, i.text) for i in folder]
    assert media.mime_type == "image/jpeg"


def test_the_export_reader_ignores_what_is_not_its_format():
    with open_bundle(GRAPH) as bundle:
        assert EXPORT.detect(bundle) is None
    with open_bundle(SAMPLES.parent / "instagram" / "export-2024") as bundle:
        assert EXPORT.detect(bundle) is None
        assert GRAPH_READER.detect(bundle) is None


# Graph API pages.


def test_a_comment_page_rebuilds_threads_from_permalinks():
    found, items, errors = read(GRAPH_READER, GRAPH / "comments_p1.json")
    assert found.format == "facebook-graph"
    assert errors == []
    assert len(items) == 10
    items = by_id(items)
    post = "19292868552_10158407654328553"
    first = items["10158407654328553_10158407835073553"]
    assert first.kind == Kind.COMMENT
    assert first.parent_id == post and first.thread_id == post
    assert first.created_at == utc(2021, 8, 10, 18, 45, 3)
    assert first.text.startswith("Boa noite peço ajuda")
    assert first.permalink.endswith("?comment_id=10158407835073553")
    reply = items["10158407654328553_10158409984103553"]
    assert reply.kind == Kind.REPLY
    assert reply.parent_id == "10158407654328553_10158407835073553"
    assert reply.thread_id == post
    assert reply.created_at == utc(2021, 8, 11, 23, 23, 6)
    # The page fetched no `from`: the author is unknown, so nothing is taken as drawn up.
    assert not any(i.author_is_organisation for i in items.values())
    assert sum(i.kind == Kind.REPLY for i in items.values()) == 4


def test_feed_pages_give_posts_with_media_and_permalinks():
    _found, items, errors = read(GRAPH_READER, GRAPH / "feeds_default_fields_p1.json")
    assert errors == []
    assert [i.platform_id for i in items] == [
        "19292868552_10158349356748553",
        "19292868552_10158347294088553",
        "19292868552_10158345715593553",
        "19292868552_10158343840773553",
        "19292868552_10158333323653553",
    ]
    first = items[0]
    assert first.kind == Kind.POST
    assert first.created_at == utc(2021, 7, 9, 19, 9, 52)
    assert first.permalink == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    assert first.text.startswith("Singaporean logistics company Ninja Van")
    assert first.author_id == "19292868552" and first.author_is_organisation
    assert len(first.media) == 1
    assert first.media[0].url.startswith("https://scontent-ssn1-1.xx.fbcdn.net/")
    assert first.media[0].mime_type == "image/jpeg"
    assert first.edited_at is None  # updated_time moves with every new comment
    video = items[4]
    assert video.created_at == utc(2021, 6, 30, 21, 21, 18)


def test_a_folder_of_saved_responses_names_the_page_and_reports_the_error_response():
    found, items, errors = read(GRAPH_READER, GRAPH)
    assert found.summary() == "Facebook Graph API pages of facebookapp, 11 saved responses"
    assert found.account == "facebookapp"
    assert found.account_ids == {"facebookapp", "Facebook", "20531316728"}
    [error] = errors
    assert error.location == "error.json"
    assert error.reason.startswith("a Graph API error response, not data ((#100) Pages Public")
    ids = by_id(items)
    assert ids["175154750010052_424924701699721"].text == "我测试一下 MyLife"
    assert ids["175154750010052_424924701699721"].created_at == utc(2019, 8, 12, 3, 45, 11)
    album = ids["565225540184937_4018908568149933"]
    assert len(album.media) == 7  # full_picture is the first of the album's seven
    comment = ids["2954961744718970_2966313500250461"]
    assert (comment.author_id, comment.author_name) == ("2711636948859886", "Kun Liu")
    assert comment.parent_id == "2121008874780932_2954961744718970"
    assert comment.hidden is False and len(comment.media) == 1
    assert not comment.author_is_organisation
    assert ids["10158371815748553_10158371930463553"].text == "This is really nice"


def test_the_page_answering_is_its_own_and_nested_replies_keep_their_parents():
    page = {
        "data": [
            {
                "id": "111_222",
                "created_time": "2025-03-01T08:00:00+0100",
                "message": "Vi har öppet i dag.",
                "from": {"id": "111", "name": "Exempla kommun"},
                "comments": {
                    "data": [
                        {
                            "id": "222_1",
                            "created_time": "2025-03-01T09:00:00+0000",
                            "message": "När stänger ni?",
                            "from": {"id": "999", "name": "Anna"},
                            "is_hidden": True,
                            "comments": {
                                "data": [
                                    {
                                        "id": "222_2",
                                        "created_time": "2025-03-01T09:05:00+0000",
                                        "message": "Klockan 16.",
                                        "from": {"id": "111", "name": "Exempla kommun"},
                                    }
                                ]
                            },
                        },
                        {"id": "222_3", "created_time": "inte en tid"},
                    ]
                },
            },
            {"id": "111_333", "created_time": "2025-03-02T08:00:00+0000", "from": "fel"},
        ]
    }
    values = list(items_from_graph_page(page, context()))
    items = by_id(v for v in values if isinstance(v, CapturedItem))
    errors = [v for v in values if isinstance(v, SourceError)]
    post, comment, reply = items["111_222"], items["222_1"], items["222_2"]
    assert post.created_at == utc(2025, 3, 1, 7, 0) and post.author_is_organisation
    assert (comment.kind, comment.parent_id, comment.thread_id) == (
        Kind.COMMENT,
        "111_222",
        "111_222",
    )
    assert comment.hidden and not comment.author_is_organisation
    assert (reply.kind, reply.parent_id, reply.thread_id) == (Kind.REPLY, "222_1", "111_222")
    assert reply.author_is_organisation  # from.id is the page's id
    assert [(e.location, e.reason) for e in errors] == [
        ("item 0, comments.data[1], created_time", "not a date and time: 'inte en tid'"),
        ("item 1, from", "expected an object, found str"),
    ]


def test_a_live_page_can_say_what_it_lists():
    page = {"data": [{"id": "5_6", "created_time": "2025-01-01T00:00:00+0000", "message": "Hej"}]}
    [item] = items_from_graph_page(page, context(), GraphPlace("111_222", "comments"))
    assert (item.kind, item.parent_id) == (Kind.COMMENT, "111_222")
    [item] = items_from_graph_page(page, context())
    assert item.kind == Kind.POST


# Mutated samples never make the readers raise.


def check(values, file_names):
    for value in values:
        if isinstance(value, SourceError):
            assert any(name in value.location for name in file_names), value.location
        else:
            assert isinstance(value, CapturedItem)
            assert value.created_at.utcoffset() == datetime.timedelta(0)
            assert value.edited_at is None or value.edited_at.utcoffset() == datetime.timedelta(0)
            assert value.platform_id


def mutate(data: bytes, draw) -> bytes:
    how = draw(st.sampled_from(["truncate", "replace", "delete", "latin1", "utf16", "huge"]))
    if how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if how == "latin1":
        return data.decode("utf-8").encode("latin-1", "replace")
    if how == "utf16":
        return data.decode("utf-8").encode("utf-16")
    if how == "huge":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"x" * 200_000 + data[at:]
    obj = json.loads(data)
    values = [None, 1, -1e300, True, "", "x", [], {}, "2025-13-45T99:99:99+0000", 10**30]
    _walk_mutate(obj, draw, how, values)
    return json.dumps(obj).encode()


def _walk_mutate(obj, draw, how, values, depth=0):
    if isinstance(obj, dict) and obj:
        key = draw(st.sampled_from(sorted(obj)))
        if depth > 3 or draw(st.booleans()) or not isinstance(obj[key], dict | list):
            if how == "delete":
                del obj[key]
            else:
                obj[key] = draw(st.sampled_from(values))
        else:
            _walk_mutate(obj[key], draw, how, values, depth + 1)
    elif isinstance(obj, list) and obj:
        index = draw(st.integers(0, len(obj) - 1))
        if depth > 3 or draw(st.booleans()) or not isinstance(obj[index], dict | list):
            obj[index] = draw(st.sampled_from(values))
        else:
            _walk_mutate(obj[index], draw, how, values, depth + 1)


EXPORT_FILES = [
    "your_facebook_activity/posts/your_posts_1.json",
    "your_facebook_activity/comments_and_reactions/comments.json",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_export_never_breaks_the_reader(data):
    fuzz_export(data, EXPORT, SAMPLES / "dyi-2024", EXPORT_FILES)


def fuzz_export(data, reader, sample: Path, files: list[str]) -> None:
    """One of the export's files mutated; the reader must give items and located errors."""
    target = data.draw(st.sampled_from(files))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "export"
        shutil.copytree(sample, root)
        (root / target).write_bytes(mutate((root / target).read_bytes(), data.draw))
        with open_bundle(root) as bundle:
            found = reader.detect(bundle)
            if found is None:
                return
            check(list(reader.read(bundle, found, context())), files)


GRAPH_FILES = ["comments_p1.json", "feeds_default_fields_p1.json", "post.json", "comment.json"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_graph_pages_never_break_the_reader(data):
    fuzz_pages(data, GRAPH_READER, GRAPH, GRAPH_FILES)


def fuzz_pages(data, reader, sample: Path, files: list[str]) -> None:
    """One saved page mutated among the others; the same promise as for exports."""
    target = data.draw(st.sampled_from(files))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "pages"
        root.mkdir()
        for name in files:
            shutil.copy(sample / name, root / name)
        (root / target).write_bytes(mutate((root / target).read_bytes(), data.draw))
        with open_bundle(root) as bundle:
            found = reader.detect(bundle)
            if found is None:
                return
            check(list(reader.read(bundle, found, context())), files)


# Through `torget import`.


def run_import(channel, path, *extra) -> str:
    out = io.StringIO()
    call_command(
        "import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


@pytest.mark.django_db
def test_importing_an_export_twice_and_then_a_newer_one(world, tmp_path):
    channel = channel_in(
        world, "active", platform="facebook", address="https://www.facebook.com/exempla"
    )
    first = run_import(channel, SAMPLES / "dyi-2024")
    assert "Found: Facebook export of exempla." in first
    assert "7 new, 0 changed, 0 unchanged, 0 deleted on the platform, 0 rejected" in first
    records = Record.objects.filter(channel=channel)
    assert records.count() == 7
    assert set(records.values_list("direction", flat=True)) == {"drawn_up"}
    post = records.get(platform_id="dyi:post:1714557600")
    assert post.text.startswith("Välkomna till valborgsfirandet i Åby!")
    assert post.has_media and post.created_at == utc(2024, 5, 1, 10, 0)

    again = run_import(channel, SAMPLES / "dyi-2024")
    assert "0 new, 0 changed, 7 unchanged" in again

    newer = tmp_path / "dyi-2024-06"
    shutil.copytree(SAMPLES / "dyi-2024", newer)
    posts_file = newer / "your_facebook_activity/posts/your_posts_1.json"
    posts = json.loads(posts_file.read_text())
    posts[2]["data"][0]["post"] = "Biblioteket håller öppet på måndag.".encode().decode("latin-1")
    posts[2]["data"][0]["update_timestamp"] = 1714400000
    posts.insert(0, {"timestamp": 1717200000, "data": [{"post": "Sommarlov!"}]})
    posts_file.write_text(json.dumps(posts))
    later = run_import(channel, newer)
    assert "1 new, 1 changed, 6 unchanged" in later
    edited = records.get(platform_id="dyi:post:1714380000")
    assert edited.text == "Biblioteket håller öppet på måndag." and edited.version_count == 2


@pytest.mark.django_db
def test_importing_graph_pages_links_comments_to_their_posts(world, tmp_path):
    channel = channel_in(
        world, "active", platform="facebook", address="https://www.facebook.com/facebookapp"
    )
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("comments_p1.json", "comments_p2.json", "single_fields_page.json"):
        shutil.copy(GRAPH / name, folder / name)
    post = {
        "id": "19292868552_10158407654328553",
        "created_time": "2021-08-10T18:00:00+0000",
        "message": "Tell us what you need.",
    }
    (folder / "post.json").write_text(json.dumps(post))
    summary = run_import(channel, folder)
    assert "Found: Facebook Graph API pages of facebookapp, 3 saved responses." in summary
    assert "16 new" in summary and "0 rejected" in summary
    records = Record.objects.filter(channel=channel)
    root = records.get(platform_id=post["id"])
    assert root.direction == "drawn_up"
    reply = records.get(platform_id="10158407654328553_10158409984103553")
    assert reply.parent.platform_id == "10158407654328553_10158407835073553"
    assert reply.thread_platform_id == post["id"] and reply.direction == "received"
    assert records.filter(parent=root).count() == 10  # and 5 replies to comments
    assert "0 new, 0 changed, 16 unchanged" in run_import(channel, folder)


def test_mojibake_is_undone_and_correct_text_left_alone():
    written = "Välkomna till Åby! 🔥".encode().decode("latin-1")
    assert facebook.undo_mojibake(written) == "Välkomna till Åby! 🔥"
    assert facebook.undo_mojibake("Välkomna till Åby! 🔥") == "Välkomna till Åby! 🔥"
    assert facebook.undo_mojibake("Hej") == "Hej"


def test_signed_cdn_urls_lose_their_changing_signature_and_others_keep_their_query():
    from torget.sources.facebook import url_media

    signed = "https://scontent.xx.fbcdn.net/v/t39/1_n.jpg?_nc_cat=1&oh=00_AbC&oe=6601A2B3"
    assert url_media(signed).url == "https://scontent.xx.fbcdn.net/v/t39/1_n.jpg"
    assert url_media(signed).mime_type == "image/jpeg"
    plain = "https://www.exempla.se/bild.png?v=2"
    assert url_media(plain).url == plain
