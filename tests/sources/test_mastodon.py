"""The Mastodon readers: the account archive and saved REST API pages.

Samples (tests/samples/mastodon/, SOURCES.md there):
- `api/`: real REST response bodies recorded by Mastodon.py's test suite (mastodon.social and a
  Mastodon 4.5 test server), in the `{"_source": ..., "body": ...}` wrapper.
- `alice/`: the hand-written ActivityStreams outbox and actor of ap-perkeep-uploader's tests,
  renamed to the archive's file names (outbox.json, actor.json).
- `archive/`: NOT a real export. No licensed Mastodon archive exists, so we wrote this one
  from the layout Mastodon 4.x produces (outbox.json, actor.json, likes.json and
  media_attachments/files/...): a post with an image file, a reply to another server's status,
  a self-thread of two replies, a boost, a content warning given with a +01:00 offset, an
  edited post (`updated`), and a direct message.
"""

import copy
import datetime
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record

# formats first: it loads every platform module (importing mastodon first is circular).
from torget.sources import formats, mastodon  # noqa: F401
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import ReadContext, detect

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "mastodon"
ARCHIVE = SAMPLES / "archive"
API = SAMPLES / "api"
UTC = datetime.UTC
CAPTURED = datetime.datetime(2025, 1, 1, 12, tzinfo=UTC)
EXEMPLA = "https://social.exempla.se/users/exempla"


def status_uri(number: int) -> str:
    return f"{EXEMPLA}/statuses/{number}"


def read_all(path: Path, own: frozenset[str] = frozenset()) -> tuple[str, dict, list]:
    with open_bundle(path) as bundle:
        match = detect(bundle, "mastodon")
        assert match is not None, path
        reader, found = match
        values = list(reader.read(bundle, found, ReadContext(captured_at=CAPTURED, own=own)))
        return reader.name, found.counts, values


def items_of(values: list) -> list[CapturedItem]:
    return [v for v in values if isinstance(v, CapturedItem)]


def errors_of(values: list) -> list[SourceError]:
    return [v for v in values if isinstance(v, SourceError)]


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return target


# The archive.


def test_the_archive_is_recognised_with_its_account():
    with open_bundle(ARCHIVE) as bundle:
        reader, found = detect(bundle)
    assert reader.name == "mastodon-archive"
    assert found.summary() == (
        "Mastodon archive of @exempla@social.exempla.se, 7 statuses, 1 boost (not archived)"
    )
    assert found.account == "@exempla@social.exempla.se"
    assert found.account_ids == {
        "@exempla@social.exempla.se",
        "https://social.exempla.se/users/exempla",
        "https://social.exempla.se/@exempla",
        "Exempla kommun",
    }
    assert found.total == 7


def test_the_archive_gives_every_own_status_with_threads_times_and_media():
    name, counts, values = read_all(ARCHIVE)
    assert name == "mastodon-archive"
    assert errors_of(values) == []
    items = {i.platform_id: i for i in items_of(values)}
    assert list(items) == [status_uri(111000000000000000 + n) for n in (1, 2, 3, 4, 6, 7, 8)]
    assert counts["boosts (not archived)"] == 1
    first = items[status_uri(111000000000000001)]
    assert first.kind == Kind.POST
    assert first.text.startswith("Nu öppnar vi bokningen till simskolan för sommaren!")
    assert first.text.endswith("#simskola")
    assert "<p>" in orjson.loads(first.raw)["object"]["content"]
    assert first.created_at == datetime.datetime(2024, 3, 1, 8, 15, tzinfo=UTC)
    assert first.captured_at == CAPTURED
    assert first.permalink == "https://social.exempla.se/@exempla/111000000000000001"
    assert first.language == "sv"
    assert (first.author_id, first.author_name, first.author_handle) == (
        EXEMPLA,
        "Exempla kommun",
        "@exempla@social.exempla.se",
    )
    assert all(i.author_is_organisation for i in items.values())
    (image,) = first.media
    assert image.mime_type == "image/png"
    assert Path(image.path).read_bytes().startswith(b"\x89PNG")
    reply_to_citizen = items[status_uri(111000000000000002)]
    assert reply_to_citizen.kind == Kind.REPLY
    assert reply_to_citizen.parent_id == (
        "https://mastodon.nu/users/anna/statuses/112000000000000077"
    )
    assert reply_to_citizen.text == "@anna Hej Anna! Simskolan är för barn från fem år."
    assert items[status_uri(111000000000000003)].parent_id == status_uri(111000000000000001)
    assert items[status_uri(111000000000000004)].parent_id == status_uri(111000000000000003)
    warned = items[status_uri(111000000000000006)]
    assert warned.title == "Trafikinformation"
    assert warned.created_at == datetime.datetime(2024, 3, 3, 13, 45, tzinfo=UTC)
    assert warned.created_at.tzinfo is UTC
    edited = items[status_uri(111000000000000007)]
    assert edited.edited_at == datetime.datetime(2024, 3, 4, 7, 20, 31, tzinfo=UTC)
    direct = items[status_uri(111000000000000008)]
    assert direct.kind == Kind.MESSAGE


def test_the_zipped_archive_reads_the_same_and_unpacks_its_media(tmp_path):
    archive = zip_folder(ARCHIVE, tmp_path / "archive-20250101-exempla.zip")
    folder_items = items_of(read_all(ARCHIVE)[2])
    with open_bundle(archive) as bundle:
        reader, found = detect(bundle)
        values = list(reader.read(bundle, found, ReadContext(captured_at=CAPTURED)))
        items = items_of(values)
        assert [i.platform_id for i in items] == [i.platform_id for i in folder_items]
        assert [i.text for i in items] == [i.text for i in folder_items]
        assert Path(items[0].media[0].path).read_bytes().startswith(b"\x89PNG")


def test_an_archive_inside_a_folder_of_its_own_is_found(tmp_path):
    archive = zip_folder(ARCHIVE, tmp_path / "nested.zip", prefix="archive-20250101/")
    name, _, values = read_all(archive)
    assert name == "mastodon-archive" and len(items_of(values)) == 7
    assert items_of(values)[0].media[0].path


def test_the_hand_written_outbox_sample():
    name, counts, values = read_all(SAMPLES / "alice")
    assert name == "mastodon-archive"
    items = items_of(values)
    assert [(i.platform_id, i.text, i.created_at) for i in items] == [
        (
            "https://localhost/Alice/notes/1",
            "Hello, world!",
            datetime.datetime(2010, 1, 1, 0, 10, tzinfo=UTC),
        ),
        (
            "https://localhost/Alice/notes/2",
            "test2",
            datetime.datetime(2010, 1, 1, 0, 30, tzinfo=UTC),
        ),
    ]
    assert items[0].author_handle == "@Alice@localhost"
    assert items[0].permalink == "https://localhost/Alice/notes/1"
    assert counts["other activities (not archived)"] == 1  # a Like of someone else's note


def test_a_bad_activity_is_one_error_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    outbox = json.loads((folder / "outbox.json").read_text())
    outbox["orderedItems"][1]["object"]["published"] = "igår"
    del outbox["orderedItems"][2]["object"]["id"]
    outbox["orderedItems"][3]["object"]["content"] = 42
    (folder / "outbox.json").write_text(json.dumps(outbox))
    _, _, values = read_all(folder)
    assert [(e.location, e.reason) for e in errors_of(values)] == [
        ("outbox.json, item 1, object.published", "not a date and time: 'igår'"),
        ("outbox.json, item 2, object.id", "missing"),
        ("outbox.json, item 3, object.content", "expected text, found int"),
    ]
    assert len(items_of(values)) == 4


def test_a_truncated_outbox_gives_the_good_items_then_one_error(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(ARCHIVE, folder)
    data = (folder / "outbox.json").read_bytes()
    cut = data.index(b'"id": "https://social.exempla.se/users/exempla/statuses/111000000000000003"')
    (folder / "outbox.json").write_bytes(data[: cut + 30])
    _, _, values = read_all(folder)
    assert len(items_of(values)) == 2
    (error,) = errors_of(values)
    assert error.location == "outbox.json, after item 1"
    assert "cut short" in error.reason


def test_other_exports_are_not_taken_for_an_archive(tmp_path):
    (tmp_path / "outbox.json").write_text('{"hello": "world"}')
    (tmp_path / "actor.json").write_text("{}")
    with open_bundle(tmp_path) as bundle:
        assert mastodon.ArchiveReader().detect(bundle) is None
        assert mastodon.RestApiReader().detect(bundle) is None


# REST API pages.


def test_the_saved_api_samples_are_recognised():
    with open_bundle(API) as bundle:
        reader, found = detect(bundle)
    assert reader.name == "mastodon-api"
    assert found.summary() == "Mastodon API pages, 25 files"
    assert found.account == ""  # pages do not say whose timeline they were fetched for


def test_the_api_samples_give_statuses_threads_versions_and_owners():
    name, _, values = read_all(API, own=frozenset({"halcy@mastodon.social"}))
    assert name == "mastodon-api"
    assert sorted(e.location for e in errors_of(values)) == [
        "test_entity_statussource__00_GET_api_v1_statuses_ID_source.json",
        "test_status_edit__05_GET_api_v1_statuses_ID_source.json",
        "test_status_reply__01_GET_api_v1_accounts_verify_credentials.json",
    ]
    items = items_of(values)
    by_id: dict[str, list[CapturedItem]] = {}
    for item in items:
        by_id.setdefault(item.platform_id, []).append(item)

    # The context page: the parent of "final status" is the focal status (not saved), named
    # by the rule for local accounts; the thread starts at "first status".
    final = by_id["https://mastodon.social/users/halcy/statuses/110446984249325790"][0]
    assert final.text == "final status" and final.kind == Kind.REPLY
    assert final.parent_id == "https://mastodon.social/users/halcy/statuses/110446983926957470"
    assert final.thread_id == "https://mastodon.social/users/halcy/statuses/110446983178245440"
    assert final.created_at == datetime.datetime(2023, 5, 28, 15, 20, 35, 248000, tzinfo=UTC)
    assert final.author_is_organisation and final.author_handle == "@halcy@mastodon.social"

    # A remote status: its ActivityPub id, not mastodon.social's number; someone else's.
    remote = by_id["https://icosahedron.website/users/halcy/statuses/110446222386355655"]
    assert [v.edited_at for v in remote] == [
        None,
        datetime.datetime(2023, 5, 28, 12, 9, 44, tzinfo=UTC),
        datetime.datetime(2023, 5, 28, 12, 9, 44, tzinfo=UTC),
    ], "the history first (oldest first), then the status as it is now"
    assert remote[0].text == "@halcy you're a doo-doo head" and remote[0].media == ()
    assert remote[1].text == remote[2].text
    assert remote[1].text.endswith("#ThisIsAHashtag")
    assert remote[2].title == "test post for mastodon.py stuff"
    assert remote[2].media[0].url.endswith("e6bdbd614788c2d1.mp4")
    assert remote[2].media[0].mime_type == "video/mp4"
    assert not remote[2].author_is_organisation
    assert remote[2].author_handle == "@halcy@icosahedron.website"
    assert remote[2].author_id == "https://icosahedron.website/users/halcy"
    assert remote[2].permalink == "https://icosahedron.website/@halcy/110446222386355655"

    image = by_id["https://mastodon.social/users/halcy/statuses/110447003454258227"][0]
    assert image.media[0].url.endswith("97232afa341c291e.jpg")
    assert image.media[0].mime_type == "image/jpeg" and image.kind == Kind.REPLY

    # A reply on one page to a status on another: named by the local account's rule.
    same = by_id["http://localhost:3000/ap/users/117020565693913441/statuses/117020583258292382"]
    assert same[0].parent_id == (
        "http://localhost:3000/ap/users/117020566092212359/statuses/117020583245459824"
    )
    assert same[0].text == "@mastodonpy_test_2 same!"
    assert same[0].created_at == datetime.datetime(2026, 8, 1, 13, 53, 15, 910000, tzinfo=UTC)

    # A deleted status comes back with its source text: the same text as the HTML gave.
    toot = by_id["http://localhost:3000/ap/users/117020565966271181/statuses/117020583223442465"]
    assert {v.text for v in toot} == {"Toot!"}
    assert all(v.created_at.tzinfo is UTC for v in items)


def context_for(name: str) -> ReadContext:
    return ReadContext(captured_at=CAPTURED, own=frozenset({"halcy@mastodon.social"}))


def body(name: str):
    return json.loads((API / name).read_text())["body"]


def test_a_history_gives_versions_oldest_first_for_the_status():
    status = body("test_status_edit__03_GET_api_v1_statuses_ID.json")
    edits = body("test_status_edit__04_GET_api_v1_statuses_ID_history.json")
    versions = list(
        mastodon.items_from_history_page(list(reversed(edits)), status, context_for(""))
    )
    assert [v.text for v in versions] == [
        "the best editor? why, of course it is VS Code",
        "the best editor? why, of course it is the KDE Advanced Text Editor, Kate",
    ]
    assert {v.platform_id for v in versions} == {status["uri"]}
    assert [v.edited_at for v in versions] == [
        None,
        datetime.datetime(2026, 8, 1, 13, 54, 0, 695000, tzinfo=UTC),
    ]
    assert all(
        v.created_at == datetime.datetime(2026, 8, 1, 13, 54, 0, 505000, tzinfo=UTC)
        for v in versions
    )
    (current,) = mastodon.items_from_statuses_page(status, context_for(""))
    assert (current.text, current.title, current.media, current.kind) == (
        versions[-1].text,
        versions[-1].title,
        versions[-1].media,
        versions[-1].kind,
    )


def test_a_history_without_its_status_is_reported(tmp_path):
    shutil.copy(API / "test_status_edit__04_GET_api_v1_statuses_ID_history.json", tmp_path)
    _, _, values = read_all(tmp_path)
    (error,) = values
    assert error.location == "test_status_edit__04_GET_api_v1_statuses_ID_history.json"
    assert "save GET /api/v1/statuses/117020586180926938" in error.reason


def test_a_page_resolves_parents_skips_boosts_and_knows_its_own():
    status = body("test_status_reply__00_POST_api_v1_statuses.json")
    reply = body("test_status_reply__02_POST_api_v1_statuses.json")
    boost = copy.deepcopy(reply)
    boost.update(id="1", uri=reply["uri"] + "/activity", reblog=status, content="")
    page = [reply, boost, status]
    own = ReadContext(captured_at=CAPTURED, own=frozenset({"admin@localhost"}))
    items = list(mastodon.items_from_statuses_page(page, own))
    assert [i.platform_id for i in items] == [reply["uri"], status["uri"]]
    assert items[0].parent_id == status["uri"]
    assert [i.author_is_organisation for i in items] == [True, False]
    assert items[0].language == "en" and items[1].language == "ja"


def test_a_direct_status_is_a_message_and_a_bare_file_is_read(tmp_path):
    status = body("test_status__01_GET_api_v1_statuses_ID.json")
    status["visibility"] = "direct"
    (tmp_path / "status.json").write_bytes(orjson.dumps(status))
    name, _, values = read_all(tmp_path / "status.json")
    assert name == "mastodon-api"
    (item,) = values
    assert item.kind == Kind.MESSAGE and item.text == "Toot!"


def test_bad_statuses_in_a_page_are_reported_one_by_one(tmp_path):
    status = body("test_status_reply__00_POST_api_v1_statuses.json")
    no_time = {**status, "created_at": None, "uri": "https://x.example/1"}
    bad_account = {**status, "account": "admin", "uri": "https://x.example/2"}
    bad_media = {**status, "media_attachments": "x", "uri": "https://x.example/3"}
    (tmp_path / "page.json").write_bytes(orjson.dumps([no_time, 7, bad_account, bad_media, status]))
    _, _, values = read_all(tmp_path)
    assert [(e.location, e.reason) for e in errors_of(values)] == [
        ("page.json, item 0, created_at", "missing"),
        ("page.json, item 1, status", "expected an object, found int"),
        ("page.json, item 2, account", "expected an object, found str"),
        ("page.json, item 3, media_attachments", "expected a list"),
    ]
    assert [i.platform_id for i in items_of(values)] == [status["uri"]]


# Fuzzing: mutated samples never make a reader raise.


def check(values: list, file_names: set[str]) -> None:
    for value in values:
        if isinstance(value, CapturedItem):
            assert value.created_at.tzinfo is not None
            assert value.created_at.utcoffset() == datetime.timedelta(0)
            assert value.edited_at is None or value.edited_at.utcoffset() == datetime.timedelta(0)
            assert value.platform_id
        else:
            assert isinstance(value, SourceError), value
            assert any(value.location.startswith(n) for n in file_names), value.location


WRONG_VALUES = st.sampled_from([None, 0, -1, 1e308, True, "", "x" * 100_000, [], {}, [1], {"a": 1}])


def mutate(obj, draw_path, value, delete):
    """Replace (or delete) the value at a path through dicts and lists."""
    target = obj
    for step in draw_path[:-1]:
        if isinstance(target, dict) and target:
            target = target[sorted(target)[step % len(target)]]
        elif isinstance(target, list) and target:
            target = target[step % len(target)]
        else:
            return obj
    last = draw_path[-1]
    if isinstance(target, dict) and target:
        key = sorted(target)[last % len(target)]
        if delete:
            del target[key]
        else:
            target[key] = value
    elif isinstance(target, list) and target:
        target[last % len(target)] = value
    return obj


def encode(data: bytes, how: str, cut: float) -> bytes:
    if how == "latin-1":
        data = data.decode("utf-8").encode("latin-1", "replace")
    elif how == "utf-16":
        data = data.decode("utf-8").encode("utf-16")
    elif how == "cut":
        data = data[: int(len(data) * cut)]
    return data


MUTATION = {
    "path": st.lists(st.integers(0, 50), min_size=1, max_size=6),
    "value": WRONG_VALUES,
    "delete": st.booleans(),
    "how": st.sampled_from(["plain", "plain", "latin-1", "utf-16", "cut"]),
    "cut": st.floats(0, 1),
}


@settings(max_examples=60, deadline=None)
@given(**MUTATION)
def test_a_mutated_archive_never_breaks_the_reader(path, value, delete, how, cut):
    outbox = json.loads((ARCHIVE / "outbox.json").read_text())
    mutate(outbox, path, value, delete)
    data = encode(json.dumps(outbox, ensure_ascii=False).encode(), how, cut)
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory) / "archive"
        shutil.copytree(ARCHIVE, folder)
        (folder / "outbox.json").write_bytes(data)
        with open_bundle(folder) as bundle:
            found = mastodon.ArchiveReader().detect(bundle)
            if found is None:
                return
            values = list(
                mastodon.ArchiveReader().read(bundle, found, ReadContext(captured_at=CAPTURED))
            )
    check(values, {"outbox.json"})


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(
        [
            "test_entity_context__00_GET_api_v1_statuses_ID_context.json",
            "test_entity_status__00_GET_api_v1_statuses_ID.json",
            "test_entity_statusedit__00_GET_api_v1_statuses_ID_history.json",
            "test_status_reply__02_POST_api_v1_statuses.json",
        ]
    ),
    **MUTATION,
)
def test_mutated_api_pages_never_break_the_reader(name, path, value, delete, how, cut):
    page = json.loads((API / name).read_text())
    mutate(page, path, value, delete)
    data = encode(json.dumps(page, ensure_ascii=False).encode(), how, cut)
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / name).write_bytes(data)
        shutil.copy(API / "test_entity_status__00_GET_api_v1_statuses_ID.json", folder / "s.json")
        with open_bundle(folder) as bundle:
            reader = mastodon.RestApiReader()
            found = reader.detect(bundle)
            assert found is not None  # s.json is intact
            values = list(reader.read(bundle, found, ReadContext(captured_at=CAPTURED)))
    check(values, {name, "s.json"})


# Through `torget import`.


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_importing_the_archive_twice_and_then_a_newer_one(world, tmp_path):
    channel = channel_in(
        world, "active", platform="mastodon", address="https://social.exempla.se/@exempla"
    )
    first = zip_folder(ARCHIVE, tmp_path / "archive-1.zip")
    summary = run_import(channel, first)
    assert (
        "Found: Mastodon archive of @exempla@social.exempla.se, 7 statuses, "
        "1 boost (not archived)." in summary
    )
    assert "7 new, 0 changed" in summary and "0 rejected" in summary
    records = {r.platform_id: r for r in Record.objects.filter(channel=channel)}
    assert len(records) == 7
    assert {r.direction for r in records.values()} == {"drawn_up"}
    assert records[status_uri(111000000000000004)].parent == records[status_uri(111000000000000003)]
    assert records[status_uri(111000000000000003)].parent == records[status_uri(111000000000000001)]
    assert records[status_uri(111000000000000004)].thread_platform_id == status_uri(
        111000000000000001
    )
    assert records[status_uri(111000000000000001)].has_media
    assert records[status_uri(111000000000000006)].title == "Trafikinformation"

    again = run_import(channel, first)
    assert "0 new, 0 changed, 7 unchanged" in again

    newer = tmp_path / "newer"
    shutil.copytree(ARCHIVE, newer)
    outbox = json.loads((newer / "outbox.json").read_text())
    edited = outbox["orderedItems"][6]["object"]
    edited["content"] = "<p>Biblioteket har öppet till kl. 21 i kväll.</p>"
    edited["updated"] = "2024-03-04T08:00:00Z"
    added = copy.deepcopy(outbox["orderedItems"][0])
    added["object"].update(
        id=status_uri(111000000000000009),
        content="<p>Glad påsk önskar Exempla kommun!</p>",
        published="2024-03-29T09:00:00Z",
        attachment=[],
    )
    outbox["orderedItems"].append(added)
    (newer / "outbox.json").write_text(json.dumps(outbox, ensure_ascii=False))
    later = run_import(channel, zip_folder(newer, tmp_path / "archive-2.zip"))
    assert "1 new, 1 changed, 6 unchanged" in later
    library = Record.objects.get(platform_id=status_uri(111000000000000007))
    assert library.text == "Biblioteket har öppet till kl. 21 i kväll."
    assert library.version_count == 2


@pytest.mark.django_db
def test_importing_api_pages_marks_own_and_received(world, tmp_path):
    channel = channel_in(
        world, "active", platform="mastodon", address="https://mastodon.social/@halcy"
    )
    for name in (
        "test_entity_context__00_GET_api_v1_statuses_ID_context.json",
        "test_entity_mediaattachment__00_GET_api_v1_statuses_ID.json",
        "test_entity_mediaattachment__01_GET_api_v1_statuses_ID.json",
        "test_entity_status__00_GET_api_v1_statuses_ID.json",
        "test_entity_statusedit__00_GET_api_v1_statuses_ID_history.json",
    ):
        shutil.copy(API / name, tmp_path / name)
    summary = run_import(channel, tmp_path)
    assert "Found: Mastodon API pages, 5 files." in summary
    assert "5 new, 1 changed, 1 unchanged" in summary
    directions = dict(
        Record.objects.filter(channel=channel).values_list("platform_id", "direction")
    )
    assert directions == {
        "https://mastodon.social/users/halcy/statuses/110446983178245440": "drawn_up",
        "https://mastodon.social/users/halcy/statuses/110446984249325790": "drawn_up",
        "https://mastodon.social/users/halcy/statuses/110447003454258227": "drawn_up",
        "https://icosahedron.website/users/halcy/statuses/110447012380248325": "received",
        "https://icosahedron.website/users/halcy/statuses/110446222386355655": "received",
    }
    edited = Record.objects.get(
        platform_id="https://icosahedron.website/users/halcy/statuses/110446222386355655"
    )
    assert edited.version_count == 2 and edited.title == "test post for mastodon.py stuff"
    # The same pages again, history and all, change nothing: the history's versions are
    # already kept and none is newer than the current one.
    for _ in range(2):
        assert "0 new, 0 changed, 7 unchanged" in run_import(channel, tmp_path)
    edited.refresh_from_db()
    assert edited.version_count == 2
