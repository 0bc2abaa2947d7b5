"""Blog and news feeds (RSS and Atom).

No licensed feed sample was needed: the fixtures in tests/samples/feed/ were written for Torget
from the RSS 2.0 and Atom specifications (SOURCES.md there): a Swedish RSS 2.0 feed, an Atom
feed and a malformed feed.
"""

import datetime
import io
import json
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import channel_in
from torget.sources import formats  # noqa: F401 - loads the registry before the module
from torget.sources.base import CapturedItem, Kind, SourceError
from torget.sources.bundle import open_bundle
from torget.sources.feed import FeedReader, items_from_feed
from torget.sources.formats import ReadContext
from torget.sources.wordpress import WordPressExportReader

SAMPLES = Path(__file__).parent.parent / "samples" / "feed"
RSS = SAMPLES / "nyheter-rss2.xml"
ATOM = SAMPLES / "nyheter-atom.xml"
BROKEN = SAMPLES / "trasigt-flode.xml"
CAPTURED = datetime.datetime(2025, 3, 5, 12, 0, tzinfo=datetime.UTC)
UTC = datetime.UTC


def context() -> ReadContext:
    return ReadContext(captured_at=CAPTURED)


def read(path: Path) -> tuple[list[CapturedItem], list[SourceError]]:
    with open_bundle(path) as bundle:
        found = FeedReader().detect(bundle)
        assert found is not None
        values = list(FeedReader().read(bundle, found, context()))
    return (
        [v for v in values if isinstance(v, CapturedItem)],
        [v for v in values if isinstance(v, SourceError)],
    )


def test_detection_reads_the_head_only_and_leaves_wxr_to_wordpress():
    with open_bundle(RSS) as bundle:
        found = FeedReader().detect(bundle)
    assert found.summary() == "Feed 'Exempla kommun – Nyheter'"
    assert found.account == "https://www.exempla.se/nyheter"
    assert "https://www.exempla.se/nyheter/feed/" in found.account_ids
    wxr = (
        Path(__file__).parent.parent / "samples" / "wordpress" / "exempla.wordpress.2025-03-01.xml"
    )
    with open_bundle(wxr) as bundle:
        assert FeedReader().detect(bundle) is None
        assert WordPressExportReader().detect(bundle) is not None


def test_rss2_entries_are_the_organisations_articles():
    items, errors = read(RSS)
    first, second = items
    assert first.platform_id == "https://www.exempla.se/?p=2201"  # the guid, not the link
    assert (first.kind, first.title) == (Kind.ARTICLE, "Vägarbete på Storgatan i vecka 11")
    assert first.text == (
        "Storgatan stängs mellan Torget och Järnvägsgatan 10–14 mars.\n\n"
        "Bussarna leds om via Åsvägen."
    )
    assert first.created_at == datetime.datetime(2025, 3, 3, 8, 15, tzinfo=UTC)  # +0100
    assert first.author_is_organisation and first.author_name == "Trafikenheten"
    assert first.permalink == "https://www.exempla.se/nyheter/vagarbete-storgatan"
    assert first.language == "sv-SE"
    assert [(m.url, m.mime_type) for m in first.media] == [
        ("https://www.exempla.se/wp-content/uploads/2025/03/karta.pdf", "application/pdf")
    ]
    assert json.loads(first.raw)["title"] == "Vägarbete på Storgatan i vecka 11"
    assert second.text == "Välkommen att prova på dans, musik och teater lördag 8 mars."
    assert second.created_at == datetime.datetime(2025, 2, 28, 16, 0, tzinfo=UTC)
    assert [(e.location, e.reason) for e in errors] == [
        ("nyheter-rss2.xml, entry 3, published", "no date of publication (nor of update)")
    ]


def test_atom_entries_with_updates_and_xhtml():
    items, errors = read(ATOM)
    assert errors == []
    budget, home = items
    assert budget.platform_id == "tag:press.exempla.se,2025:budget-2026"
    assert budget.title == "Budget 2026: satsning på skolan & omsorgen"
    assert budget.text == "Kommunstyrelsen föreslår 40 miljoner kronor mer till skolan."
    assert budget.created_at == datetime.datetime(2025, 2, 27, 7, 0, tzinfo=UTC)
    assert budget.edited_at == datetime.datetime(2025, 3, 2, 9, 30, tzinfo=UTC)
    assert budget.author_name == "Kommunikationsavdelningen"
    assert budget.media[0].url == "https://press.exempla.se/bilder/budget.jpg"
    assert budget.language == "sv"
    # Only <updated>: it is the time of publication, and there is no edit.
    assert home.created_at == datetime.datetime(2025, 2, 20, 13, 0, tzinfo=UTC)
    assert home.edited_at is None
    assert home.text == "Solgården öppnar den 1 april."


def test_a_malformed_feed_gives_what_was_recovered_and_one_error():
    items, errors = read(BROKEN)
    assert [i.platform_id for i in items][:1] == ["fritid-1"]
    assert items[0].text == "Simhallen är stängd 10–16 mars. Bastun & gymmet är öppna."
    assert len(errors) == 1
    assert errors[0].location == "trasigt-flode.xml"
    assert errors[0].reason.startswith("the feed is malformed")


def test_entity_declarations_and_huge_files_are_refused(tmp_path, monkeypatch):
    bomb = RSS.read_bytes().replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY a "aaaa">]>\n<rss', 1)
    values = list(items_from_feed(bomb, context(), name="bomb.xml"))
    assert [(e.location, e.reason) for e in values] == [
        ("bomb.xml", "refused: the document declares XML entities")
    ]
    long_name = RSS.read_bytes().replace(b"Trafikenheten", b"T" * 5000)
    for data in (long_name, long_name.decode().encode("utf-16")):
        values = list(items_from_feed(data, context(), name="long.xml"))
        assert [e.reason for e in values] == [
            "refused: an author name is longer than 1,000 characters"
        ]
    monkeypatch.setattr("torget.sources.feed.MAX_FEED_BYTES", 100)
    items, errors = read(RSS)
    assert items == [] and "files over" in errors[0].reason


RSS_BYTES = RSS.read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    cut=st.integers(min_value=0, max_value=len(RSS_BYTES)),
    at=st.integers(min_value=0, max_value=len(RSS_BYTES) - 1),
    junk=st.binary(max_size=40),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
    huge=st.sampled_from(["", "Trafikenheten", "Bussarna leds om"]),
)
def test_fuzz_feed(cut, at, junk, encoding, huge):
    data = RSS_BYTES[:at] + junk + RSS_BYTES[at:cut] if at < cut else RSS_BYTES[:cut]
    if encoding != "utf-8":
        data = data.decode("utf-8", "replace").encode(encoding, "replace")
    if huge:  # an author name (refused) or a text of a million letters
        data = data.replace(huge.encode(), b"T" * 1_000_000, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.xml"
        path.write_bytes(data)
        with open_bundle(path) as bundle:
            found = FeedReader().detect(bundle)
            if found is None:
                return
            for value in FeedReader().read(bundle, found, context()):
                if isinstance(value, SourceError):
                    assert value.location.startswith("feed.xml")
                else:
                    assert value.created_at.utcoffset() == datetime.timedelta(0)


@pytest.fixture
def channel(world):
    return channel_in(world, "active", platform="blog", address="https://www.exempla.se/nyheter")


def run_import(channel, path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_import_a_feed_twice_then_a_newer_one(channel, tmp_path):
    from torget.archive.models import Record

    first = run_import(channel, RSS)
    assert "Found: Feed 'Exempla kommun – Nyheter'." in first
    assert "2 new, 0 changed" in first and "1 rejected" in first
    record = Record.objects.get(channel=channel, platform_id="https://www.exempla.se/?p=2201")
    assert record.direction == "drawn_up" and record.kind == "article"
    assert "0 new, 0 changed, 2 unchanged" in run_import(channel, RSS)

    newer = RSS.read_text(encoding="utf-8").replace(
        "Bussarna leds om via Åsvägen.", "Bussarna leds om via Åsvägen och Parkgatan."
    )
    (tmp_path / "feed.xml").write_text(newer, encoding="utf-8")
    assert "0 new, 1 changed, 1 unchanged" in run_import(channel, tmp_path / "feed.xml")


def _both_ways(data: bytes):
    """The same feed through feedparser and through the streaming reader."""
    import datetime as dt
    import io as _io

    from torget.sources.feed import items_from_feed, stream_feed
    from torget.sources.formats import ReadContext

    context = ReadContext(captured_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    whole = list(items_from_feed(data, context, name="f"))
    streamed = list(stream_feed(_io.BytesIO(data), context, name="f"))
    return whole, streamed


@pytest.mark.parametrize("fixture", ["nyheter-rss2.xml", "nyheter-atom.xml"])
def test_the_streaming_reader_reads_a_feed_as_feedparser_does(fixture):
    """Large feeds are streamed; the records must be the same whichever way a feed is read."""
    whole, streamed = _both_ways((SAMPLES / fixture).read_bytes())
    fields = ("platform_id", "text", "title", "created_at", "edited_at", "permalink")
    good = [i for i in whole if not isinstance(i, SourceError)]
    mine = [i for i in streamed if not isinstance(i, SourceError)]
    assert len(good) == len(mine) > 0
    for a, b in zip(good, mine, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
        assert [m.url for m in a.media] == [m.url for m in b.media]


def test_a_large_feed_is_streamed_and_a_break_keeps_what_came_before(tmp_path, monkeypatch):
    import sys

    from torget.sources import feed as feed_module

    sys.path.insert(0, str(Path(__file__).parent.parent.parent / "bench"))
    from shapes.feed import write

    path = write(tmp_path, 3000)
    monkeypatch.setattr(feed_module, "STREAM_FROM", 1000)
    items, errors = read(path)
    assert len(items) == 3000 and errors == []
    cut = tmp_path / "cut" / "nyheter.rss"
    cut.parent.mkdir()
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    items, errors = read(cut)
    assert 1000 < len(items) < 2000
    assert len(errors) == 1 and "breaks off" in errors[0].reason
