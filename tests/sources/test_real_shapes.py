"""Shapes found in real exports and saved API pages that the first readers got wrong.

Each test builds a file in the exact shape a platform or a common tool writes (described
next to it) and imports it through `torget import`, as a new user would.
"""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.archive.models import Record

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(channel, path, *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def records(channel) -> dict[str, Record]:
    return {r.platform_id: r for r in Record.objects.filter(channel=channel)}


# X API v2 pages saved one per line (twarc2), and --format for .jsonl files.


def twarc2_lines() -> str:
    """Two pages as twarc2 writes them (each a whole API response with `__twarc`), and the
    error object the filtered stream writes between them when the connection drops."""
    pages = [
        json.loads((SAMPLES / "x" / "sns-sdks_python-twitter" / name).read_text("utf-8"))
        for name in ("tweets_resp.json", "search_tweets_query.json")
    ]
    for page in pages:
        page["__twarc"] = {
            "url": "https://api.twitter.com/2/tweets/search/recent?query=x",
            "version": "2.14.0",
            "retrieved_at": "2024-03-05T10:00:00+00:00",
        }
    error = {
        "errors": [
            {
                "title": "operational-disconnect",
                "disconnect_type": "OperationalDisconnect",
                "detail": "This stream has been disconnected upstream for operational reasons.",
                "type": "https://api.twitter.com/2/problems/operational-disconnect",
            }
        ]
    }
    return "\n".join(json.dumps(p) for p in (pages[0], error, pages[1])) + "\n"


@pytest.fixture
def x_channel(world):
    return channel_in(world, "active", platform="x", address="https://x.com/twitterdev")


@pytest.mark.parametrize("extra", [(), ("--format", "x-api-v2")])
def test_twarc2_jsonl_is_read_as_x_api_pages_by_content_or_format(x_channel, tmp_path, extra):
    path = tmp_path / "tweets.jsonl"
    path.write_text(twarc2_lines(), encoding="utf-8")
    out, err = run(x_channel, path, *extra)
    assert "Found: X API v2 pages (1 file)." in out
    assert "6 new" in out and "0 rejected" in out and "Warning" not in err
    assert records(x_channel)["1261326399320715264"].direction == "drawn_up"
    out, _ = run(x_channel, path, *extra)
    assert "0 new, 0 changed, 6 unchanged" in out


def test_format_wins_over_the_jsonl_suffix_and_says_what_is_expected(x_channel, tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text('{"hello": "world"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"is not X API v2 pages"):
        run(x_channel, path, "--format", "x-api-v2")


# Exit status.


def interchange_line(number: int, **change) -> str:
    line = {
        "v": 1,
        "id": f"p{number}",
        "kind": "post",
        "text": f"Inlägg {number}",
        "created_at": "2025-03-01T09:00:00Z",
        "author": {"id": "1", "handle": "@twitterdev"},
    }
    line.update(change)
    return json.dumps(line)


def test_an_import_where_every_item_was_rejected_fails(x_channel, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "\n".join(interchange_line(n, created_at="igår") for n in range(3)) + "\n", "utf-8"
    )
    with pytest.raises(CommandError, match=r"Nothing was imported: all 3 items were rejected"):
        run(x_channel, path)
    with pytest.raises(SystemExit) as exited:  # as a script sees it
        _run_as_script(x_channel, path)
    assert exited.value.code == 1


def _run_as_script(channel, path):
    from django.core.management import ManagementUtility

    ManagementUtility(["torget", "import", str(path), "--channel", channel.slug]).execute()


def test_an_import_with_some_rejected_warns_and_exits_zero(x_channel, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        interchange_line(1) + "\n" + interchange_line(2, created_at="igår") + "\n", "utf-8"
    )
    out, err = run(x_channel, path)
    assert "1 new" in out and "1 rejected" in out
    assert "Warning: 1 of 2 items were rejected; the rest were imported." in err


# WordPress: WXR with the https namespace (current WordPress) and entities in author fields.


def wxr(tmp_path, namespace: str) -> Path:
    text = (SAMPLES / "wordpress" / "exempla.wordpress.2025-03-01.xml").read_text("utf-8")
    text = text.replace("http://wordpress.org/export/", namespace)
    # A pingback's author is the linking page's title, HTML-escaped as WordPress stores it.
    text = text.replace(
        "<![CDATA[Bertil Berg]]></wp:comment_author>",
        "<![CDATA[Grannby &laquo; Bertil&#8217;s blogg]]></wp:comment_author>",
    )
    text = text.replace(
        "<![CDATA[Sara Kommunikatör]]></wp:author_display_name>",
        "<![CDATA[Sara &amp; Webbredaktionen]]></wp:author_display_name>",
    )
    path = tmp_path / "exempla.wordpress.2025-03-01.xml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def site(world):
    return channel_in(world, "active", platform="wordpress", address="https://nyheter.exempla.se")


@pytest.mark.parametrize(
    "namespace", ["https://wordpress.org/export/", "https://example.wordpress.com/export/"]
)
@pytest.mark.parametrize("extra", [(), ("--format", "wordpress-wxr")])
def test_a_wxr_with_another_namespace_is_a_wordpress_export(site, tmp_path, namespace, extra):
    out, _ = run(site, wxr(tmp_path, namespace), *extra)
    assert "Found: WordPress export of nyheter.exempla.se." in out
    assert "5 new, 0 changed" in out
    found = records(site)
    assert found["comment:13"].author_name == "Grannby « Bertil’s blogg"
    assert {r.author_name for r in found.values()} >= {"Sara & Webbredaktionen"}
    assert not any("&" in r.author_name and ";" in r.author_name for r in found.values())


# Feeds: a blank line before <?xml, relative links, the feed's author, JSON Feed.

RSS_WITH_QUIRKS = """
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Exempla kommun – Nyheter</title>
  <link>https://www.exempla.se/nyheter/</link>
  <description>Nyheter</description>
  <language>sv</language>
  <managingEditor>Webbredaktionen</managingEditor>
  <item>
    <title>Första</title>
    <link>/nyheter/forsta</link>
    <guid isPermaLink="false">nyhet-1</guid>
    <pubDate>Mon, 03 Mar 2025 08:00:00 +0100</pubDate>
    <description>Den första nyheten.</description>
    <enclosure url="bilder/forsta.jpg" type="image/jpeg" length="1"/>
  </item>
  <item>
    <title>Andra</title>
    <link>andra</link>
    <guid isPermaLink="false">nyhet-2</guid>
    <dc:creator>Sara</dc:creator>
    <pubDate>Tue, 04 Mar 2025 08:00:00 +0100</pubDate>
    <description>Den andra nyheten.</description>
  </item>
</channel>
</rss>
"""

ATOM_WITH_BASE = """\ufeff

<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://www.exempla.se/blogg/">
  <title>Exempla bloggen</title>
  <link href="https://www.exempla.se/blogg/"/>
  <id>urn:exempla:blogg</id>
  <updated>2025-03-04T08:00:00Z</updated>
  <author><name>Kommunikationsavdelningen</name></author>
  <entry>
    <title>Inlägg ett</title>
    <link href="2025/inlagg-ett"/>
    <id>urn:exempla:blogg:1</id>
    <published>2025-03-03T07:00:00Z</published>
    <updated>2025-03-03T07:00:00Z</updated>
    <summary>Ett.</summary>
  </entry>
  <entry xml:base="https://arkiv.exempla.se/">
    <title>Inlägg två</title>
    <link href="gammalt/tva"/>
    <id>urn:exempla:blogg:2</id>
    <published>2025-03-04T07:00:00Z</published>
    <author><name>Bertil</name></author>
    <summary>Två.</summary>
  </entry>
</feed>
"""


def feed_items(data: bytes, streamed: bool):
    from torget.sources.feed import items_from_feed, stream_feed
    from torget.sources.formats import ReadContext

    context = ReadContext(captured_at=datetime.datetime(2026, 1, 1, tzinfo=UTC))
    if streamed:
        return list(stream_feed(io.BytesIO(data), context))
    return list(items_from_feed(data, context))


@pytest.mark.parametrize("streamed", [False, True])
def test_rss_with_a_blank_line_first_relative_links_and_a_managing_editor(streamed):
    items = feed_items(RSS_WITH_QUIRKS.encode(), streamed)
    assert [getattr(i, "platform_id", i) for i in items] == ["nyhet-1", "nyhet-2"]
    first, second = items
    assert first.permalink == "https://www.exempla.se/nyheter/forsta"
    assert first.media[0].url == "https://www.exempla.se/nyheter/bilder/forsta.jpg"
    assert second.permalink == "https://www.exempla.se/nyheter/andra"
    assert first.author_name == "Webbredaktionen" and second.author_name == "Sara"
    assert first.created_at == datetime.datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
    assert first.language == "sv"


@pytest.mark.parametrize("streamed", [False, True])
def test_atom_with_xml_base_and_a_feed_author(streamed):
    items = feed_items(ATOM_WITH_BASE.encode(), streamed)
    assert [getattr(i, "platform_id", i) for i in items] == [
        "urn:exempla:blogg:1",
        "urn:exempla:blogg:2",
    ]
    first, second = items
    assert first.permalink == "https://www.exempla.se/blogg/2025/inlagg-ett"
    assert second.permalink == "https://arkiv.exempla.se/gammalt/tva"
    assert first.author_name == "Kommunikationsavdelningen" and second.author_name == "Bertil"


def json_feed(version: str) -> dict:
    author = {"name": "Webbredaktionen", "url": "https://www.exempla.se"}
    feed = {
        "version": f"https://jsonfeed.org/version/{version}",
        "title": "Exempla kommun – Nyheter",
        "home_page_url": "https://www.exempla.se/nyheter/",
        "feed_url": "https://www.exempla.se/nyheter/feed.json",
        "items": [
            {
                "id": "https://www.exempla.se/nyheter/1",
                "url": "/nyheter/1",
                "title": "Badhuset öppnar",
                "content_html": "<p>Badhuset öppnar <b>måndag</b>.</p>",
                "date_published": "2025-03-03T08:00:00+01:00",
                "date_modified": "2025-03-03T09:30:00+01:00",
                "attachments": [{"url": "bilder/bad.jpg", "mime_type": "image/jpeg"}],
            },
            {
                "id": 2,
                "url": "https://www.exempla.se/nyheter/2",
                "content_text": "Biblioteket har öppet i helgen.",
                "date_published": "2025-03-04T08:00:00Z",
            },
            {"id": "3", "content_text": "Utan datum."},
        ],
    }
    if version == "1.1":
        feed["authors"] = [author]
        feed["language"] = "sv-SE"
        feed["items"][1]["authors"] = [{"name": "Sara"}]
    else:
        feed["author"] = author
        feed["items"][1]["author"] = {"name": "Sara"}
    return feed


@pytest.fixture
def blog(world):
    return channel_in(world, "active", platform="blog", address="https://www.exempla.se/nyheter")


@pytest.mark.parametrize("version", ["1", "1.1"])
def test_json_feed_1_0_and_1_1_are_read(blog, tmp_path, version):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(json_feed(version), ensure_ascii=False), "utf-8")
    out, _err = run(blog, path)
    assert "Found: Feed 'Exempla kommun – Nyheter'." in out
    assert "2 new" in out and "1 rejected" in out
    assert "rejected feed.json, item 3, date_published: missing" in out
    found = records(blog)
    first = found["https://www.exempla.se/nyheter/1"]
    assert first.text == "Badhuset öppnar måndag."
    assert first.created_at == datetime.datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
    assert first.author_name == "Webbredaktionen" and first.permalink.startswith("https://")
    assert found["2"].author_name == "Sara" and found["2"].direction == "drawn_up"
    out, _ = run(blog, path)
    assert "0 new, 0 changed, 2 unchanged" in out


def test_rss_with_a_blank_line_first_is_imported_whole(blog, tmp_path):
    path = tmp_path / "nyheter.xml"
    path.write_text(RSS_WITH_QUIRKS, "utf-8")
    out, err = run(blog, path)
    assert "2 new" in out and "0 rejected" in out and "Warning" not in err


# Single files from an export, and the channel's account as the author.


def test_a_facebook_your_posts_file_alone_is_the_accounts_own(world, tmp_path):
    channel = channel_in(
        world, "active", platform="facebook", address="https://www.facebook.com/exemplakommun"
    )
    source = SAMPLES / "facebook" / "dyi-2024" / "your_facebook_activity" / "posts"
    path = tmp_path / "your_posts_1.json"
    path.write_bytes((source / "your_posts_1.json").read_bytes())
    for extra in ((), ("--format", "facebook-export")):
        out, _ = run(channel, path, *extra)
        assert "Found: Facebook export" in out
    found = records(channel)
    assert len(found) == 5
    for record in found.values():
        assert record.direction == "drawn_up"
        assert record.author_handle == "exemplakommun" and record.author_name == channel.name


def test_an_instagram_posts_file_alone_is_read(world, tmp_path):
    channel = channel_in(
        world, "active", platform="instagram", address="https://www.instagram.com/exempla"
    )
    path = tmp_path / "posts_1.json"
    path.write_bytes(
        (SAMPLES / "instagram" / "export-2021" / "content" / "posts_1.json").read_bytes()
    )
    out, _ = run(channel, path, "--format", "instagram-export")
    assert "Found: Instagram export." in out and "1 new" in out
    record = next(iter(records(channel).values()))
    assert record.direction == "drawn_up" and record.author_handle == "exempla"
    out, _ = run(channel, path)  # recognised without --format too
    assert "0 new, 0 changed, 1 unchanged" in out


def test_a_json_file_that_is_not_an_export_says_what_is_expected(world, tmp_path):
    channel = channel_in(
        world, "active", platform="instagram", address="https://www.instagram.com/exempla"
    )
    path = tmp_path / "posts_1.json"
    path.write_text('[{"id": 1, "text": "inte en export"}]', "utf-8")
    with pytest.raises(CommandError) as refused:
        run(channel, path, "--format", "instagram-export")
    message = str(refused.value)
    assert "is not an Instagram export." in message
    assert "your_instagram_activity/content/posts_1.json, or that file alone" in message


def test_a_bare_list_of_youtube_comment_threads_is_read(world, tmp_path):
    channel = channel_in(
        world,
        "active",
        platform="youtube",
        address="https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
    )
    page = json.loads(
        (SAMPLES / "youtube" / "api" / "comment_threads_by_video_paged_1.json").read_text("utf-8")
    )
    path = tmp_path / "threads.json"
    path.write_text(json.dumps(page["items"]), "utf-8")
    expected = sum(1 + len(t.get("replies", {}).get("comments", [])) for t in page["items"])
    for extra in ((), ("--format", "youtube-api")):
        out, _err = run(channel, path, *extra)
        assert "Found: YouTube Data API pages (1 file)." in out and "0 rejected" in out
    assert len(records(channel)) == expected


# Mastodon: outbox.json alone, counts that agree with the import, missing media said.

MASTODON = SAMPLES / "mastodon" / "archive"


@pytest.fixture
def mastodon(world):
    return channel_in(
        world, "active", platform="mastodon", address="https://social.exempla.se/@exempla"
    )


def test_an_outbox_without_its_actor_and_media_is_recognised_and_says_what_is_missing(
    mastodon, tmp_path, capfd
):
    path = tmp_path / "outbox.json"
    path.write_bytes((MASTODON / "outbox.json").read_bytes())
    out, err = run(mastodon, path)
    assert (
        "Found: Mastodon archive of @exempla@social.exempla.se, 7 statuses, "
        "1 boost (not archived)." in out
    )
    # The summary's 7 statuses are what was imported; the progress reaches its end.
    assert "7 new, 0 changed, 0 unchanged, 0 deleted on the platform, 0 rejected" in out
    assert "100.0%" in capfd.readouterr().err and "Warning" not in err
    assert "note, outbox.json, item 0, object.attachment[0]: the file media_attachments/" in out
    assert "is missing from the archive; the status was imported with the file's address" in out
    record = next(r for r in records(mastodon).values() if r.has_media)
    assert record.direction == "drawn_up" and record.author_handle == "@exempla@social.exempla.se"
    media = json.loads(record.versions.get().content)["media"]
    assert media[0]["url"].startswith("https://social.exempla.se/media_attachments/files/")
    out, _ = run(mastodon, path)
    assert "0 new, 0 changed, 7 unchanged" in out


# X archives: every version in edit_info, and long posts from note-tweet.js.

X_MODERN = SAMPLES / "x" / "modern_archive"
LONG_TEXT = (
    "Nu öppnar biblioteket i Exempla igen efter renoveringen! "
    + "Det nya biblioteket har en större barnavdelning, tysta läsplatser och en ateljé. " * 5
    + "Välkomna! https://t.co/AbC123xyz0"
)


def js_array(path: Path):
    text = path.read_text("utf-8")
    return json.loads(text[text.index("=") + 1 :])


def x_archive_with_three_versions_and_a_long_post(tmp_path) -> Path:
    import shutil

    folder = tmp_path / "twitter-2024-03-09"
    shutil.copytree(X_MODERN, folder)
    tweets = js_array(folder / "data" / "tweets.js")
    latest, first = json.loads(json.dumps(tweets[0])), tweets[1]
    ids = [first["tweet"]["id_str"], tweets[0]["tweet"]["id_str"], "1764964068357046279"]
    for element in (tweets[0], first, latest):
        element["tweet"]["edit_info"] = {
            "edit": {"initialTweetId": ids[0], "editControlInitial": {"editTweetIds": ids}}
        }
    first["tweet"]["edit_info"] = {"initial": {"editTweetIds": ids}}
    latest["tweet"].update(
        id_str=ids[2],
        id=ids[2],
        created_at="Tue Mar 05 10:40:00 +0000 2024",
        full_text="Simhallen stänger kl 19 i dag. Vi ber om ursäkt!",
    )
    # The archive lists the versions in no useful order: the last, the first, the middle.
    middle = tweets.pop(0)
    tweets = [latest, tweets[0], middle, *tweets[1:]]
    library = next(t for t in tweets if t["tweet"]["id_str"] == "1763474251576246279")
    library["tweet"]["full_text"] = LONG_TEXT[:270] + "… https://t.co/ZZ9note00"
    (folder / "data" / "tweets.js").write_text(
        "window.YTD.tweets.part0 = " + json.dumps(tweets, ensure_ascii=False), "utf-8"
    )
    note = {
        "noteTweet": {
            "noteTweetId": "1763474250000000000",
            "updatedAt": "2024-03-01T08:00:00.000Z",
            "lifecycle": {"value": "published", "name": "Published", "originalValue": "1"},
            "createdAt": "2024-03-01T08:00:00.000Z",
            "core": {
                "styletags": [],
                "mentions": [],
                "cashtags": [],
                "hashtags": [],
                "urls": [
                    {
                        "shortUrl": "https://t.co/AbC123xyz0",
                        "expandedUrl": "https://www.exempla.se/bibliotek",
                        "displayUrl": "exempla.se/bibliotek",
                    }
                ],
                "text": LONG_TEXT,
            },
        }
    }
    (folder / "data" / "note-tweet.js").write_text(
        "window.YTD.note_tweet.part0 = " + json.dumps([note], ensure_ascii=False), "utf-8"
    )
    return folder


def test_every_version_of_an_edited_post_and_long_posts_whole(world, tmp_path):
    channel = channel_in(world, "active", platform="x", address="https://x.com/exempla")
    folder = x_archive_with_three_versions_and_a_long_post(tmp_path)
    out, _ = run(channel, folder)
    assert "0 rejected" in out
    edited = records(channel)["1764954002027446279"]
    texts = [json.loads(v.content)["text"] for v in edited.versions.order_by("number")]
    assert texts == [
        "Simhallen stänger kl 18 i dag på grund av personalbrist.",
        "Simhallen stänger kl 19 i dag på grund av personalbrist.",
        "Simhallen stänger kl 19 i dag. Vi ber om ursäkt!",
    ]
    assert edited.created_at == datetime.datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert edited.edited_at == datetime.datetime(2024, 3, 5, 10, 40, tzinfo=UTC)
    library = records(channel)["1763474251576246279"]
    assert library.text == LONG_TEXT.replace(
        "https://t.co/AbC123xyz0", "https://www.exempla.se/bibliotek"
    )
    out, _ = run(channel, folder)
    assert "0 new, 0 changed" in out


# LinkedIn: 2018 exports (UTF-16, tabs, "2017/06/08 08:15:44 UTC"), unquoted multi-line comments.

SHARES_2018 = (
    "Date\tShareLink\tShareCommentary\tSharedUrl\tMediaUrl\n"
    "2017/06/08 08:15:44 UTC\thttps://www.linkedin.com/updates?discuss=&scope=1&stype=M"
    "&topic=6278521474747195392&type=U&a=abcd\tVi söker en ny kommunikatör!\t"
    "https://www.exempla.se/jobb\t\n"
    "2017/11/21 15:02:10 UTC\thttps://www.linkedin.com/updates?discuss=&scope=1&stype=M"
    '&topic=6338012453368602624&type=U&a=efgh\t"Välkommen till vårt öppna hus.\n'
    'Kaffe bjuder vi på."\t\thttps://media.licdn.com/dms/image/C4D22AQ/feedshare.jpg\n'
)
COMMENTS_2018 = (
    "Date\tLink\tMessage\n"
    "2018/02/01 09:30:00 UTC\thttps://www.linkedin.com/feed/update/urn:li:activity:6365899"
    "123456789012\tTack för ett bra seminarium!\n"
)
COMMENTS_UNQUOTED = (
    "Date,Link,Message\n"
    "2025-07-13 08:15:21,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7348931489"
    "259999233,Hej! Tre saker:\n"
    "1. Anmälan görs på webben\n"
    "2. Sista dag är fredag\n"
    "2025-07-13 08:04:08,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A734820293"
    "3752053761,En rad till.\n"
)


@pytest.fixture
def linkedin(world):
    return channel_in(
        world, "active", platform="linkedin", address="https://www.linkedin.com/company/exempla"
    )


def test_a_2018_linkedin_export_in_utf16_with_tabs_is_read(linkedin, tmp_path):
    folder = tmp_path / "Basic_LinkedInDataExport_06-01-2018"
    folder.mkdir()
    (folder / "Shares.csv").write_bytes(SHARES_2018.encode("utf-16"))
    (folder / "Comments.csv").write_bytes(COMMENTS_2018.encode("utf-16"))
    out, _ = run(linkedin, folder)
    assert "Found: LinkedIn export, 2 posts, 1 comment." in out
    assert "3 new" in out and "0 rejected" in out
    found = sorted(records(linkedin).values(), key=lambda r: r.created_at)
    assert [r.created_at for r in found] == [
        datetime.datetime(2017, 6, 8, 8, 15, 44, tzinfo=UTC),
        datetime.datetime(2017, 11, 21, 15, 2, 10, tzinfo=UTC),
        datetime.datetime(2018, 2, 1, 9, 30, tzinfo=UTC),
    ]
    assert found[1].text == "Välkommen till vårt öppna hus.\nKaffe bjuder vi på."
    assert found[2].parent_platform_id == "urn:li:activity:6365899123456789012"
    out, _ = run(linkedin, folder)
    assert "0 new, 0 changed, 3 unchanged" in out


def test_a_comment_over_several_unquoted_lines_is_one_comment(linkedin, tmp_path):
    path = tmp_path / "Comments.csv"
    path.write_text(COMMENTS_UNQUOTED, "utf-8")
    out, _ = run(linkedin, path)
    assert "2 new" in out and "0 rejected" in out
    texts = {r.text for r in records(linkedin).values()}
    assert "Hej! Tre saker:\n1. Anmälan görs på webben\n2. Sista dag är fredag" in texts


# TikTok: the current layout, signed CDN and photo-post links.

CDN_LINK = (
    "https://v16m-default.tiktokcdn.com/8b3f0c2e9d1a4b5c6d7e8f9a0b1c2d3e/67a1b2c3/video/tos/"
    "useast2a/tos-useast2a-ve-0068c001/oQAbCdEfGhIjKlMnOpQrStUv/?a=1233&bti=NEBzNTY6QGo6OjZA"
    "&ch=0&cr=3&dr=0&lr=all&cd=0%7C0%7C0%7C&cv=1&br=2048&bt=1024&cs=0&ds=6&ft=4KJMyMzm8Zmo0"
    "&mime_type=video_mp4&qs=0&rc=aDg7OjQ0NDlmZzw7&l=20250301081500&btag=e00090000"
    "&expire=1740900000&policy=2&signature=0a1b2c3d4e5f60718293a4b5c6d7e8f9"
)


def tiktok_2025() -> dict:
    return {
        "Comment": {
            "Comments": {
                "App": 1233,
                "CommentsList": [
                    {
                        "date": "2025-03-02 09:00:00 UTC",
                        "comment": "Tack för alla fina kommentarer!",
                        "photo": "N/A",
                        "video": "",
                        "sticker": "",
                        "originalPostUrl": "https://www.tiktok.com/@exempla/video/7476543210987654321",
                    }
                ],
            }
        },
        "Direct Message": {
            "Direct Messages": {
                "ChatHistory": {
                    "Chat History with anna.andersson:": [
                        {
                            "Date": "2025-03-03 10:00:00",
                            "From": "anna.andersson",
                            "Content": "Hej! När öppnar biblioteket?",
                        },
                        {
                            "Date": "2025-03-03 10:05:00",
                            "From": "exempla",
                            "Content": "Hej Anna! Klockan tio.",
                        },
                    ]
                }
            },
            "Group Chat": {
                "GroupChat": {
                    "7412345678901234567": [
                        {
                            "Date": "2025-03-04 12:00:00",
                            "From": "bertil",
                            "Content": "Välkomna till gruppen.",
                        }
                    ]
                }
            },
            "Tako Chat History": {"TakoChatHistoryList": None},
        },
        "Post": {
            "Posts": {
                "VideoList": [
                    {
                        "Date": "2025-03-01 08:15:00",
                        "Link": CDN_LINK,
                        "Likes": "12",
                        "Title": "Biblioteket öppnar igen!",
                        "Sound": "",
                        "Location": "",
                    },
                    {
                        "Date": "2025-03-01 12:00:00",
                        "Link": "https://www.tiktok.com/@exempla/photo/7476543210987650000",
                        "Likes": "3",
                        "Title": "Bilder från invigningen",
                    },
                ]
            },
            "Recently Deleted Posts": {"PostList": []},
            "Story": {},
        },
        "Profile And Settings": {
            "Profile Info": {
                "App": 1233,
                "ProfileMap": {"userName": "exempla", "displayName": "Exempla kommun"},
            }
        },
        "Your Activity": {
            "Watch History": {
                "VideoList": [{"Date": "2025-03-01 07:00:00", "Link": "https://www.tiktokv.com/x"}]
            }
        },
    }


def test_a_2025_tiktok_export_is_read_whole_with_ids_for_cdn_and_photo_links(world, tmp_path):
    channel = channel_in(
        world, "active", platform="tiktok", address="https://www.tiktok.com/@exempla"
    )
    path = tmp_path / "user_data_tiktok.json"
    path.write_text(json.dumps(tiktok_2025(), ensure_ascii=False), "utf-8")
    out, _ = run(channel, path)
    assert "Found: TikTok export of @exempla." in out
    assert "6 new" in out and "0 rejected" in out
    found = records(channel)
    video = found["post:20250301T081500Z"]
    assert video.text == "Biblioteket öppnar igen!" and video.direction == "drawn_up"
    assert found["7476543210987650000"].text == "Bilder från invigningen"
    comment = next(r for r in found.values() if r.kind == "comment")
    assert comment.created_at == datetime.datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert comment.parent_platform_id == "7476543210987654321"
    messages = [r for r in found.values() if r.kind == "direct_message"]
    assert len(messages) == 3
    assert {r.direction for r in messages} == {"drawn_up", "received"}
    # The signed address changes with every export; the id does not.
    again = tiktok_2025()
    again["Post"]["Posts"]["VideoList"][0]["Link"] = CDN_LINK.replace("67a1b2c3", "67ffffff")
    path.write_text(json.dumps(again, ensure_ascii=False), "utf-8")
    out, _ = run(channel, path)
    assert "0 new" in out and "6 unchanged" in out.replace("0 changed, ", "")


# Bluesky: the author from the repository's profile (and a DID document beside it); other
# CAR files refused at detection.


def bluesky_shapes():
    from tests.sources.test_bluesky import SHAPES

    return SHAPES


BSKY_DID = "did:plc:exemplakommun4test2xyz"


def bluesky_repository(path: Path, collection: str = "app.bsky.feed.post") -> Path:
    shapes = bluesky_shapes()
    records = {
        "app.bsky.actor.profile/self": {
            "$type": "app.bsky.actor.profile",
            "displayName": "Exempla kommun",
            "description": "Kommunens officiella konto.",
        },
        f"{collection}/3kly5whjwmc2v": {
            "$type": collection,
            "text": "Välkommen till vårt konto!",
            "createdAt": "2025-03-01T09:00:00.000+01:00",
            "langs": ["sv"],
        },
    }
    if not collection.startswith("app.bsky."):
        del records["app.bsky.actor.profile/self"]
    return shapes.write_car(path, BSKY_DID, sorted(records.items()))


@pytest.fixture
def bluesky(world):
    return channel_in(world, "active", platform="bluesky", address=BSKY_DID)


def test_repository_posts_name_their_author_from_the_profile_and_did_document(bluesky, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    bluesky_repository(folder / "repo.car")
    (folder / "did.json").write_text(
        json.dumps(
            {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": BSKY_DID,
                "alsoKnownAs": ["at://exempla.bsky.social"],
            }
        ),
        "utf-8",
    )
    out, _ = run(bluesky, folder)
    assert f"Found: Bluesky repository export of {BSKY_DID} (Exempla kommun)" in out
    (post,) = records(bluesky).values()
    assert (post.author_name, post.author_handle) == ("Exempla kommun", "exempla.bsky.social")
    assert post.created_at == datetime.datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    # Without the DID document the name still comes from the profile; the handle is unknown.
    from torget.sources.bluesky import RepositoryReader
    from torget.sources.bundle import open_bundle
    from torget.sources.formats import ReadContext

    with open_bundle(folder / "repo.car") as bundle:
        reader = RepositoryReader()
        found = reader.detect(bundle)
        context = ReadContext(captured_at=datetime.datetime(2026, 1, 1, tzinfo=UTC))
        (item,) = list(reader.read(bundle, found, context))
    assert (item.author_name, item.author_handle) == ("Exempla kommun", "")


def test_a_car_that_is_not_a_bluesky_repository_is_refused_at_detection(bluesky, tmp_path):
    from torget.sources.bluesky import RepositoryReader
    from torget.sources.bundle import open_bundle

    shapes = bluesky_shapes()
    other_app = bluesky_repository(tmp_path / "notes.car", collection="com.example.note")
    ipfs = tmp_path / "site.car"
    block = shapes._dag_cbor({"hello": "world", "links": []})
    header = shapes._dag_cbor({"roots": [shapes._link(shapes._cid(block))], "version": 1})
    with ipfs.open("wb") as out:
        out.write(shapes._varint(len(header)) + header)
        shapes._section(out, block)
    for path in (other_app, ipfs):
        with open_bundle(path) as bundle:
            assert RepositoryReader().detect(bundle) is None
        with pytest.raises(CommandError, match=r"is not a Bluesky repository export\."):
            run(bluesky, path, "--format", "bluesky-car")
        with pytest.raises(CommandError, match=r"does not recognise"):
            run(bluesky, path)


# Fuzzing the new shapes: a damaged file never makes a reader raise.


def _shape_files(tmp: Path) -> dict[str, bytes]:
    return {
        "tweets.jsonl": twarc2_lines().encode(),
        "feed.json": json.dumps(json_feed("1.1")).encode(),
        "nyheter.xml": RSS_WITH_QUIRKS.encode(),
        "Shares.csv": SHARES_2018.encode("utf-16"),
        "Comments.csv": COMMENTS_UNQUOTED.encode(),
        "user_data_tiktok.json": json.dumps(tiktok_2025()).encode(),
        "outbox.json": (MASTODON / "outbox.json").read_bytes(),
        "your_posts_1.json": (
            SAMPLES / "facebook/dyi-2024/your_facebook_activity/posts/your_posts_1.json"
        ).read_bytes(),
    }


_FUZZ_NAMES = sorted(_shape_files(Path(".")))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_FUZZ_NAMES),
    st.floats(0, 1),
    st.integers(0, 255),
    st.sampled_from(["cut", "flip", "insert"]),
)
@pytest.mark.django_db(transaction=False)
def test_damaged_new_shapes_never_make_a_reader_raise(name, where, byte, how):
    import tempfile

    from torget.sources.base import CapturedItem, SourceError
    from torget.sources.bundle import open_bundle
    from torget.sources.formats import ReadContext, readers

    with tempfile.TemporaryDirectory() as folder:
        data = bytearray(_shape_files(Path(folder))[name])
        at = int(where * (len(data) - 1))
        if how == "cut":
            del data[at:]
        elif how == "flip":
            data[at] = byte
        else:
            data[at:at] = bytes([byte]) * 3
        path = Path(folder) / name
        path.write_bytes(bytes(data))
        context = ReadContext(captured_at=datetime.datetime(2026, 1, 1, tzinfo=UTC))
        with open_bundle(path) as bundle:
            for reader in readers():
                found = reader.detect(bundle)
                if found is None:
                    continue
                for value in reader.read(bundle, found, context):
                    assert isinstance(value, CapturedItem | SourceError)
                    if isinstance(value, CapturedItem):
                        assert value.created_at.utcoffset() == datetime.timedelta(0)
