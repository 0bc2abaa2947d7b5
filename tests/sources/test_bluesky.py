"""Bluesky: repository CAR exports (v3 and v2 commits) and saved XRPC API pages.

Every sample in tests/samples/bluesky is a real file (SOURCES.md there names the repository,
commit and licence): two real account repositories, a repository without posts, a partial
slice, XRPC records and a getPostThread response, and atproto's official datetime vectors.
API page shapes the samples lack (getAuthorFeed, listRecords, a thread with parents and
replies) are built in the tests from the real post views, and repositories with odd times are
written with the benchmark's CAR writer (bench/shapes/bluesky.py).
"""

import datetime
import importlib.util
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import orjson
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record
from torget.sources import bluesky
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import Found, ReadContext, detect

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "bluesky"
V3 = SAMPLES / "bnewbold.robocracy.org.20250310005405.car"
V2 = SAMPLES / "paul_staging.repo.car"
NO_POSTS = SAMPLES / "greenground.repo.car"
SLICE = SAMPLES / "repo_slice.car"
THREAD = SAMPLES / "thread_view_post_with_embed_media.json"
V3_DID = "did:plc:nhxcyu4ewwhl5pqil4dotqjo"
V2_DID = "did:plc:cmpvykrzb2l22kj4ojlv3ox4"
SDK_DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
CAPTURED = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.UTC)
CONTEXT = ReadContext(captured_at=CAPTURED)
CAR = bluesky.RepositoryReader()
XRPC = bluesky.XrpcReader()


def _bench_shapes():
    path = Path(__file__).resolve().parents[2] / "bench" / "shapes" / "bluesky.py"
    spec = importlib.util.spec_from_file_location("bench_shapes_bluesky", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHAPES = _bench_shapes()


def utc(*parts) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


def read(reader, path, context=CONTEXT):
    with open_bundle(path) as bundle:
        found = reader.detect(bundle)
        assert found is not None, f"{reader.name} does not recognise {path}"
        values = list(reader.read(bundle, found, context))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    assert len(items) + len(errors) == len(values)
    return found, {i.platform_id.rsplit("/", 1)[-1]: i for i in items}, errors


def post_uri(did: str, rkey: str) -> str:
    return f"at://{did}/app.bsky.feed.post/{rkey}"


# Repository exports.


def test_a_v3_repository_is_recognised_with_its_did_profile_and_counts():
    with open_bundle(V3) as bundle:
        reader, found = detect(bundle, "bluesky")
    assert reader.name == "bluesky-car"
    assert found.summary() == (
        f"Bluesky repository export of {V3_DID} (now roaming free), "
        "23 posts, 15 other records (not archived)"
    )
    assert found.account == V3_DID
    assert found.account_ids == {V3_DID, "now roaming free"}
    assert found.total == 23


def test_a_v3_repository_gives_every_post_drawn_up_in_utc():
    _found, posts, errors = read(CAR, V3)
    assert errors == []
    assert len(posts) == 23
    assert all(p.author_is_organisation and p.author_id == V3_DID for p in posts.values())
    assert all(p.created_at.tzinfo is datetime.UTC for p in posts.values())
    assert sorted(k for k, p in posts.items() if p.kind == Kind.REPLY) == [
        "3kyozfaqkgc23",
        "3lj2ex7vyjc2h",
    ]
    first = posts["3kly5whjwmc2v"]
    assert first.platform_id == post_uri(V3_DID, "3kly5whjwmc2v")
    assert first.kind == Kind.POST
    assert first.text == "does it work?"
    assert first.created_at == utc(2024, 2, 22, 4, 35, 10, 72000)
    assert first.language == "en"
    assert first.permalink == f"https://bsky.app/profile/{V3_DID}/post/3kly5whjwmc2v"
    assert first.captured_at == CAPTURED
    assert (first.parent_id, first.thread_id, first.media) == ("", "", ())
    raw = json.loads(first.raw)
    assert (
        raw["uri"] == first.platform_id and raw["value"]["createdAt"] == "2024-02-22T04:35:10.072Z"
    )


def test_a_v3_reply_links_to_its_parent_and_root_and_keeps_its_picture():
    _found, posts, _errors = read(CAR, V3)
    reply = posts["3kyozfaqkgc23"]
    assert reply.kind == Kind.REPLY
    assert reply.parent_id == post_uri("did:plc:oio4hkxaop4ao4wz2pp3f4cr", "3ktbrpnp5x227")
    assert reply.thread_id == post_uri(V3_DID, "3ktbqfmhvak26")
    assert reply.created_at == utc(2024, 8, 1, 23, 47, 45, 977000)
    (picture,) = reply.media
    assert picture.url == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{V3_DID}/"
        "bafkreibk5zslmg5oysb3gzm56wa227zzuw4wto3lcp3tocunpe6owh5nqu@jpeg"
    )
    assert picture.mime_type == "image/jpeg" and picture.path == ""
    # The alt text stays in the raw record (CapturedMedia has no place for it).
    assert "alt" in json.loads(reply.raw)["value"]["embed"]["images"][0]


def test_a_quote_keeps_its_text_and_the_quoted_uri_in_raw():
    _found, posts, _errors = read(CAR, V3)
    quote = posts["3ktbn5b7zkc26"]
    assert quote.kind == Kind.POST
    assert quote.text == "what about this @bnewbold.net"
    embed = json.loads(quote.raw)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.record"
    assert embed["record"]["uri"] == post_uri(V3_DID, "3kly7jzzyuk2v")
    # Facets (mentions, links) stay in raw; CIDs appear as {"$link": ...}, the JSON form.
    facet = json.loads(quote.raw)["value"]["facets"][0]
    assert facet["features"][0]["did"] == "did:plc:44ybard66vv44zksje25o7dz"
    assert json.loads(quote.raw)["cid"] == (
        "bafyreiggnglr34633xqrocjpjnfzlb3hlq3nxqm5ubmci742aau6qhx7ma"
    )


def test_a_v2_repository_gives_101_posts_19_replies_and_quotes_with_pictures():
    found, posts, errors = read(CAR, V2)
    assert found.summary() == (
        f"Bluesky repository export of {V2_DID} (Paul), 101 posts, 84 other records (not archived)"
    )
    assert errors == []
    assert len(posts) == 101
    assert sum(p.kind == Kind.REPLY for p in posts.values()) == 19
    hello = posts["3jhb2kwqvoc2k"]
    assert (hello.text, hello.created_at) == ("Hello, world", utc(2022, 11, 11, 20, 57, 4, 320000))
    reply = posts["3jp6xf4i7ic2s"]
    assert reply.text == "Reply 2"
    assert reply.parent_id == post_uri(V2_DID, "3jp6xevpwlk2s")
    assert reply.thread_id == post_uri("did:plc:zzmlmgz6dra3d3kkquupqe2s", "3jp6xeflo3c2s")
    quote = posts["3jrzqisyaic2k"]
    assert quote.text == "Quote post with images"
    assert len(quote.media) == 3 and {m.mime_type for m in quote.media} == {"image/jpeg"}
    quoted = json.loads(quote.raw)["value"]["embed"]["record"]["record"]["uri"]
    assert quoted == post_uri(V2_DID, "3jr3e5spro22f")


def test_a_repository_without_posts_counts_its_other_records():
    found, posts, errors = read(CAR, NO_POSTS)
    assert found.summary() == (
        "Bluesky repository export of did:plc:kzcqyc3unb33eh5sxzsfs25z, "
        "0 posts, 2 other records (not archived)"
    )
    assert posts == {} and errors == []


def test_a_partial_repository_gives_what_it_holds_and_says_what_is_missing():
    found, posts, errors = read(CAR, SLICE)
    assert found.counts == {"posts": 4, "other records (not archived)": 1}
    (post,) = posts.values()
    assert post.text.startswith("@ledner9213-c6.test Luck yesterday")
    assert post.created_at == utc(2023, 3, 14, 2, 48, 20)
    assert [(e.location, e.reason) for e in errors] == [
        ("repo_slice.car", "3 posts and 1 tree node not in the file (a partial export)")
    ]


def test_a_repository_is_read_from_a_zip_and_under_any_file_name(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(V3, "bluesky/repo.car")
    _found, posts, errors = read(CAR, archive)
    assert len(posts) == 23 and errors == []
    renamed = tmp_path / "download"
    shutil.copy(V3, renamed)
    found, posts, _errors = read(CAR, renamed)
    assert found.account == V3_DID and len(posts) == 23


def test_other_files_are_not_taken_for_a_repository(tmp_path):
    junk = tmp_path / "notes.bin"
    junk.write_bytes(b"\x0a" + bytes(range(200)))
    for path in (THREAD, junk, SAMPLES / "post_record.json"):
        with open_bundle(path) as bundle:
            assert CAR.detect(bundle) is None
    with open_bundle(V3) as bundle:
        assert XRPC.detect(bundle) is None


def test_a_damaged_record_is_reported_and_the_others_are_read(tmp_path):
    data = bytearray(V3.read_bytes())
    at = data.find(b"does it work?")
    data[at] = ord("D")  # the block no longer matches its hash
    damaged = tmp_path / "repo.car"
    damaged.write_bytes(bytes(data))
    _found, posts, errors = read(CAR, damaged)
    assert len(posts) == 22 and "3kly5whjwmc2v" not in posts
    (error,) = errors
    assert error.location == "repo.car, app.bsky.feed.post/3kly5whjwmc2v"
    assert "does not match its hash" in error.reason


def _read_cut(sample: Path, tmp_path: Path, keep: float) -> list:
    data = sample.read_bytes()
    short = tmp_path / "repo.car"
    short.write_bytes(data[: int(len(data) * keep)])
    with open_bundle(sample) as bundle:
        found = CAR.detect(bundle)
    found.details["files"] = ["repo.car"]
    with open_bundle(short) as bundle:
        return list(CAR.read(bundle, found, CONTEXT))


def test_a_cut_short_repository_gives_the_posts_before_the_cut(tmp_path):
    # This export's blocks begin with the tree and the commit: what follows them is readable.
    values = _read_cut(V3, tmp_path, keep=2 / 3)
    items = [v for v in values if isinstance(v, CapturedItem)]
    assert 0 < len(items) < 23
    assert len(values) == len(items) + 1
    assert values[-1].location == "repo.car"
    assert values[-1].reason.startswith("the file is cut short at byte 9,328; ")
    assert values[-1].reason.endswith("(and what lies under them) could not be read")
    # This one's commit comes near the end (block order is free in a CAR): nothing is left.
    (error,) = _read_cut(V2, tmp_path, keep=2 / 3)
    assert error.location == "repo.car"
    assert error.reason.startswith("the file is cut short at byte 91,752: the commit block")


def _repo_with(tmp_path, records: dict[str, object], did=V3_DID) -> Path:
    return SHAPES.write_car(tmp_path / "odd.car", did, sorted(records.items()))


def test_times_with_offsets_end_in_utc_and_broken_records_are_reported(tmp_path):
    def post(created, text="Hej"):
        return {"$type": "app.bsky.feed.post", "text": text, "createdAt": created}

    path = _repo_with(
        tmp_path,
        {
            "app.bsky.feed.post/3kaaaaaaaaa2a": post("2025-03-01T10:00:00+01:00"),
            "app.bsky.feed.post/3kaaaaaaaaa2b": post("2025-03-01T10:00:00.5-05:30"),
            "app.bsky.feed.post/3kaaaaaaaaa2c": post("2025-03-01T10:00:00.123456789Z"),
            "app.bsky.feed.post/3kaaaaaaaaa2d": post("2025-03-01T10:00:00"),
            "app.bsky.feed.post/3kaaaaaaaaa2e": post("2025-03-01 10:00:00Z"),
            "app.bsky.feed.post/3kaaaaaaaaa2f": post("2025-02-30T10:00:00Z"),
            "app.bsky.feed.post/3kaaaaaaaaa2g": post("2025-03-01T10:00:00Z", text=42),
            "app.bsky.feed.post/3kaaaaaaaaa2h": ["not", "a", "record"],
            "app.bsky.feed.post/3kaaaaaaaaa2i": {"text": "Utan tid"},
            "app.bsky.feed.post/3kaaaaaaaaa2j": {
                **post("2025-03-01T10:00:00Z"),
                "reply": {"parent": {"uri": 7}, "root": {"uri": "at://x"}},
            },
        },
    )
    _found, posts, errors = read(CAR, path)
    assert posts["3kaaaaaaaaa2a"].created_at == utc(2025, 3, 1, 9, 0)
    assert posts["3kaaaaaaaaa2b"].created_at == utc(2025, 3, 1, 15, 30, 0, 500000)
    assert posts["3kaaaaaaaaa2c"].created_at == utc(2025, 3, 1, 10, 0, 0, 123456)
    assert posts["3kaaaaaaaaa2d"].created_at == utc(2025, 3, 1, 10, 0)  # no zone: UTC
    assert len(posts) == 4
    where = "odd.car, app.bsky.feed.post/"
    assert [(e.location, e.reason) for e in errors] == [
        (
            f"{where}3kaaaaaaaaa2e, createdAt",
            "not an atproto date and time: '2025-03-01 10:00:00Z'",
        ),
        (f"{where}3kaaaaaaaaa2f, createdAt", "not a date and time: '2025-02-30T10:00:00Z'"),
        (f"{where}3kaaaaaaaaa2g, text", "expected text, found int"),
        (f"{where}3kaaaaaaaaa2h, record", "expected an object"),
        (f"{where}3kaaaaaaaaa2i, createdAt", "missing"),
        (f"{where}3kaaaaaaaaa2j, parent.uri", "expected an at:// URI"),
    ]


def _vectors(name: str) -> list[str]:
    lines = (SAMPLES / name).read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line and not line.startswith("#")]


def test_every_valid_atproto_datetime_is_read_except_the_year_zero():
    refused = []
    for value in _vectors("datetime_syntax_valid.txt"):
        try:
            moment = bluesky.check_datetime(value)
        except SourceError as error:
            refused.append((value, error.reason))
            continue
        assert moment.tzinfo is datetime.UTC
    # Python's datetimes start at the year 1; the archive cannot hold the year 0.
    assert refused == [
        ("0000-01-01T00:00:00.000Z", "the year 0 cannot be stored: '0000-01-01T00:00:00.000Z'")
    ]
    assert bluesky.check_datetime("1985-04-12T23:20:50.123-07:00") == utc(
        1985, 4, 13, 6, 20, 50, 123000
    )


def test_invalid_atproto_datetimes_are_refused_except_a_missing_zone():
    accepted = []
    for value in _vectors("datetime_syntax_invalid.txt"):
        try:
            bluesky.check_datetime(value)
        except SourceError:
            continue
        accepted.append(value)
    # Torget's rule for times without a zone (UTC) is kept; nothing else loose gets through.
    assert accepted == [
        "1985-04-12T23:20:50.123",
        "1985-04-12T23:20:50",
        "1985-04-12T23:20:50.123",
        "1985-04-12T23:20:50.123",
    ]


# API pages.


def _thread_sample() -> dict:
    return json.loads(THREAD.read_text(encoding="utf-8"))


def _post_view(rkey: str, text: str, *, did: str, handle: str, reply_to: str = "") -> dict:
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2025-03-01T08:00:00Z"}
    if reply_to:
        ref = {
            "uri": reply_to,
            "cid": "bafyreier7l7l33k23invvoeth2ed2hkwlxlv3igbhp3536hmmeouob7mzi",
        }
        record["reply"] = {"root": ref, "parent": ref}
    return {
        "uri": post_uri(did, rkey),
        "cid": "bafyreigb666sdjyyaczcahxmf5tzh7dec6bwr3nhdab7llebn7vhsxzgr4",
        "author": {"did": did, "handle": handle, "displayName": handle.split(".")[0]},
        "record": record,
        "indexedAt": "2025-03-01T08:00:01.000Z",
    }


def test_a_saved_thread_gives_its_post_with_author_picture_and_direction():
    own = ReadContext(captured_at=CAPTURED, own=frozenset({"test.marshal.dev"}))
    found, posts, errors = read(XRPC, THREAD, own)
    assert found.summary() == "Bluesky API pages, 1 page"
    assert errors == []
    post = posts["3kaheyt6vpc22"]
    assert post.platform_id == post_uri(SDK_DID, "3kaheyt6vpc22")
    assert (post.kind, post.text, post.language) == (Kind.POST, "", "en")
    assert post.created_at == utc(2023, 9, 28, 12, 49, 36, 735000)
    assert (post.author_id, post.author_handle, post.author_name) == (
        SDK_DID,
        "test.marshal.dev",
        "Python SDK",
    )
    assert post.author_is_organisation
    (picture,) = post.media
    # The same address the API's view gives as "fullsize".
    fullsize = _thread_sample()["thread"]["post"]["embed"]["media"]["images"][0]["fullsize"]
    assert picture.url == fullsize and picture.mime_type == "image/jpeg"
    _found, posts, _errors = read(XRPC, THREAD)
    assert not posts["3kaheyt6vpc22"].author_is_organisation


def test_a_thread_walks_its_parents_and_replies_and_skips_what_the_api_hides():
    sample = _thread_sample()["thread"]
    own_did = SDK_DID
    other = "did:plc:medborgare00000000000001"
    root = _post_view("3root", "Kommunen informerar", did=own_did, handle="test.marshal.dev")
    page = {
        "thread": {
            **sample,
            "parent": {
                "$type": "app.bsky.feed.defs#threadViewPost",
                "post": _post_view(
                    "3mid", "Fråga", did=other, handle="anna.bsky.social", reply_to=root["uri"]
                ),
                "parent": {"$type": "app.bsky.feed.defs#threadViewPost", "post": root},
            },
            "replies": [
                {
                    "$type": "app.bsky.feed.defs#threadViewPost",
                    "post": _post_view(
                        "3r1",
                        "Tack!",
                        did=other,
                        handle="anna.bsky.social",
                        reply_to=sample["post"]["uri"],
                    ),
                    "replies": [
                        {
                            "$type": "app.bsky.feed.defs#blockedPost",
                            "uri": "at://x",
                            "blocked": True,
                        }
                    ],
                },
                {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://y", "notFound": True},
                {"$type": "app.bsky.feed.defs#threadViewPost", "post": {"uri": 5}},
            ],
        }
    }
    context = ReadContext(captured_at=CAPTURED, own=frozenset({own_did}))
    values = list(bluesky.items_from_xrpc_page(page, context))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    assert [i.platform_id.rsplit("/", 1)[-1] for i in items] == [
        "3mid",
        "3root",
        "3kaheyt6vpc22",
        "3r1",
    ]
    assert [i.author_is_organisation for i in items] == [False, True, True, False]
    assert items[0].parent_id == root["uri"] and items[0].kind == Kind.REPLY
    assert items[3].parent_id == sample["post"]["uri"]
    assert [(e.location, e.reason) for e in errors] == [
        ("thread, reply 2, post.uri", "expected an at:// URI")
    ]


def test_an_author_feed_page_streams_own_posts_and_leaves_out_reposts_of_others(tmp_path):
    own = _post_view("3own", "Biblioteket har öppet", did=SDK_DID, handle="test.marshal.dev")
    reply = _post_view(
        "3svar",
        "Svar till Anna",
        did=SDK_DID,
        handle="test.marshal.dev",
        reply_to=post_uri("did:plc:medborgare00000000000001", "3fraga"),
    )
    deep = []
    for _level in range(300):
        deep = [deep]
    reposted = _post_view(
        "3annan", "Annans inlägg", did="did:plc:annan", handle="annan.bsky.social"
    )
    page = {
        "feed": [
            {"post": own},
            {"post": reply, "reply": {"root": {}, "parent": {}}},
            {
                "post": reposted,
                "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": own["author"]},
            },
            {"post": {**own, "record": {**own["record"], "createdAt": "igår"}}},
            {"post": own, "labels": deep},
        ],
        "cursor": "3kaaa",
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    context = ReadContext(captured_at=CAPTURED, own=frozenset({"test.marshal.dev"}))
    _found, posts, errors = read(XRPC, path, context)
    assert sorted(posts) == ["3own", "3svar"]
    assert posts["3svar"].kind == Kind.REPLY and posts["3svar"].author_is_organisation
    assert json.loads(posts["3svar"].raw)["reply"] == {"root": {}, "parent": {}}
    assert [(e.location, e.reason) for e in errors] == [
        ("feed.json, feed item 3, post.record.createdAt", "not an atproto date and time: 'igår'"),
        ("feed.json, feed item 4", "unreadable (Recursion limit reached)"),
    ]


def test_list_records_pages_belong_to_their_repository(tmp_path):
    post = json.loads((SAMPLES / "post_record.json").read_text(encoding="utf-8"))
    like = json.loads((SAMPLES / "like_record.json").read_text(encoding="utf-8"))
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"records": [post, like], "cursor": "3k2"}), encoding="utf-8")
    found, posts, errors = read(XRPC, path, ReadContext(captured_at=CAPTURED, own=frozenset()))
    assert found.account == SDK_DID and found.summary() == f"Bluesky API pages of {SDK_DID}, 1 page"
    assert errors == [] and list(posts) == ["3k2yihcrp6f2c"]
    own = ReadContext(captured_at=CAPTURED, own=frozenset({SDK_DID}))
    _found, posts, _errors = read(XRPC, path, own)
    assert posts["3k2yihcrp6f2c"].author_is_organisation


def test_single_records_give_posts_and_nothing_for_likes_or_feeds():
    _found, posts, errors = read(XRPC, SAMPLES / "post_record.json")
    post = posts["3k2yihcrp6f2c"]
    assert (post.text, post.created_at) == ("new text114", utc(2024, 2, 22, 19, 58, 13, 903293))
    assert post.author_id == SDK_DID and errors == []
    for name in ("like_record.json", "feed_record.json"):
        _found, posts, errors = read(XRPC, SAMPLES / name)
        assert posts == {} and errors == []


def test_a_folder_of_pages_is_read_page_by_page(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("post_record.json", "like_record.json", THREAD.name):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken.json").write_text('{"feed": [', encoding="utf-8")
    found, posts, errors = read(XRPC, folder)
    assert found.counts == {"pages": 4} and found.account == ""
    assert sorted(posts) == ["3k2yihcrp6f2c", "3kaheyt6vpc22"]
    assert [e.location for e in errors] == ["broken.json, after feed item -1"]


# Fuzzing: mutated real samples never make a reader raise.


def _check(values, name: str) -> None:
    for value in values:
        if isinstance(value, SourceError):
            assert value.location.startswith(name), value.location
        else:
            assert isinstance(value, CapturedItem)
            assert value.created_at.tzinfo is datetime.UTC
            assert value.captured_at == CAPTURED


@settings(max_examples=60, deadline=None)
@given(
    sample=st.sampled_from([V3, V2, SLICE]),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=0.999), st.integers(0, 255)), max_size=6
    ),
    junk=st.binary(max_size=64),
)
def test_mutated_repositories_never_make_the_reader_raise(sample, cut, flips, junk):
    data = bytearray(sample.read_bytes())
    for where, byte in flips:
        data[int(where * len(data))] = byte
    data = bytes(data[: max(int(cut * len(data)), 1)]) + junk if cut < 0.9 else bytes(data)
    with open_bundle(sample) as bundle:
        found = CAR.detect(bundle)
    found.details["files"] = ["repo.car"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "repo.car"
        path.write_bytes(data)
        with open_bundle(path) as bundle:
            CAR.detect(bundle)  # never raises
            _check(list(CAR.read(bundle, found, CONTEXT)), "repo.car")


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _mutate(document, path, action, replacement):
    if not path:
        return replacement if action == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return document


def _feed_page() -> dict:
    post = _thread_sample()["thread"]["post"]
    return {"feed": [{"post": post}, {"post": json.loads(json.dumps(post))}], "cursor": "c"}


WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just("x" * 200_000),
)


@settings(max_examples=60, deadline=None)
@given(
    which=st.sampled_from(["thread", "feed", "record"]),
    pick=st.floats(min_value=0.0, max_value=0.999),
    action=st.sampled_from(["replace", "delete"]),
    replacement=WRONG,
    encoding=st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]),
    cut=st.floats(min_value=0.0, max_value=1.0),
)
def test_mutated_api_pages_never_make_the_reader_raise(
    which, pick, action, replacement, encoding, cut
):
    document = {
        "thread": _thread_sample,
        "feed": _feed_page,
        "record": lambda: json.loads((SAMPLES / "post_record.json").read_text(encoding="utf-8")),
    }[which]()
    paths = [p for p in _paths(document) if p]
    document = _mutate(document, paths[int(pick * len(paths))], action, replacement)
    text = json.dumps(document, ensure_ascii=False)
    data = text.encode(encoding, errors="replace")
    if cut < 0.5:
        data = data[: int(cut * 2 * len(data))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.json"
        path.write_bytes(data)
        with open_bundle(path) as bundle:
            found = XRPC.detect(bundle)
            if found is None:
                found = Found(
                    platform="bluesky",
                    format="bluesky-xrpc",
                    description="",
                    details={"pages": ["page.json"]},
                )
            _check(list(XRPC.read(bundle, found, CONTEXT)), "page.json")
            _check(list(bluesky.items_from_xrpc_page(document, CONTEXT)), "")


# The benchmark's generators write what the readers read.


@pytest.mark.parametrize("shape", ["bluesky-car", "bluesky-xrpc"])
def test_the_benchmark_shapes_are_read_completely(tmp_path, shape):
    path = SHAPES.SHAPES[shape](tmp_path, 300)
    context = ReadContext(captured_at=CAPTURED, own=frozenset({"exempla.bsky.social"}))
    with open_bundle(path) as bundle:
        reader, found = detect(bundle, "bluesky")
        values = list(reader.read(bundle, found, context))
    assert reader.name == shape
    assert len(values) == 300 and all(isinstance(v, CapturedItem) for v in values)
    assert all(v.author_is_organisation for v in values)
    assert sum(v.kind == Kind.POST for v in values) == 15  # one in 21 starts a thread
    if shape == "bluesky-car":
        assert found.counts == {"posts": 300, "other records (not archived)": 7}
        assert found.account_ids == {SHAPES.DID, "Exempla kommun"}


# Through `torget import`.


def run_import(channel, path, *extra) -> str:
    out = io.StringIO()
    call_command(
        "import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def _older_export(tmp_path, keep: int) -> Path:
    """The same account's repository as it was `keep` posts ago: the real record blocks,
    written with a fresh tree and commit."""
    records = []
    with V3.open("rb") as stream:
        car = bluesky._CarFile(stream)
        car.index()
        commit = bluesky._commit(car, car.roots[0])
        for key, cid in car.walk(commit["data"]):
            records.append((key, car.block(cid)))
    posts = [r for r in records if r[0].startswith("app.bsky.feed.post/")]
    dropped = {key for key, _ in posts[keep:]}
    return SHAPES.write_car(
        tmp_path / "older.car", V3_DID, [r for r in records if r[0] not in dropped]
    )


@pytest.mark.django_db
def test_importing_a_repository_twice_and_then_a_newer_one(world, tmp_path):
    channel = channel_in(
        world, "active", platform="bluesky", address=f"https://bsky.app/profile/{V3_DID}"
    )
    older = run_import(channel, _older_export(tmp_path, keep=20))
    assert (
        f"Found: Bluesky repository export of {V3_DID} (now roaming free), "
        "20 posts, 15 other records (not archived)." in older
    )
    assert "20 new, 0 changed, 0 unchanged" in older
    newer = run_import(channel, V3)
    assert (
        f"Found: Bluesky repository export of {V3_DID} (now roaming free), "
        "23 posts, 15 other records (not archived)." in newer
    )
    assert "3 new, 0 changed, 20 unchanged" in newer and "0 rejected" in newer
    again = run_import(channel, V3)
    assert "0 new, 0 changed, 23 unchanged" in again
    records = Record.objects.filter(channel=channel)
    assert records.count() == 23
    assert set(records.values_list("direction", flat=True)) == {"drawn_up"}
    reply = records.get(platform_id=post_uri(V3_DID, "3kyozfaqkgc23"))
    assert reply.kind == Kind.REPLY
    assert reply.parent_platform_id == post_uri("did:plc:oio4hkxaop4ao4wz2pp3f4cr", "3ktbrpnp5x227")
    assert reply.thread_platform_id == post_uri(V3_DID, "3ktbqfmhvak26")
    assert reply.has_media
    first = records.get(platform_id=post_uri(V3_DID, "3kly5whjwmc2v"))
    assert first.created_at == utc(2024, 2, 22, 4, 35, 10, 72000)


@pytest.mark.django_db
def test_a_channel_named_by_handle_cannot_be_compared_with_a_did_and_is_trusted(world):
    """A repository names its account by DID only: Torget says it cannot compare, and
    imports into the channel the person chose. A channel named by another DID is refused."""
    channel = channel_in(
        world, "active", platform="bluesky", address="https://bsky.app/profile/paul.bsky.social"
    )
    err = io.StringIO()
    call_command("import", str(V2), "--channel", channel.slug, stdout=io.StringIO(), stderr=err)
    assert f"names its account as {V2_DID}; Torget cannot compare" in err.getvalue()
    other = channel_in(
        world, "active", platform="bluesky", address="https://bsky.app/profile/did:plc:other"
    )
    with pytest.raises(CommandError, match=f"This export belongs to {V2_DID}"):
        run_import(other, V2)
    summary = run_import(channel, V2, "--force")
    assert "0 new" in summary and "101 unchanged" in summary
    assert Record.objects.filter(channel=channel, direction="drawn_up").count() == 101
    assert Record.objects.filter(channel=channel, kind=Kind.REPLY).count() == 19


@pytest.mark.django_db
def test_importing_saved_api_pages(world, tmp_path):
    channel = channel_in(
        world, "active", platform="bluesky", address="https://bsky.app/profile/test.marshal.dev"
    )
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(THREAD, folder / THREAD.name)
    reply = _post_view(
        "3svar",
        "Tack för svaret",
        did="did:plc:medborgare00000000000001",
        handle="anna.bsky.social",
        reply_to=post_uri(SDK_DID, "3kaheyt6vpc22"),
    )
    page = _thread_sample()
    page["thread"]["replies"] = [{"$type": "app.bsky.feed.defs#threadViewPost", "post": reply}]
    (folder / "thread-2.json").write_bytes(orjson.dumps(page))
    summary = run_import(channel, folder)
    assert "Found: Bluesky API pages, 2 pages." in summary
    assert "2 new, 0 changed, 1 unchanged" in summary
    own = Record.objects.get(platform_id=post_uri(SDK_DID, "3kaheyt6vpc22"))
    assert own.direction == "drawn_up" and own.author_handle == "test.marshal.dev"
    received = Record.objects.get(platform_id=reply["uri"])
    assert received.direction == "received" and received.parent_id == own.pk
    assert "0 new, 0 changed, 3 unchanged" in run_import(channel, folder)
