"""The X readers: the account archive, saved API v2 pages and API v1.1 statuses lists.

Real files (tests/samples/x/, SOURCES.md there): an excerpt of a real 2022 archive
(mrled/twarchive: old naming `tweet.js`, no edit_info), API v2 responses (sns-sdks/
python-twitter) and tweepy cassette bodies with edit histories, and v1.1 statuses
(dogsheep/twitter-to-sqlite).

No licensed modern archive exists, so `tests/samples/x/modern_archive/` is a FIXTURE WRITTEN
FOR THESE TESTS from the documented layout and the real excerpt: `data/manifest.js`,
`data/tweets.js` with `edit_info` (one post edited once), `data/deleted-tweets.js`,
`data/direct-messages.js`, `data/account.js` and one media file. The tests zip it as X does.
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
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import ReadContext
from torget.sources.x import (
    ApiV1Reader,
    ApiV2Reader,
    ArchiveReader,
    items_from_v2_page,
    snowflake_time,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "x"
MODERN = SAMPLES / "modern_archive"
UTC = datetime.UTC
CAPTURED = datetime.datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
ACCOUNT = "1354321987654321024"

# The fixture's ids.
EDIT_FIRST, EDIT_LATEST = "1764954002027446279", "1764959035192246279"
LIBRARY_POST = "1763474251576246279"
CITIZEN_TWEET = "1763866838430646279"
FIRST_REPLY, SECOND_REPLY = "1763874388177846279", "1763883196216246279"
ROADWORK_POST = "1764557640299446279"
DELETED_POST = "1759869247288246279"
MESSAGE_SENT, MESSAGE_RECEIVED = "1764187500000000002", "1764180000000000001"


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=UTC)


def context(*own: str) -> ReadContext:
    return ReadContext(captured_at=CAPTURED, own=frozenset(own))


def read_all(reader, path: Path, *own: str):
    with open_bundle(path) as bundle:
        found = reader.detect(bundle)
        assert found is not None, f"{reader.name} does not recognise {path}"
        values = list(reader.read(bundle, found, context(*own)))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    return found, items, errors


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return target


def js_value(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :])


def write_js(path: Path, glob: str, value) -> None:
    path.write_text(f"window.{glob} = " + json.dumps(value, indent=2, ensure_ascii=False))


# The real archive excerpt (old naming).


def test_the_real_2022_archive_excerpt_is_recognised_from_its_manifest():
    found, items, errors = read_all(ArchiveReader(), SAMPLES / "mrled_twarchive")
    assert found.summary() == "X archive of @mrled, 938 posts, 16 conversations"
    assert found.account == "@mrled"
    assert found.account_ids == {"35010911", "Micah R Ledbetter /mɹ̩ˈled/"}
    assert found.total == 938
    assert errors == []
    assert [i.platform_id for i in items] == ["254848497235398656", "1276916896974110721"]
    retweet, post = items
    assert retweet.created_at == at(2012, 10, 7, 7, 39, 51)
    assert retweet.text.startswith("RT @nostrich: 2012 is about correcting the typo")
    assert post.created_at == at(2020, 6, 27, 16, 34, 46)
    assert post.text.startswith("I just found @syncthing and I'm really liking it so far.")
    for item in items:
        assert item.kind == Kind.POST and item.author_is_organisation
        assert (item.author_id, item.author_handle) == ("35010911", "@mrled")
        assert item.language == "en" and item.captured_at == CAPTURED
        assert item.thread_id == item.platform_id and item.parent_id == ""
        assert item.permalink == f"https://x.com/mrled/status/{item.platform_id}"
        assert json.loads(item.raw)["tweet"]["id_str"] == item.platform_id


def test_without_a_manifest_the_account_comes_from_account_js(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("tweet.js", "account.js"):
        shutil.copy(SAMPLES / "mrled_twarchive" / name, folder / name)
    found, items, _ = read_all(ArchiveReader(), folder)
    assert (found.summary(), found.account, found.total) == ("X archive of @mrled", "@mrled", None)
    assert len(items) == 2


# The modern archive fixture.


@pytest.fixture
def modern_zip(tmp_path) -> Path:
    return zip_folder(MODERN, tmp_path / "twitter-2024-03-06-exempla.zip")


def by_id(items):
    return {i.platform_id: i for i in items}


def test_the_modern_archive_is_read_with_edits_threads_deletions_and_messages(modern_zip):
    found, items, errors = read_all(ArchiveReader(), modern_zip)
    assert found.summary() == "X archive of @exempla, 6 posts, 1 deleted post, 1 conversation"
    assert (found.account, found.total) == ("@exempla", 7)
    assert errors == []
    assert [i.platform_id for i in items] == [
        EDIT_FIRST,  # both versions of the edited post, the first first
        EDIT_FIRST,
        ROADWORK_POST,
        SECOND_REPLY,
        FIRST_REPLY,
        LIBRARY_POST,
        DELETED_POST,
        MESSAGE_SENT,
        MESSAGE_RECEIVED,
    ]

    # The edited post: every version under the first id, in order, each with its time.
    original = next(i for i in items if i.platform_id == EDIT_FIRST)
    assert json.loads(original.raw)["tweet"]["id_str"] == EDIT_FIRST
    assert original.edited_at is None and original.created_at == at(2024, 3, 5, 10, 0)
    assert original.text != "Simhallen stänger kl 19 i dag på grund av personalbrist."
    items = by_id(items)
    edited = items[EDIT_FIRST]
    assert edited.text == "Simhallen stänger kl 19 i dag på grund av personalbrist."
    assert edited.created_at == at(2024, 3, 5, 10, 0)
    assert edited.edited_at == at(2024, 3, 5, 10, 20)
    assert json.loads(edited.raw)["tweet"]["id_str"] == EDIT_LATEST
    assert edited.permalink == f"https://x.com/exempla/status/{EDIT_FIRST}"

    # A reply to a citizen, and the account's follow-up: both in the citizen's thread.
    first, second = items[FIRST_REPLY], items[SECOND_REPLY]
    assert (first.kind, first.parent_id, first.thread_id) == (
        Kind.REPLY,
        CITIZEN_TWEET,
        CITIZEN_TWEET,
    )
    assert (second.kind, second.parent_id, second.thread_id) == (
        Kind.REPLY,
        FIRST_REPLY,
        CITIZEN_TWEET,
    )
    assert second.created_at == at(2024, 3, 2, 11, 5)

    # Entities are undone, t.co links expanded, the picture found in tweets_media/.
    assert items[ROADWORK_POST].text == (
        "Vägarbete på Storgatan & Torggatan i veckan. Kör försiktigt <3"
    )
    library = items[LIBRARY_POST]
    assert "Läs mer: https://www.exempla.se/bibliotek https://t.co/Xq7bPic0aB" in library.text
    (picture,) = library.media
    assert picture.url == "https://pbs.twimg.com/media/GHmNq2bXkAAw3Zp.jpg"
    assert picture.mime_type == "image/jpeg"
    assert picture.path.endswith(".jpg")

    deleted = items[DELETED_POST]
    assert deleted.deleted_at == at(2024, 2, 21, 9, 0)
    assert deleted.created_at == at(2024, 2, 20, 9, 15) and deleted.kind == Kind.POST

    sent, received = items[MESSAGE_SENT], items[MESSAGE_RECEIVED]
    conversation = f"9876543210-{ACCOUNT}"
    assert (sent.kind, sent.thread_id, sent.author_is_organisation) == (
        Kind.MESSAGE,
        conversation,
        True,
    )
    assert sent.text == "Hej! Du kan felanmäla direkt här: https://www.exempla.se/felanmalan"
    assert (sent.author_id, sent.author_handle) == (ACCOUNT, "@exempla")
    assert (received.author_id, received.author_is_organisation) == ("9876543210", False)
    assert received.created_at == at(2024, 3, 3, 9, 0) and received.permalink == ""
    assert all(i.author_is_organisation for i in items.values() if i.kind != Kind.MESSAGE)


def test_an_archive_in_parts_is_read_in_part_order(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(MODERN, folder)
    tweets = js_value(folder / "data" / "tweets.js")
    write_js(folder / "data" / "tweets.js", "YTD.tweets.part0", tweets[:3])
    write_js(folder / "data" / "tweets-part1.js", "YTD.tweets.part1", tweets[3:])
    _, items, errors = read_all(ArchiveReader(), folder)
    assert errors == []
    assert [i.platform_id for i in items][:6] == [
        EDIT_FIRST,
        EDIT_FIRST,
        ROADWORK_POST,
        SECOND_REPLY,
        FIRST_REPLY,
        LIBRARY_POST,
    ]
    assert by_id(items)[SECOND_REPLY].thread_id == CITIZEN_TWEET


def test_a_bad_element_is_reported_with_file_item_and_key_and_the_rest_read(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(MODERN, folder)
    tweets = js_value(folder / "data" / "tweets.js")
    tweets[2]["tweet"]["created_at"] = "yesterday"
    tweets[3]["tweet"]["full_text"] = 12
    del tweets[4]["tweet"]["id_str"], tweets[4]["tweet"]["id"]
    write_js(folder / "data" / "tweets.js", "YTD.tweets.part0", tweets)
    messages = folder / "data" / "direct-messages.js"
    messages.write_text(messages.read_text().replace('"2024-03-03T09:00:00.000Z"', "null"))
    _, items, errors = read_all(ArchiveReader(), folder)
    assert [(e.location, e.reason) for e in errors] == [
        ("data/tweets.js, item 3, created_at", "not a date and time: 'yesterday'"),
        ("data/tweets.js, item 4, full_text", "expected text, found int"),
        ("data/tweets.js, item 5, id_str", "missing"),
        ("data/direct-messages.js, conversation 1, message 2, createdAt", "missing"),
    ]
    assert {i.platform_id for i in items} == {
        EDIT_FIRST,
        LIBRARY_POST,
        DELETED_POST,
        MESSAGE_SENT,
    }


def test_a_truncated_tweets_file_yields_the_good_posts_then_names_the_file(tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(MODERN, folder)
    data = (folder / "data" / "tweets.js").read_bytes()
    (folder / "data" / "tweets.js").write_bytes(data[: data.index(b"@medborgare Uppdatering")])
    _, items, errors = read_all(ArchiveReader(), folder)
    assert [e.location for e in errors] == ["data/tweets.js"]
    assert "cut short" in errors[0].reason
    assert [i.platform_id for i in items][:3] == [EDIT_FIRST, EDIT_FIRST, ROADWORK_POST]
    assert DELETED_POST in by_id(items) and MESSAGE_RECEIVED in by_id(items)


def test_other_exports_are_not_taken_for_an_x_archive(tmp_path):
    (tmp_path / "posts.json").write_text('[{"timestamp": 1, "data": []}]')
    with open_bundle(tmp_path) as bundle:
        assert ArchiveReader().detect(bundle) is None
        assert ApiV2Reader().detect(bundle) is None
        assert ApiV1Reader().detect(bundle) is None
    with open_bundle(SAMPLES / "mrled_twarchive") as bundle:
        assert ApiV2Reader().detect(bundle) is None and ApiV1Reader().detect(bundle) is None


# API v2 pages.


def test_a_v2_search_page_takes_authors_from_includes_and_links_replies():
    found, items, errors = read_all(
        ApiV2Reader(), SAMPLES / "sns-sdks_python-twitter" / "search_tweets_query.json", "snowman"
    )
    assert found.summary() == "X API v2 pages (1 file)"
    assert errors == []
    assert [i.platform_id for i in items] == [
        "1276035977375477760",
        "1275882613572583424",
        "1275763727908798470",
        "1275653067283759104",
    ]
    first = items[0]
    assert (first.author_id, first.author_handle, first.author_name) == (
        "63046977",
        "@happycamper",
        "Emily Waligoske 🏕",
    )
    assert (first.kind, first.parent_id) == (Kind.REPLY, "1275653067283759104")
    assert first.created_at == at(2020, 6, 25, 6, 14, 19)
    assert first.text.startswith("@snowman Ooo, thanks error message, public_metircs")
    assert first.permalink == "https://x.com/happycamper/status/1276035977375477760"
    assert not first.author_is_organisation
    assert [i.author_is_organisation for i in items] == [False, True, False, True]
    assert items[1].author_handle == "@snowman" and items[1].language == "en"
    assert items[2].language == ""  # "und"


def test_v2_edit_history_makes_edits_versions_of_the_first_id():
    _, items, errors = read_all(
        ApiV2Reader(),
        SAMPLES / "tweepy_extracts" / "test_asyncclient_get_home_timeline__00.json",
    )
    assert errors == [] and len(items) == 98
    edited = by_id(items)["1577158996984987648"]
    assert json.loads(edited.raw)["id"] == "1577162244978139137"
    # The page has no created_at: the ids tell the times.
    assert edited.created_at == at(2022, 10, 4, 4, 49, 41)
    assert edited.edited_at == at(2022, 10, 4, 5, 2, 36)
    assert edited.text.startswith("I hope I’m not mistaken. Fixed it.")
    unedited = by_id(items)["1578466218075312129"]
    assert unedited.edited_at is None and unedited.kind == Kind.POST


def test_v2_single_tweets_wrapped_and_unwrapped_and_quote_pages(tmp_path):
    _, (tweet,), _ = read_all(
        ApiV2Reader(), SAMPLES / "tweepy_extracts" / "test_client_get_tweet__00.json"
    )
    assert tweet.platform_id == "1293593516040269825"
    assert tweet.created_at == at(2020, 8, 12, 17, 1, 42)
    assert tweet.text.startswith("It’s finally here! 🥁 Say hello to the new #TwitterAPI.")
    _, (video,), _ = read_all(
        ApiV2Reader(), SAMPLES / "sns-sdks_python-twitter" / "tweet_resp.json"
    )
    assert video.platform_id == "1067094924124872705"
    assert video.media == ()  # the page's video has no address to keep
    _, quotes, _ = read_all(
        ApiV2Reader(), SAMPLES / "sns-sdks_python-twitter" / "tweet_quote_tweets_resp.json"
    )
    assert len(quotes) == 15
    in_thread = by_id(quotes)["1427332549479526400"]
    assert (in_thread.kind, in_thread.thread_id, in_thread.author_handle) == (
        Kind.REPLY,
        "1427290387194974213",
        "@suhemparack",
    )
    assert by_id(quotes)["1495979553889697792"].thread_id == "1495979553889697792"


def test_a_folder_of_v2_pages_skips_nothing_and_names_bad_files(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("search_tweets_query.json", "tweets_resp.json", "user_resp.json"):
        shutil.copy(SAMPLES / "sns-sdks_python-twitter" / name, folder / name)
    (folder / "zz-broken.json").write_text('{"data": [{"id": "1", "text": "a"')
    found, items, errors = read_all(ApiV2Reader(), folder)
    assert found.summary() == "X API v2 pages (4 files)"
    assert len(items) == 6
    assert by_id(items)["1278347468690915330"].author_handle == "@Twitter"
    assert next((e.location, e.reason) for e in errors) == (
        "user_resp.json, data, text",
        "missing: not a tweet",
    )
    assert errors[1].location == "zz-broken.json" and "not valid JSON" in errors[1].reason


def test_items_from_v2_page_is_the_connectors_entry():
    page = json.loads(
        (SAMPLES / "sns-sdks_python-twitter" / "tweets_resp.json").read_text(encoding="utf-8")
    )
    values = list(items_from_v2_page(page, context("twitterdev")))
    assert [(v.platform_id, v.author_is_organisation) for v in values] == [
        ("1261326399320715264", True),
        ("1278347468690915330", False),
    ]
    page["data"][1]["created_at"] = "igår"
    page["data"].append("not a tweet")
    errors = [v for v in items_from_v2_page(page, context()) if isinstance(v, SourceError)]
    assert [e.location for e in errors] == ["data[1], created_at", "data[2], tweet"]
    assert list(items_from_v2_page({"meta": {"result_count": 0}}, context())) == []


def test_jsonl_pages_as_twarc_saves_them(tmp_path):
    folder = tmp_path / "twarc"
    folder.mkdir()
    lines = [
        (SAMPLES / "sns-sdks_python-twitter" / name).read_text(encoding="utf-8")
        for name in ("tweets_resp.json", "search_tweets_query.json")
    ]
    (folder / "results.jsonl").write_text(
        "\n".join(json.dumps(json.loads(t)) for t in lines) + "\n{bad\n"
    )
    _, items, errors = read_all(ApiV2Reader(), folder)
    assert len(items) == 6
    assert [e.location for e in errors] == ["results.jsonl, line 3"]


# API v1.1.


def test_v1_statuses_keep_the_exact_id_and_link_replies():
    found, items, errors = read_all(
        ApiV1Reader(), SAMPLES / "dogsheep_twitter-to-sqlite" / "tweets.json", "simonw"
    )
    assert found.summary() == "X API v1.1 statuses (1 file)"
    assert errors == []
    assert [i.platform_id for i in items] == [
        "1169246717864136705",
        "1169196446043664385",
        "1168529001599533057",
    ]
    retweet, reply, post = items
    assert retweet.created_at == at(2019, 9, 4, 13, 51, 55)
    assert "carbon capture & utilization" in retweet.text
    assert (reply.kind, reply.parent_id, reply.thread_id) == (
        Kind.REPLY,
        "1169079390577319937",
        "",
    )
    assert reply.media[0].url.startswith("https://pbs.twimg.com/media/")
    assert "to build http://www.owlsnearme.com - see also" in reply.text
    assert reply.text.endswith("https://24ways.org/2018/observable-notebooks-and-inaturalist/")
    assert all(i.author_is_organisation and i.author_handle == "@simonw" for i in items)
    assert post.kind == Kind.POST and post.created_at == at(2019, 9, 2, 14, 19, 58)


def test_snowflake_times():
    assert snowflake_time("1293593516040269825") == at(2020, 8, 12, 17, 1, 42)
    assert snowflake_time("12345") is None and snowflake_time("abc") is None


# Fuzzing: mutated real files never raise, and every error names its file.

MUTATIONS = ("truncate", "wrong_type", "drop_key", "latin1", "utf16", "huge")


def mutate(data: bytes, how: str, where: int, value) -> bytes:
    if how == "truncate":
        return data[: where % max(len(data), 1)]
    if how == "latin1":
        return data.decode("utf-8").encode("latin-1", errors="replace")
    if how == "utf16":
        return data.decode("utf-8").encode("utf-16")
    text = data.decode("utf-8")
    keys = [
        k
        for k in (
            '"created_at"',
            '"id_str"',
            '"full_text"',
            '"text"',
            '"id"',
            '"tweet"',
            '"createdAt"',
            '"senderId"',
            '"data"',
            '"includes"',
            '"edit_info"',
            '"in_reply_to_status_id_str"',
            '"deleted_at"',
            '"messages"',
        )
        if k in text
    ]
    if not keys:
        return data
    key = keys[where % len(keys)]
    start = text.index(key)
    if how == "drop_key":
        return (text[:start] + '"renamed_key"' + text[start + len(key) :]).encode()
    colon = text.index(":", start) + 1
    if how == "huge":
        return (text[:colon] + ' "' + "å" * 300_000 + '", "x":' + text[colon:]).encode()
    return (text[:colon] + " " + json.dumps(value) + ', "was":' + text[colon:]).encode()


mutation = st.tuples(
    st.sampled_from(MUTATIONS),
    st.integers(min_value=0, max_value=10**6),
    st.one_of(
        st.integers(),
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.text(max_size=5),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.booleans(),
        st.floats(allow_nan=False),
    ),
)


def check_values(values, names: list[str]) -> None:
    for value in values:
        if isinstance(value, SourceError):
            assert any(value.location.startswith(n) for n in names), value.location
        else:
            assert isinstance(value, CapturedItem)
            assert value.created_at.utcoffset() == datetime.timedelta(0)
            assert value.captured_at.utcoffset() == datetime.timedelta(0)
            assert value.edited_at is None or value.edited_at.utcoffset() == datetime.timedelta(0)
            assert value.deleted_at is None or value.deleted_at.tzinfo is not None
            assert "\x00" not in value.text


def read_mutated(reader, folder: Path) -> None:
    with open_bundle(folder) as bundle:
        found = reader.detect(bundle)
        if found is not None:
            check_values(list(reader.read(bundle, found, context("exempla"))), bundle.names())


ARCHIVE_FILES = ("tweets.js", "deleted-tweets.js", "direct-messages.js", "manifest.js")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ARCHIVE_FILES), mutation)
def test_fuzz_the_archive(file, change):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        shutil.copytree(MODERN, folder)
        target = folder / "data" / file
        target.write_bytes(mutate(target.read_bytes(), *change))
        read_mutated(ArchiveReader(), folder)
        # The same export as X hands it out: a zip.
        with open_bundle(zip_folder(folder, Path(tmp) / "export.zip")) as bundle:
            found = ArchiveReader().detect(bundle)
            if found is not None:
                check_values(list(ArchiveReader().read(bundle, found, context())), bundle.names())


V2_FILES = (
    SAMPLES / "sns-sdks_python-twitter" / "search_tweets_query.json",
    SAMPLES / "tweepy_extracts" / "test_asyncclient_get_home_timeline__00.json",
    SAMPLES / "sns-sdks_python-twitter" / "tweet_quote_tweets_resp.json",
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(V2_FILES), mutation)
def test_fuzz_v2_pages(source, change):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "page.json").write_bytes(mutate(source.read_bytes(), *change))
        shutil.copy(SAMPLES / "sns-sdks_python-twitter" / "tweets_resp.json", folder / "a.json")
        read_mutated(ApiV2Reader(), folder)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation)
def test_fuzz_v1_statuses(change):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = SAMPLES / "dogsheep_twitter-to-sqlite" / "tweets.json"
        (folder / "tweets.json").write_bytes(mutate(source.read_bytes(), *change))
        read_mutated(ApiV1Reader(), folder)


# Through `torget import`, into the archive.


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def newer_archive(tmp_path: Path) -> Path:
    """The fixture three days later: one new post, and the edited post edited again."""
    folder = tmp_path / "newer"
    shutil.copytree(MODERN, folder)
    tweets = js_value(folder / "data" / "tweets.js")
    latest_id = "1765711498329846279"
    chain = [EDIT_FIRST, EDIT_LATEST, latest_id]
    for element in tweets[:2]:
        info = element["tweet"]["edit_info"]
        control = info["initial"] if "initial" in info else info["edit"]["editControlInitial"]
        control["editTweetIds"] = chain
    again = json.loads(json.dumps(tweets[0]))
    again["tweet"].update(
        id_str=latest_id,
        id=latest_id,
        created_at="Thu Mar 07 12:10:00 +0000 2024",
        full_text="Simhallen stänger kl 19 i dag. Vi ber om ursäkt!",
    )
    new = json.loads(json.dumps(tweets[2]))
    new["tweet"].update(
        id_str="1765724076241846279",
        id="1765724076241846279",
        created_at="Thu Mar 07 13:00:00 +0000 2024",
        full_text="Välkommen på öppet hus i stadshuset på lördag!",
        edit_info={"initial": {"editTweetIds": ["1765724076241846279"]}},
    )
    write_js(folder / "data" / "tweets.js", "YTD.tweets.part0", [new, again, *tweets])
    return zip_folder(folder, tmp_path / "twitter-2024-03-09-exempla.zip")


@pytest.mark.django_db
def test_import_the_archive_twice_and_then_a_newer_one(world, modern_zip, tmp_path):
    from torget.archive.models import Record

    channel = channel_in(world, "active", platform="x", address="https://x.com/exempla")
    summary = run_import(channel, modern_zip)
    assert "Found: X archive of @exempla, 6 posts, 1 deleted post, 1 conversation." in summary
    # The edited post is new and then changed: its first text, then its edit.
    assert "8 new, 1 changed, 0 unchanged" in summary and "0 rejected" in summary
    records = {r.platform_id: r for r in Record.objects.filter(channel=channel)}
    assert len(records) == 8
    assert records[EDIT_FIRST].version_count == 2
    assert records[SECOND_REPLY].parent_id == records[FIRST_REPLY].pk
    assert records[SECOND_REPLY].thread_platform_id == CITIZEN_TWEET
    assert records[FIRST_REPLY].parent_platform_id == CITIZEN_TWEET
    assert records[MESSAGE_RECEIVED].direction == "received"
    assert records[MESSAGE_SENT].direction == "drawn_up"
    assert records[LIBRARY_POST].direction == "drawn_up" and records[LIBRARY_POST].has_media
    assert records[DELETED_POST].state == "deleted"
    assert records[EDIT_FIRST].edited_at == at(2024, 3, 5, 10, 20)
    assert records[EDIT_FIRST].text.startswith("Simhallen stänger kl 19")

    again = run_import(channel, modern_zip)
    assert "0 new, 0 changed, 9 unchanged" in again

    newer = run_import(channel, newer_archive(tmp_path))
    assert "1 new, 1 changed, 9 unchanged" in newer
    edited = Record.objects.get(channel=channel, platform_id=EDIT_FIRST)
    assert edited.version_count == 3 and edited.text.endswith("Vi ber om ursäkt!")
    assert edited.state == "edited"


@pytest.mark.django_db
def test_import_v2_pages_sets_direction_from_the_channel(world, tmp_path):
    from torget.archive.models import Record

    channel = channel_in(world, "active", platform="x", address="https://x.com/snowman")
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(SAMPLES / "sns-sdks_python-twitter" / "search_tweets_query.json", folder)
    summary = run_import(channel, folder)
    assert "Found: X API v2 pages (1 file)." in summary and "4 new" in summary
    own = Record.objects.get(channel=channel, platform_id="1275882613572583424")
    assert own.direction == "drawn_up" and own.parent_platform_id == "1273733248749690880"
    assert own.thread_platform_id == "1273733248749690880"  # no conversation_id: the parent
    received = Record.objects.get(channel=channel, platform_id="1276035977375477760")
    assert received.direction == "received"
    assert received.parent_id == Record.objects.get(platform_id="1275653067283759104").pk
    assert "0 new, 0 changed, 4 unchanged" in run_import(channel, folder)
