"""The human-readable snapshot: PDF/A volumes with a contents whose page numbers are real, and
the same pages as a WARC 1.1 file. Records come in through the real ingest pipeline."""

import datetime
import gzip
import html
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from django.utils import translation
from warcio.archiveiterator import ArchiveIterator

from tests.factories import captured, channel_in, ingest
from torget.archive.models import Record, State
from torget.documents.pdfa import problems
from torget.preservation import render
from torget.preservation.render import render_period
from torget.sources.base import CapturedMedia
from torget.supervision import services as supervision
from torget.supervision.models import Action, Reason

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime.datetime(2025, 1, 1, tzinfo=STOCKHOLM)
END = datetime.datetime(2025, 7, 1, tzinfo=STOCKHOLM)
WARCIO = Path(sys.executable).parent / "warcio"
MEDIA_SHA = "ab" * 32


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, 0, tzinfo=datetime.UTC)


def sv(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


@pytest.fixture
def channel(world):
    # Quotes and markup in the name end up in the page header's CSS string and in the HTML.
    return channel_in(world, "active", name='Kanal "Torget" </style> & co')


@pytest.fixture
def period(world, channel):
    """Two threads in the period, one whose post is older, and records outside it."""
    org = {"author_is_organisation": True, "author_id": "org", "author_name": "Exempla kommun"}
    ingest(
        channel,
        [
            captured(
                "old-post",
                "Ett inlägg från förra året.",
                kind="post",
                created_at=at(1, 1) - datetime.timedelta(days=30),
                **org,
            ),
            captured("b1", "Fortfarande aktuellt?", parent_id="old-post", created_at=at(1, 15)),
            captured(
                "p1",
                "Vi bygger en ny förskola vid parken och öppnar i augusti.",
                kind="post",
                created_at=at(2, 1),
                permalink="https://www.facebook.com/exempla/posts/p1",
                **org,
            ),
            captured("c1", "När öppnar den?", parent_id="p1", created_at=at(2, 2)),
            captured(
                "c2",
                "<script>alert('x')</script> & \"citat\"",
                parent_id="p1",
                created_at=at(2, 3),
                author_handle="kalle",
                author_name="Kalle Karlsson",
            ),
            captured("c3", "Dold kommentar", parent_id="p1", created_at=at(2, 4), hidden=True),
            captured(
                "r1",
                "I augusti, se bilden.",
                kind="reply",
                parent_id="c1",
                created_at=at(2, 5),
                media=(
                    CapturedMedia(
                        url="https://cdn.example/img/forskola.jpg",
                        mime_type="image/jpeg",
                        sha256=MEDIA_SHA,
                    ),
                ),
                **org,
            ),
            captured(
                "c4",
                "Borttagen av skribenten",
                parent_id="p1",
                created_at=at(2, 6),
                deleted_at=at(2, 7),
            ),
            captured("later", "Efter perioden", kind="post", created_at=at(7, 2)),
        ],
    )
    # An edit: a second version of c1.
    ingest(
        channel,
        [
            captured(
                "c1",
                "När öppnar den? (ändrat)",
                parent_id="p1",
                created_at=at(2, 2),
                edited_at=at(2, 8),
                captured_at=at(3, 3),
            )
        ],
    )
    supervision.decide(
        person=world.communicator,
        record=Record.objects.get(platform_id="c2"),
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
        note="Test.",
    )
    return channel


def warc_pages(path: Path) -> dict[str, str]:
    pages = {}
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                pages[uri] = record.content_stream().read().decode()
    return pages


def destinations(path: Path) -> dict[str, int]:
    """The PDF's named destinations (WeasyPrint makes one per HTML id) -> 1-based page."""
    with pikepdf.open(path) as pdf:
        numbers = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        names = pikepdf.NameTree(pdf.Root.Names.Dests)
        return {str(name): numbers[dest[0].objgen] for name, dest in names.items()}


def outline_titles(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            titles.append(item.title)
            stack = list(item.children) + stack
        return titles


def run(channel, tmp_path: Path, name: str = "a", **kwargs):
    out = tmp_path / name
    return render_period(
        channel,
        START,
        END,
        out / "pdf",
        out / "snapshot.warc.gz",
        title="Ögonblicksbild 2025H1",
        **kwargs,
    ), out


def test_the_period_renders_as_checked_pdfa_volumes_and_a_warc(period, tmp_path):
    calls = []
    result, out = run(period, tmp_path, progress=lambda done, total: calls.append((done, total)))

    assert result.records == 7  # b1, p1, c1-c4, r1; not old-post, not later
    assert result.threads == 2
    assert [p.name for p in result.pdf_files] == ["00-innehall.pdf", "volym-0001.pdf"]
    for path in result.pdf_files:
        assert problems(path) == [], path
    with pikepdf.open(result.pdf_files[1]) as volume, pikepdf.open(result.pdf_files[0]) as toc:
        assert result.pages == len(volume.pages) + len(toc.pages)
    assert calls[0] == (0, 7) and calls[-1] == (7, 7)

    pages = warc_pages(out / "snapshot.warc.gz")
    base = f"https://torget.invalid/exempla/{period.slug}/2025-01-01_2025-06-30"
    assert sorted(pages) == sorted(
        [f"{base}/index.html", f"{base}/thread-1.html", f"{base}/thread-2.html"]
    )
    assert result.html_pages == 3
    older, newer = pages[f"{base}/thread-1.html"], pages[f"{base}/thread-2.html"]
    # Threads in the order of their first record; the older post is said to be outside.
    assert "Fortfarande aktuellt?" in older and "Vi bygger en ny förskola" in newer
    note = sv(
        "The thread's post was published %(at)s, before this period; it is not part "
        "of this snapshot."
    ) % {"at": "2024-12-02 10:00"}
    assert note.startswith("Trådens inlägg publicerades 2024-12-02 10:00")
    assert html.escape(note) in older
    assert "Ett inlägg från förra året" not in older and "Efter perioden" not in newer
    # Records in time order, with their facts; the text unmasked and escaped.
    order = [
        newer.index(t)
        for t in (
            "Vi bygger",
            "När öppnar den? (ändrat)",
            "&lt;script&gt;",
            "Dold kommentar",
            "I augusti",
            "Borttagen av skribenten",
        )
    ]
    assert order == sorted(order)
    assert "<script>" not in newer
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;citat&quot;" in newer
    assert "Kalle Karlsson (@kalle)" in newer and sv("the organisation") in newer
    assert "2025-02-01 10:00" in newer  # 09:00 UTC shown in Europe/Stockholm
    assert "https://www.facebook.com/exempla/posts/p1" in newer
    assert "forskola.jpg · image/jpeg · SHA-256 " + MEDIA_SHA[:16] in newer
    for state in (State.REMOVED, State.HIDDEN, State.DELETED):
        assert sv(state.label) in newer
    assert sv("edited %(at)s") % {"at": "2025-02-08 10:00"} in newer
    assert "2 versioner" in newer


def test_the_contents_gives_the_real_page_of_every_thread(period, tmp_path, monkeypatch):
    # Many threads, several volumes: the contents' page numbers must match the volumes.
    monkeypatch.setattr(render, "VOLUME_THREADS", 12)
    words = "Lång text om kommunens arbete med förskolor och parker. "
    items = []
    for n in range(30):
        created = at(3, 1) + datetime.timedelta(hours=n)
        items.append(captured(f"t{n}", words * (n % 9 + 1), kind="post", created_at=created))
        items += [
            captured(
                f"t{n}-{m}",
                words * (m + 2),
                parent_id=f"t{n}",
                created_at=created + datetime.timedelta(minutes=m + 1),
            )
            for m in range(3)
        ]
    ingest(period, items)
    result, out = run(period, tmp_path)
    assert result.threads == 32
    assert [p.name for p in result.pdf_files] == [
        "00-innehall.pdf",
        "volym-0001.pdf",
        "volym-0002.pdf",
        "volym-0003.pdf",
    ]
    index = warc_pages(out / "snapshot.warc.gz")[
        f"https://torget.invalid/exempla/{period.slug}/2025-01-01_2025-06-30/index.html"
    ]
    starts = {}
    for volume in result.pdf_files[1:]:
        for name, page in destinations(volume).items():
            if name.startswith("thread-"):
                starts[int(name.removeprefix("thread-"))] = (volume.name, page)
    assert len(starts) == 32 and max(p for _v, p in starts.values()) > 1
    for number, (volume, page) in starts.items():
        line = next(line for line in index.splitlines() if f"thread-{number}.html" in line)
        assert f"{volume}, {sv('page')} {page}</p>" in line
    assert sv("Thread %(number)s") % {"number": 32} in " ".join(outline_titles(result.pdf_files[3]))


def test_a_long_thread_is_split_across_volumes(channel, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "VOLUME_RECORDS", 3)
    ingest(
        channel,
        [captured("p", "Inlägget", kind="post", created_at=at(3, 1))]
        + [
            captured(f"c{n}", f"Kommentar nummer {n}", parent_id="p", created_at=at(3, 2, n))
            for n in range(7)
        ],
    )
    result, out = run(channel, tmp_path, workers=0)
    assert result.records == 8 and result.threads == 1
    assert [p.name for p in result.pdf_files[1:]] == [
        "volym-0001.pdf",
        "volym-0002.pdf",
        "volym-0003.pdf",
    ]
    for path in result.pdf_files:
        assert problems(path) == []
    assert "Thread 1 (continued)" in " ".join(outline_titles(result.pdf_files[2])) or sv(
        "Thread %(number)s (continued)"
    ) % {"number": 1} in " ".join(outline_titles(result.pdf_files[2]))
    base = f"https://torget.invalid/exempla/{channel.slug}/2025-01-01_2025-06-30"
    pages = warc_pages(out / "snapshot.warc.gz")
    assert sorted(pages) == sorted(
        [f"{base}/index.html"] + [f"{base}/thread-1{s}.html" for s in ("", "-2", "-3")]
    )
    assert "Kommentar nummer 6" in pages[f"{base}/thread-1-3.html"]
    assert "Kommentar nummer 6" not in pages[f"{base}/thread-1.html"]


def test_an_empty_period_says_so_in_a_valid_pdf(channel, tmp_path):
    ingest(channel, [captured("p", "Utanför", kind="post", created_at=at(8, 1))])
    result, out = run(channel, tmp_path)
    assert (result.records, result.threads, result.html_pages) == (0, 0, 1)
    assert [p.name for p in result.pdf_files] == ["00-innehall.pdf"]
    assert problems(result.pdf_files[0]) == []
    assert result.pages == 1
    (index,) = warc_pages(out / "snapshot.warc.gz").values()
    assert sv("The channel has no records in this period.") in index


def test_the_same_data_gives_the_same_bytes(period, tmp_path):
    first, out_a = run(period, tmp_path, "a")
    second, out_b = run(period, tmp_path, "b", workers=1)
    assert [p.name for p in first.pdf_files] == [p.name for p in second.pdf_files]
    for a, b in zip(first.pdf_files, second.pdf_files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    warc = (out_a / "snapshot.warc.gz").read_bytes()
    assert warc == (out_b / "snapshot.warc.gz").read_bytes()
    # Nothing in the files comes from the clock: the dates are the captures'.
    with pikepdf.open(first.pdf_files[1]) as pdf:
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo
    assert b"WARC-Date: 2025-03-03T09:00:00" in gzip.decompress(warc)


def test_the_warc_passes_warcio_check_and_index(period, tmp_path):
    result, out = run(period, tmp_path)
    path = out / "snapshot.warc.gz"
    check = subprocess.run([WARCIO, "check", "-v", path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = subprocess.run(
        [WARCIO, "index", "-f", "warc-type,warc-target-uri", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(listed) == 1 + result.html_pages
    assert '"warc-type": "warcinfo"' in listed[0]
    assert all('"warc-type": "response"' in line for line in listed[1:])
    assert sum("thread-" in line for line in listed) == 2


def test_a_disposed_record_is_shown_without_its_text(channel):
    snapshot = render._Snapshot(channel, START, END, Path("."), Path("x.warc.gz"), "t", None)
    row = {
        "platform_id": "c9",
        "kind": "comment",
        "author_name": "Anna",
        "author_handle": "",
        "author_is_organisation": False,
        "created_at": at(2, 1),
        "edited_at": None,
        "deleted_seen_at": None,
        "state": "disposed",
        "title": "",
        "text": "Hemlig text",
        "permalink": "",
        "version_count": 1,
        "media_content": '{"media": [{"sha256": "' + MEDIA_SHA + '"}]}',
    }
    shown = snapshot._display(row)
    assert shown["disposed"] and shown["text"] == "" and shown["media"] == []
    assert shown["states"] == [translation.gettext("Disposed")]


def test_any_text_becomes_a_css_string_that_reads_back_the_same():
    import tinycss2

    text = 'Kanal "Torget" </style> \\ · å; }\n@page {'
    (token,) = tinycss2.parse_component_value_list(render._css_string(text))
    assert token.type == "string" and token.value == text
