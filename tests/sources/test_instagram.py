"""The Instagram readers on real Graph API pages and on hand-made exports.

The Graph API samples in tests/samples/instagram/graph/ are real responses (SOURCES.md). No
licensed "Download your information" export exists: export-2024/ and export-2021/ are small
fixtures written for Torget from the documented layout, with Meta's mojibake.
"""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from tests.sources.test_facebook import by_id, context, fuzz_export, fuzz_pages, read, utc
from torget.archive.models import Record
from torget.sources import instagram
from torget.sources.base import Kind
from torget.sources.bundle import open_bundle
from torget.sources.facebook import GraphPlace

SAMPLES = Path(__file__).parent.parent / "samples" / "instagram"
GRAPH = SAMPLES / "graph"
EXPORT = instagram.InstagramExportReader()
GRAPH_READER = instagram.InstagramGraphReader()


# The export.


def test_the_current_export_gives_posts_a_story_and_comments():
    found, items, errors = read(EXPORT, SAMPLES / "export-2024")
    assert found.format == "instagram-export"
    assert found.summary() == "Instagram export of @exempla"
    assert found.account_ids == {"exempla", "Exempla kommun – Växjö"}
    assert errors == []
    assert [(i.platform_id, i.kind) for i in items] == [
        ("dyi:post:1714820400", Kind.POST),
        ("dyi:post:1714300000", Kind.POST),
        ("dyi:story:1714900000", Kind.STORY),
        ("dyi:comment:1714830000", Kind.COMMENT),
        ("dyi:comment:1714310000", Kind.COMMENT),
    ]
    items = by_id(items)
    album = items["dyi:post:1714820400"]
    assert album.text == "Vårstädning i stadsparken 🌷 Tack alla som hjälpte till!"
    assert album.created_at == utc(2024, 5, 4, 11, 0)
    assert [m.mime_type for m in album.media] == ["image/jpeg", "image/jpeg"]
    assert (album.author_handle, album.author_name) == ("exempla", "Exempla kommun – Växjö")
    assert album.author_is_organisation
    single = items["dyi:post:1714300000"]
    # A single-media post keeps its caption and time in its only media entry.
    assert single.text == "Så funkar sophämtningen i Åby – se filmen!"
    assert single.created_at == utc(2024, 4, 28, 10, 26, 40)
    assert single.media[0].mime_type == "video/mp4"
    assert items["dyi:story:1714900000"].text == "Öppet hus på kulturskolan idag!"
    comment = items["dyi:comment:1714830000"]
    assert comment.text == "Tack för fina bilder! ❤️"
    assert comment.created_at == utc(2024, 5, 4, 13, 40)
    assert comment.author_is_organisation
    assert json.loads(comment.raw)["string_map_data"]["Media Owner"]["value"] == "vaxjo_bibliotek"


def test_the_older_export_layout():
    found, items, errors = read(EXPORT, SAMPLES / "export-2021")
    assert found.summary() == "Instagram export"  # no personal_information in this one
    assert errors == []
    assert [(i.platform_id, i.text) for i in items] == [
        ("dyi:post:1623600000", "Midsommar i hembygdsparken – välkomna!"),
        ("dyi:comment:1623610000", "Vi ses där! ☀️"),
    ]
    assert items[0].created_at == utc(2021, 6, 13, 16, 0)
    assert Path(items[0].media[0].path).name == "187654321_n.jpg"


def test_the_readers_ignore_what_is_not_theirs():
    with open_bundle(GRAPH) as bundle:
        assert EXPORT.detect(bundle) is None
    facebook_samples = SAMPLES.parent / "facebook"
    for folder in ("dyi-2024", "graph"):
        with open_bundle(facebook_samples / folder) as bundle:
            assert EXPORT.detect(bundle) is None
            assert GRAPH_READER.detect(bundle) is None


# Graph API pages.


def test_a_media_page():
    found, items, errors = read(GRAPH_READER, GRAPH / "medias_p1.json")
    assert found.format == "instagram-graph"
    assert errors == []
    assert [(i.platform_id, i.created_at) for i in items] == [
        ("17895731045244887", utc(2021, 8, 13, 8, 25, 28)),
        ("17896622936197745", utc(2021, 8, 13, 8, 2, 40)),
    ]
    first = items[0]
    assert first.kind == Kind.POST and first.author_is_organisation
    assert first.permalink == "https://www.instagram.com/p/CSgf9BChwVq/"
    assert first.media[0].url.startswith("https://scontent-gmp1-1.cdninstagram.com/")
    assert first.media[0].mime_type == "image/jpeg"


def test_an_album_keeps_its_children_as_its_media():
    _found, [album], errors = read(GRAPH_READER, GRAPH / "ig_media.json", "ikroskun")
    assert errors == []
    assert album.platform_id == "17896129349106152"
    assert (album.text, album.author_handle, album.author_id) == (
        "ALBUM",
        "ikroskun",
        "17841406338772941",
    )
    assert album.author_is_organisation
    assert album.created_at == utc(2021, 7, 26, 10, 45, 20)
    # Two pictures and a video with its thumbnail.
    assert [m.mime_type for m in album.media] == [
        "image/jpeg",
        "image/jpeg",
        "video/mp4",
        "image/jpeg",
    ]


def test_comment_pages_take_their_media_from_the_paging_url():
    _found, items, errors = read(GRAPH_READER, GRAPH / "comments_p1.json")
    assert errors == []
    assert [(i.platform_id, i.parent_id, i.thread_id, i.kind) for i in items] == [
        ("17858154961981086", "17846368219941692", "17846368219941692", Kind.COMMENT),
        ("17874875428706419", "17846368219941692", "17846368219941692", Kind.COMMENT),
    ]
    assert items[0].text == "Beautiful!" and items[0].created_at == utc(2020, 6, 1, 10, 56, 52)
    assert not items[0].author_is_organisation


def test_comments_with_replies_and_own_answers():
    _found, items, errors = read(GRAPH_READER, GRAPH / "ig_comment.json", "ikroskun")
    assert errors == []
    comment, reply = items
    assert (comment.platform_id, comment.parent_id, comment.kind) == (
        "17892250648466172",
        "17846368219941692",
        Kind.COMMENT,
    )
    assert comment.author_handle == "ikroskun" and comment.author_is_organisation
    assert comment.author_id == "17841406338772941"
    assert (reply.platform_id, reply.parent_id, reply.thread_id, reply.kind) == (
        "17845747489952795",
        "17892250648466172",
        "17846368219941692",
        Kind.REPLY,
    )
    assert reply.created_at == utc(2020, 2, 24, 9, 18, 8)
    assert not reply.author_is_organisation  # no author given


def test_a_folder_of_responses():
    found, items, errors = read(GRAPH_READER, GRAPH, "ikroskun")
    assert found.summary() == "Instagram Graph API pages, 9 saved responses"
    assert errors == []
    assert len(items) == 13
    reply = by_id(items)["18107567341036926"]
    assert (reply.text, reply.parent_id) == ("@yjmjump sex", "17955956875141196")


def test_a_live_replies_page():
    page = {"data": [{"id": "1", "text": "Tack!", "timestamp": "2025-02-01T10:00:00+0100"}]}
    [item] = instagram.items_from_graph_page(page, context(), GraphPlace("42", "replies"))
    assert (item.kind, item.parent_id, item.created_at) == (Kind.REPLY, "42", utc(2025, 2, 1, 9))
    values = list(instagram.items_from_graph_page({"data": [{"id": "2"}, 7]}, context()))
    assert [(v.location, v.reason) for v in values] == [
        ("item 0", "neither a media object nor a comment"),
        ("item 1", "expected a JSON object, found int"),
    ]


# Mutated samples never make the readers raise.

EXPORT_FILES = [
    "your_instagram_activity/content/posts_1.json",
    "your_instagram_activity/content/stories.json",
    "your_instagram_activity/comments/post_comments_1.json",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_export_never_breaks_the_reader(data):
    fuzz_export(data, EXPORT, SAMPLES / "export-2024", EXPORT_FILES)


GRAPH_FILES = ["medias_p1.json", "ig_media.json", "ig_comment.json", "comments_p1.json"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_graph_pages_never_break_the_reader(data):
    fuzz_pages(data, GRAPH_READER, GRAPH, GRAPH_FILES)


# Through `torget import`.


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_importing_an_export_twice_and_then_a_newer_one(world, tmp_path):
    channel = channel_in(
        world, "active", platform="instagram", address="https://www.instagram.com/exempla/"
    )
    first = run_import(channel, SAMPLES / "export-2024")
    assert "Found: Instagram export of @exempla." in first
    assert "5 new, 0 changed, 0 unchanged, 0 deleted on the platform, 0 rejected" in first
    records = Record.objects.filter(channel=channel)
    assert set(records.values_list("direction", flat=True)) == {"drawn_up"}
    assert records.get(platform_id="dyi:story:1714900000").kind == "story"
    assert "0 new, 0 changed, 5 unchanged" in run_import(channel, SAMPLES / "export-2024")

    newer = tmp_path / "export-2024-06"
    shutil.copytree(SAMPLES / "export-2024", newer)
    posts_file = newer / "your_instagram_activity/content/posts_1.json"
    posts = json.loads(posts_file.read_text())
    posts[0]["title"] = "Vårstädning i stadsparken 🌷".encode().decode("latin-1")
    posts.insert(0, {"media": [{"uri": "", "creation_timestamp": 1717200000, "title": "Sommar"}]})
    posts_file.write_text(json.dumps(posts))
    later = run_import(channel, newer)
    assert "1 new, 1 changed, 4 unchanged" in later
    assert "0 rejected" in later  # the new post names no media file; it is imported without
    assert "note, your_instagram_activity/content/posts_1.json, item 0" in later
    assert records.get(platform_id="dyi:post:1714820400").text == "Vårstädning i stadsparken 🌷"


@pytest.mark.django_db
def test_importing_graph_pages_marks_the_accounts_own_comments(world, tmp_path):
    channel = channel_in(
        world, "active", platform="instagram", address="https://www.instagram.com/ikroskun"
    )
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("ig_media.json", "ig_comment.json", "comments_p1.json"):
        shutil.copy(GRAPH / name, folder / name)
    summary = run_import(channel, folder)
    assert "Found: Instagram Graph API pages, 3 saved responses." in summary
    assert "5 new" in summary and "0 rejected" in summary
    records = Record.objects.filter(channel=channel)
    assert records.get(platform_id="17896129349106152").direction == "drawn_up"
    assert records.get(platform_id="17892250648466172").direction == "drawn_up"
    reply = records.get(platform_id="17845747489952795")
    assert reply.parent.platform_id == "17892250648466172" and reply.direction == "received"
    assert "0 new, 0 changed, 5 unchanged" in run_import(channel, folder)
