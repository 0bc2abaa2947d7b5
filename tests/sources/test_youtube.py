"""YouTube readers on real samples (tests/samples/youtube, SOURCES.md).

The Takeout comment and live chat CSVs are real (google_takeout_parser's test data); no
licensed Takeout *file* exists, so the `channel.csv` and `videos.csv` around them below are
written by hand from the documented Takeout layout. The Data API pages are real
(sns-sdks/python-youtube).
"""

import datetime
import io
import random
import tempfile
import zipfile
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record
from torget.sources import formats  # noqa: F401  (loads the registry before the module)
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.formats import ReadContext
from torget.sources.youtube import (
    ApiReader,
    TakeoutReader,
    items_from_api_page,
    takeout_comment_text,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "youtube"
API = SAMPLES / "api"
UTC = datetime.UTC
CAPTURED = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
CONTEXT = ReadContext(captured_at=CAPTURED)
OWN_CHANNEL = "UCYnl1cugi7Lw1h8j6JNqNEg"  # the channel of the "new" comments sample
LIVE_CHAT_HEADER = (
    b"Live Chat ID,Channel ID,Live Chat Create Timestamp,Price,Video ID,Live Chat Text\n"
)
CHANNEL_CSV = (
    "Channel ID,Channel Country,Channel Description (Original),Channel Title (Original),"
    f"Channel Visibility\n{OWN_CHANNEL},SE,Exempla kommuns kanal,Exempla kommun,Public\n"
)
CHANNEL_URLS_CSV = f"Channel ID,Channel Vanity URL 1 Name\n{OWN_CHANNEL},exempla\n"
VIDEOS_CSV = (
    "Video ID,Approx Duration (ms),Video Audio Language,Video Category,"
    "Video Description (Original),Channel ID,Video Title (Original),Privacy,Video State,"
    "Video Create Timestamp,Video Publish Timestamp\n"
    f'rWVAzS6duAs,90000,sv,Nyheter,"Budgeten förklarad.\nMer på exempla.se",{OWN_CHANNEL},'
    "Budget 2025: så används skatten,Public,Processed,"
    "2025-01-30T05:26:03+00:00,2025-01-30T07:00:00+01:00\n"
    f"ZuvK-oe647c,1000,sv,Nyheter,,{OWN_CHANNEL},Internt utkast,Private,Processed,"
    "2025-02-01T00:00:00+00:00,\n"
)


def takeout_files(root: str = "Takeout/YouTube och YouTube Music") -> dict[str, bytes]:
    """A Takeout's YouTube part, with Swedish folder names as Takeout writes them for a
    Swedish account (the reader must not depend on folder names)."""
    return {
        f"{root}/kanaler/channel.csv": CHANNEL_CSV.encode(),
        f"{root}/kanaler/channel URL configs.csv": CHANNEL_URLS_CSV.encode(),
        f"{root}/videometadata/videos.csv": VIDEOS_CSV.encode(),
        f"{root}/videor/Budget 2025_ så används skatten.mp4": b"\x00\x00\x00\x18ftypmp42",
        f"{root}/kommentarer/comments.csv": (
            SAMPLES / "test_parse_youtube_comment_buffer_new.csv"
        ).read_bytes(),
        f"{root}/kommentarer/comments(1).csv": (
            SAMPLES / "test_parse_youtube_comment_buffer_old.csv"
        ).read_bytes(),
        f"{root}/livechattar/live chats.csv": LIVE_CHAT_HEADER
        + (SAMPLES / "test_parse_youtube_live_chat_buffer.csv").read_bytes(),
    }


def write_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def read_all(reader, path, context=CONTEXT):
    with open_bundle(path) as bundle:
        found = reader.detect(bundle)
        assert found is not None
        values = list(reader.read(bundle, found, context))
    items = [v for v in values if isinstance(v, CapturedItem)]
    errors = [v for v in values if isinstance(v, SourceError)]
    return found, items, errors


# Takeout.


def test_takeout_is_recognised_by_its_columns_with_translated_folders(tmp_path):
    path = write_zip(tmp_path / "takeout-20250501.zip", takeout_files())
    with open_bundle(path) as bundle:
        assert ApiReader().detect(bundle) is None
        found = TakeoutReader().detect(bundle)
    assert found.summary() == "YouTube Takeout of @exempla, 2 videos, 4 comments, 1 live chat"
    assert found.account == "@exempla"
    assert {OWN_CHANNEL, "Exempla kommun", "@exempla"} <= found.account_ids
    assert found.total == 7


def test_takeout_comments_in_both_column_orders(tmp_path):
    path = write_zip(tmp_path / "takeout.zip", takeout_files())
    _found, items, errors = read_all(TakeoutReader(), path)
    assert errors == []
    by_id = {i.platform_id: i for i in items}
    assert len(items) == 7

    new = by_id["UgytHqobEtqoKm_-pYB4AaABAg"]  # post-2024 order, segments, raw newline
    assert new.kind == Kind.COMMENT
    assert new.text == (
        "> I am about to get buried in the concrete\nthe most normal  Veritasium video!"
    )
    assert new.created_at == datetime.datetime(2023, 4, 14, 7, 39, 35, 956042, tzinfo=UTC)
    assert (new.parent_id, new.thread_id) == ("rWVAzS6duAs", "rWVAzS6duAs")
    assert new.author_id == OWN_CHANNEL and new.author_name == "Exempla kommun"
    assert new.author_is_organisation
    assert (
        new.permalink == "https://www.youtube.com/watch?v=rWVAzS6duAs&lc=UgytHqobEtqoKm_-pYB4AaABAg"
    )
    assert orjson.loads(new.raw)["Comment ID"] == "UgytHqobEtqoKm_-pYB4AaABAg"
    assert by_id["UgiNMzGz_nAsjXfCoAEC"].created_at == datetime.datetime(
        2016, 1, 29, 18, 26, 53, 255000, tzinfo=UTC
    )

    old = by_id["UgxtiXQkY7gqHbldJ1F4AaABAg"]  # pre-2024 order, takeoutSegments
    assert (old.kind, old.text, old.parent_id) == (
        Kind.COMMENT,
        "coalowl the legend",
        "WtOskFeLmr4",
    )
    assert old.author_id == "UCA6DtnbZ2KJckyTYfXOwQNA" and old.author_name == ""

    reply = by_id["UgwDN8UeMxW4NDFbvY54AaABAg.9iwJkUYNcXa9u0lv3j3Abh"]
    assert reply.kind == Kind.REPLY
    assert (reply.parent_id, reply.thread_id) == ("UgwDN8UeMxW4NDFbvY54AaABAg", "jH39c5-y6kg")
    assert reply.created_at == datetime.datetime(2023, 8, 30, 1, 54, 46, 801024, tzinfo=UTC)
    assert reply.text.startswith("Ah, this is the reason why Ive never seen concurrent")

    chat = by_id["UgwsSD8yrDW7_h6F5vZ4AaABDqgB5OC1kgI"]  # its JSON has unescaped quotes
    assert chat.kind == Kind.COMMENT and chat.parent_id == "0vGCh85obuI"
    assert chat.text == '"think the right thing" jeez'
    assert chat.created_at == datetime.datetime(2018, 9, 2, 5, 16, 35, 510381, tzinfo=UTC)


def test_takeout_videos_with_their_files(tmp_path):
    path = write_folder(tmp_path / "Takeout", takeout_files())
    _found, items, _errors = read_all(TakeoutReader(), path)
    videos = [i for i in items if i.kind == Kind.VIDEO]
    assert [v.platform_id for v in videos] == ["rWVAzS6duAs", "ZuvK-oe647c"]
    budget, draft = videos
    assert budget.title == "Budget 2025: så används skatten"
    assert budget.text == "Budgeten förklarad.\nMer på exempla.se"
    # The publish time, +01:00 in the file, in UTC.
    assert budget.created_at == datetime.datetime(2025, 1, 30, 6, 0, tzinfo=UTC)
    assert budget.language == "sv" and budget.author_is_organisation and not budget.hidden
    assert budget.media[0].mime_type == "video/mp4"
    assert Path(budget.media[0].path).read_bytes() == b"\x00\x00\x00\x18ftypmp42"
    # No publish time: the upload time; a private video is hidden, and has no file.
    assert draft.created_at == datetime.datetime(2025, 2, 1, tzinfo=UTC)
    assert draft.hidden and draft.media == ()


def test_translated_comment_headers_are_recognised_by_their_values(tmp_path):
    data = (SAMPLES / "test_parse_youtube_comment_buffer_old.csv").read_bytes()
    translated = (
        "Kommentars-id,Kanal-id,Tidsstämpel,Pris,Överordnad kommentar,Video-id,Kommentar\n"
    ).encode() + data.split(b"\n", 1)[1]
    path = write_folder(tmp_path / "t", {"YouTube och YouTube Music/x/kommentarer.csv": translated})
    found, items, errors = read_all(TakeoutReader(), path)
    assert found.counts == {"comments": 2} and errors == []
    assert [i.kind for i in items] == [Kind.COMMENT, Kind.REPLY]


def test_comment_text_forms():
    assert takeout_comment_text('{"takeoutSegments":[{"text":"Hej"},{"text":" där"}]}') == "Hej där"
    assert (
        takeout_comment_text(
            '{"text":"@exempla","mention":{"externalChannelId":"UCx"}},{"text":" tack"}'
        )
        == "@exempla tack"
    )
    assert takeout_comment_text("vanlig text") == "vanlig text"
    assert takeout_comment_text('{"text":"nul\\u0000"}') == "nul\ufffd"


def test_a_broken_row_is_reported_and_the_rest_read(tmp_path):
    lines = (SAMPLES / "test_parse_youtube_comment_buffer_old.csv").read_bytes().split(b"\n")
    broken = lines[1].replace(b',"{', b',"{"', 1)[:-3]  # a quote opened and never closed
    body = b"\n".join([lines[0], broken, lines[2], b"", b""])
    path = write_folder(tmp_path / "t", {"YouTube and YouTube Music/comments/comments.csv": body})
    _found, items, errors = read_all(TakeoutReader(), path)
    assert [i.platform_id for i in items] == ["UgwDN8UeMxW4NDFbvY54AaABAg.9iwJkUYNcXa9u0lv3j3Abh"]
    assert len(errors) == 1
    assert errors[0].location == "YouTube and YouTube Music/comments/comments.csv, line 2"


def test_a_bad_time_names_its_column(tmp_path):
    data = (SAMPLES / "test_parse_youtube_comment_buffer_old.csv").read_bytes()
    data = data.replace(b"2023-09-19T17:42:53.434647+00:00", "igår".encode())
    path = write_folder(tmp_path / "t", {"YouTube and YouTube Music/comments/comments.csv": data})
    _found, items, errors = read_all(TakeoutReader(), path)
    assert len(items) == 1
    assert errors[0].location == (
        "YouTube and YouTube Music/comments/comments.csv, line 2, Comment Create Timestamp"
    )


def test_other_exports_are_not_takeouts(tmp_path):
    path = write_folder(
        tmp_path / "t",
        {"Shares.csv": b"Date,ShareLink,ShareCommentary\n", "notes.json": b'{"a": 1}'},
    )
    with open_bundle(path) as bundle:
        assert TakeoutReader().detect(bundle) is None
        assert ApiReader().detect(bundle) is None


# Data API pages.


def test_api_pages_folder():
    found, items, errors = read_all(ApiReader(), API)
    assert found.summary() == "YouTube Data API pages (8 files)"
    assert errors == []
    assert len(items) == 22  # the two paged files hold the same five threads
    by_id = {i.platform_id: i for i in items}

    top = by_id["UgydxWWoeA7F1OdqypJ4AaABAg"]
    assert (top.kind, top.text, top.parent_id, top.thread_id) == (
        Kind.COMMENT,
        "Actions.ai",
        "D-lhorsDlUQ",
        "D-lhorsDlUQ",
    )
    assert (top.author_id, top.author_name) == ("UCe9i1nJCcevTa6KJa55KYog", "Loren Robilio")
    assert top.created_at == datetime.datetime(2019, 6, 23, 8, 24, 24, tzinfo=UTC)
    assert "replies" not in orjson.loads(top.raw) and top.edited_at is None

    reply = by_id["UgydxWWoeA7F1OdqypJ4AaABAg.8wWQ3tdHcFx8xcDheui-qb"]
    assert (reply.kind, reply.parent_id, reply.thread_id) == (
        Kind.REPLY,
        "UgydxWWoeA7F1OdqypJ4AaABAg",
        "D-lhorsDlUQ",
    )
    # comments.list by parent: the reply knows its parent, not its video.
    listed = by_id["Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za3E-eR-l"]
    assert (listed.kind, listed.parent_id, listed.thread_id) == (
        Kind.REPLY,
        "Ugw5zYU6n9pmIgAZWvN4AaABAg",
        "",
    )
    assert listed.text == "hey, this is the replay"

    video = by_id["D-lhorsDlUQ"]
    assert video.kind == Kind.VIDEO
    assert video.title == "What are Actions on Google (Assistant on Air)"
    assert video.created_at == datetime.datetime(2019, 3, 21, 20, 37, 49, tzinfo=UTC)
    assert (video.author_id, video.author_name, video.language) == (
        "UC_x5XG1OV2P6uZZ5FSM9Ttw",
        "Google Developers",
        "en",
    )
    # Comments on the channel itself, not on a video, start their own thread.
    channel_comment = by_id["Ugy0FhSzKMNMT9qs6zt4AaABAg"]
    assert (channel_comment.parent_id, channel_comment.thread_id) == ("", "")
    assert not any(i.author_is_organisation for i in items)


def test_api_direction_and_edits():
    page = orjson.loads((API / "comment_threads_all_to_me.json").read_bytes())
    thread = page["items"][0]
    snippet = thread["snippet"]["topLevelComment"]["snippet"]
    snippet["updatedAt"] = "2019-12-02T10:00:00.000Z"
    del snippet["textOriginal"]
    snippet["textDisplay"] = "Hope to go <b>next</b> time.<br>yah!"
    thread["replies"] = {
        "comments": [
            {
                "kind": "youtube#comment",
                "id": "UgyWeTdgc4sc1xgmbld4AaABAg.1",
                "snippet": {
                    "authorDisplayName": "@exempla",
                    "authorChannelId": {"value": "UCa-vrCLQHviTOVnEKDOdetQ"},
                    "textOriginal": "Tack!",
                    "parentId": "UgyWeTdgc4sc1xgmbld4AaABAg",
                    "publishedAt": "2019-12-01T05:00:00Z",
                    "updatedAt": "2019-12-01T05:00:00Z",
                },
            }
        ]
    }
    items = list(items_from_api_page(page, CONTEXT))
    first, answer = items[0], items[1]
    assert first.text == "Hope to go next time.\nyah!"
    assert first.edited_at == datetime.datetime(2019, 12, 2, 10, 0, tzinfo=UTC)
    assert not first.author_is_organisation
    # The video's channel answering: drawn up; its handle is kept.
    assert answer.author_is_organisation and answer.author_handle == "@exempla"
    assert answer.edited_at is None
    # Someone the organisation's context names is its own too.
    own = ReadContext(captured_at=CAPTURED, own=frozenset({"ucnvmbmcasztnnx8lw3jrmbw"}))
    assert [i.author_is_organisation for i in list(items_from_api_page(page, own))[:3]] == [
        True,
        True,
        True,
    ]


def test_api_bad_resources_are_reported_one_by_one():
    page = orjson.loads((API / "comment_threads_by_video_paged_1.json").read_bytes())
    page["items"][1]["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "igår"
    page["items"][2] = "nonsens"
    del page["items"][3]["snippet"]["topLevelComment"]["id"]
    values = list(items_from_api_page(page, CONTEXT))
    errors = [v for v in values if isinstance(v, SourceError)]
    assert [(e.location, e.reason) for e in errors] == [
        ("items[1], snippet.publishedAt", "not a date and time: 'igår'"),
        ("items[2]", "expected an object"),
        ("items[3], id", "missing"),
    ]
    assert len([v for v in values if isinstance(v, CapturedItem)]) == 2


def test_a_truncated_page_keeps_what_came_before(tmp_path):
    data = (API / "comment_threads_by_video_paged_1.json").read_bytes()
    page = tmp_path / "page.json"
    page.write_bytes(data[: data.index(b"Masum Khan")])
    _found, items, errors = read_all(ApiReader(), page)
    assert len(items) == 3
    assert len(errors) == 1 and errors[0].location.startswith("page.json, JSON")


# Fuzzing: mutated samples never make a reader raise.


def mutate(data: bytes, how: str, where: float, value: str) -> bytes:
    at = int(len(data) * where)
    if how == "truncate":
        return data[:at]
    if how == "latin-1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if how == "utf-16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if how == "huge":
        return data[:at] + b"x" * (5 * 1024 * 1024) + data[at:]
    if how == "junk":
        return data[:at] + value.encode("utf-8", "surrogatepass") + data[at:]
    if how == "bytes":
        return data[:at] + bytes(random.Random(value).randrange(256) for _ in range(40)) + data[at:]
    return data


def check(values: list, names: set[str]) -> None:
    for value in values:
        if isinstance(value, CapturedItem):
            assert value.created_at.tzinfo is not None
            assert value.created_at.utcoffset() == datetime.timedelta(0)
            assert value.edited_at is None or value.edited_at.utcoffset() == datetime.timedelta(0)
        else:
            assert isinstance(value, SourceError)
            assert any(value.location.startswith(name) for name in names), value.location


MUTATIONS = st.sampled_from(["truncate", "latin-1", "utf-16", "huge", "junk", "bytes"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(how=MUTATIONS, where=st.floats(0, 1), value=st.text(max_size=30), which=st.integers(0, 6))
def test_fuzz_takeout(how, where, value, which):
    files = takeout_files("YouTube and YouTube Music")
    name = sorted(files)[which]
    files[name] = mutate(files[name], how, where, value)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_folder(Path(tmp), files)
        with open_bundle(path) as bundle:
            found = TakeoutReader().detect(bundle)
            if found is not None:
                check(list(TakeoutReader().read(bundle, found, CONTEXT)), set(files))


def _replace_values(obj, rng: random.Random, replacement):
    if isinstance(obj, dict):
        for key in list(obj):
            roll = rng.random()
            if roll < 0.08:
                del obj[key]
            elif roll < 0.16:
                obj[key] = replacement
            else:
                _replace_values(obj[key], rng, replacement)
    elif isinstance(obj, list):
        for element in obj:
            _replace_values(element, rng, replacement)


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(p.name for p in API.glob("*.json"))),
    seed=st.integers(0, 10**6),
    replacement=st.one_of(
        st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=5), st.lists(st.booleans())
    ),
    how=st.sampled_from(["values", "truncate", "latin-1", "utf-16", "junk"]),
    where=st.floats(0, 1),
)
def test_fuzz_api_pages(name, seed, replacement, how, where):
    data = (API / name).read_bytes()
    if how == "values":
        obj = orjson.loads(data)
        _replace_values(obj, random.Random(seed), replacement)
        data = orjson.dumps(obj)
    else:
        data = mutate(data, how, where, str(seed))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        with open_bundle(tmp) as bundle:
            found = ApiReader().detect(bundle)
            if found is not None:
                check(list(ApiReader().read(bundle, found, CONTEXT)), {name})
        if how == "values":
            check(
                list(items_from_api_page(orjson.loads(data), CONTEXT)),
                {"items", "resource", "page"},
            )


# Through the real command.


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_import_takeout_twice_and_a_newer_one(world, tmp_path):
    channel = channel_in(
        world,
        "active",
        platform="youtube",
        address=f"https://www.youtube.com/channel/{OWN_CHANNEL}",
    )
    first = write_zip(tmp_path / "takeout-1.zip", takeout_files())
    summary = run_import(channel, first)
    assert "Found: YouTube Takeout of @exempla, 2 videos, 4 comments, 1 live chat." in summary
    assert "7 new, 0 changed" in summary and "0 rejected" in summary
    records = {r.platform_id: r for r in Record.objects.filter(channel=channel)}
    assert {r.direction for r in records.values()} == {"drawn_up"}
    comment = records["UgytHqobEtqoKm_-pYB4AaABAg"]
    assert comment.parent_id == records["rWVAzS6duAs"].pk  # the video, in the same export
    assert comment.thread_platform_id == "rWVAzS6duAs"
    reply = records["UgwDN8UeMxW4NDFbvY54AaABAg.9iwJkUYNcXa9u0lv3j3Abh"]
    assert reply.parent_platform_id == "UgwDN8UeMxW4NDFbvY54AaABAg" and reply.kind == "reply"
    assert records["rWVAzS6duAs"].has_media

    assert "0 new, 0 changed, 7 unchanged" in run_import(channel, first)

    files = takeout_files()
    videos = files["Takeout/YouTube och YouTube Music/videometadata/videos.csv"]
    files["Takeout/YouTube och YouTube Music/videometadata/videos.csv"] = (
        videos.replace(b"Internt utkast", b"Internt utkast med titel")
        + b"newvideo123,5000,sv,Nyheter,Ny film,"
        + OWN_CHANNEL.encode()
        + b",Ny film,Public,Processed,2025-03-01T08:00:00Z,2025-03-01T09:00:00Z\n"
    )
    newer = write_zip(tmp_path / "takeout-2.zip", files)
    assert "1 new, 1 changed, 6 unchanged" in run_import(channel, newer)
    assert Record.objects.get(channel=channel, platform_id="ZuvK-oe647c").version_count == 2


@pytest.mark.django_db
def test_import_api_pages(world):
    channel = channel_in(
        world,
        "active",
        platform="youtube",
        address="https://www.youtube.com/channel/UCNvMBmCASzTNNX8lW3JRMbw",
    )
    summary = run_import(channel, API)
    assert "Found: YouTube Data API pages (8 files)." in summary
    # 22 items: the paged files hold the same five threads, one video comes twice.
    assert "16 new, 0 changed, 6 unchanged" in summary and "0 rejected" in summary
    mine = Record.objects.filter(channel=channel, author_platform_id="UCNvMBmCASzTNNX8lW3JRMbw")
    assert mine.count() == 5 and {r.direction for r in mine} == {"drawn_up"}
    assert Record.objects.filter(channel=channel, direction="received").count() == 11
    assert "0 new, 0 changed" in run_import(channel, API)
