"""The human-readable snapshot (ögonblicksbild) of a channel's period: its threads as PDF/A-2b
volumes with a table of contents, and the same HTML pages as a WARC 1.1 file.

Records are streamed from the database in reading order and cut into volumes of bounded size,
so memory does not grow with the period; a pool of processes only turns HTML into PDF while
this process queries and builds the next volume. The same data always gives the same bytes:
PDF identifiers, WARC record ids and dates are derived from the content, never from the clock.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import multiprocessing
import os
import posixpath
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import orjson
from django.db.models import Case, F, Min, OuterRef, Subquery, TextField, Value, When
from django.db.models.expressions import Window
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

import torget
from torget.archive.models import Kind, Record, RecordVersion, State
from torget.documents import pdfa

__all__ = ["Rendered", "render_period"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A volume is cut at whichever limit comes first; a thread longer than a volume continues in
# the next one. About 1,500 records make 60 to 100 pages and keep WeasyPrint's memory small.
VOLUME_RECORDS = 1500
VOLUME_THREADS = 300
# Lines in one contents file; a period with more threads gets further contents files.
CONTENTS_ENTRIES = 3000
CHUNK = 2000
FIRST_WORDS = 12
DISPOSED = "disposed"  # the archive's State may gain it with disposal (gallring)
CONTENTS_NAME = "00-innehall.pdf"
WARC_HOST = "https://torget.invalid"
# WARC record ids are uuid5 names in this namespace (itself uuid5 of the project's URI).
WARC_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://torget.invalid/warc")


@dataclass(frozen=True)
class Rendered:
    pdf_files: list[Path]  # in reading order: contents first, then volumes
    pages: int  # total PDF pages
    threads: int
    records: int
    html_pages: int  # pages written to the WARC


@dataclass
class _Thread:
    """What the contents needs of one thread; the records themselves are not kept."""

    number: int
    first_at: str
    first_words: str
    volume: int
    records: int = 0
    page: int = 0


@dataclass
class _Part:
    """The records of one thread inside one volume (a long thread has several parts)."""

    thread: _Thread
    index: int  # 1 for the start of the thread, 2... for its continuations
    note: str  # said at the top of the thread: where its post is, when not here
    records: list[dict] = field(default_factory=list)
    captured_at: datetime.datetime | None = None


@dataclass
class _Volume:
    number: int
    parts: list[_Part] = field(default_factory=list)
    records: int = 0

    @property
    def file_name(self) -> str:
        return f"volym-{self.number:04d}.pdf"


def render_period(
    channel,
    start: datetime.datetime,
    end: datetime.datetime,
    pdf_dir: Path,
    warc_path: Path,
    *,
    title: str,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 2,
) -> Rendered:
    """Render the channel's records created in [start, end) as PDF/A-2b volumes in `pdf_dir`
    (contents first) and their HTML pages as a WARC 1.1 file at `warc_path`."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    pdf_dir.mkdir(parents=True, exist_ok=True)
    with translation.override("sv"):
        return _Snapshot(channel, start, end, pdf_dir, warc_path, title, progress).run(workers)


def _render_pdf(html: str, path: str, epoch: int) -> tuple[int, dict[str, int]]:
    """In a worker: write one PDF/A and return its page count and the first page of every
    thread heading in it. No database here.

    fontTools stamps every font subset it writes with the current time unless
    SOURCE_DATE_EPOCH is set; `epoch` (from the data) keeps the PDF bytes repeatable.
    """
    found: dict[str, int] = {}
    counted = []

    def inspect(document) -> None:
        counted.append(len(document.pages))
        for number, page in enumerate(document.pages, start=1):
            for anchor in page.anchors:
                found.setdefault(anchor, number)

    # The HTML carries no resources: the renderer reads nothing at all (documents/pdfa.py).
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        pdfa.render(html, Path(path), identifier=identifier, inspect=inspect)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return counted[0], found


def _css_string(value: str) -> str:
    """A CSS string literal for any text: everything but plain letters and digits is
    hex-escaped, so neither quotes nor `</style>` can end it early."""
    out = []
    for char in value:
        if char.isascii() and (char.isalnum() or char in " .,:-_()/"):
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x} ")  # the space ends the escape; CSS drops it
    return mark_safe('"' + "".join(out) + '"')


def _local(moment: datetime.datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def _first_words(text: str) -> str:
    words = text.split()
    head = " ".join(words[:FIRST_WORDS])
    if len(head) > 90:
        head = head[:89].rstrip()
        return head + "…"
    return head + ("…" if len(words) > FIRST_WORDS else "")


def _media(content: str | None) -> list[dict]:
    if not content:
        return []
    entries = orjson.loads(content).get("media", [])
    listed = []
    for entry in entries:
        url = entry.get("url", "")
        name = posixpath.basename(urlsplit(url).path) if url else ""
        listed.append(
            {
                "name": name or "–",
                "mime": entry.get("mime_type") or "–",
                "sha": (entry.get("sha256") or "–")[:16],
            }
        )
    return listed


class _Snapshot:
    def __init__(self, channel, start, end, pdf_dir, warc_path, title, progress):
        self.channel = channel
        self.organisation = channel.organisation
        self.start, self.end = start, end
        self.pdf_dir, self.warc_path = Path(pdf_dir), Path(warc_path)
        self.title = title
        self.progress = progress
        self.first_day = start.astimezone(STOCKHOLM).date()
        self.last_day = (end - datetime.timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
        self.period = f"{self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"
        self.base_uri = (
            f"{WARC_HOST}/{self.organisation.slug}/{channel.slug}/"
            f"{self.first_day:%Y-%m-%d}_{self.last_day:%Y-%m-%d}"
        )
        self.kinds = {value: str(label) for value, label in Kind.choices}
        self.states = {value: str(label) for value, label in State.choices}
        self.threads: list[_Thread] = []
        self.records = 0
        self.last_capture: datetime.datetime | None = None
        self.html_pages = 0
        # The fonts' timestamp: the period's end, a fact of the snapshot rather than the clock.
        self.epoch = int(end.timestamp())

    # Reading the records

    def _queryset(self):
        latest_content = Subquery(
            RecordVersion.objects.filter(record=OuterRef("pk"))
            .order_by("-number")
            .values("content")[:1]
        )
        # When the content shown was captured: unlike last_seen_at, a later harvest that
        # finds nothing new does not change it, so the WARC stays the same.
        captured = Subquery(
            RecordVersion.objects.filter(record=OuterRef("pk"))
            .order_by("-number")
            .values("captured_at")[:1]
        )
        return (
            Record.objects.filter(
                channel=self.channel, created_at__gte=self.start, created_at__lt=self.end
            )
            .annotate(
                content_captured_at=Coalesce(captured, F("first_seen_at")),
                thread_first_at=Window(Min("created_at"), partition_by=[F("thread_platform_id")]),
                media_content=Case(
                    When(has_media=True, then=latest_content),
                    default=Value(""),
                    output_field=TextField(),
                ),
            )
            .order_by("thread_first_at", "thread_platform_id", "created_at", "id")
            .values(
                "id",
                "platform_id",
                "thread_platform_id",
                "kind",
                "author_name",
                "author_handle",
                "author_is_organisation",
                "created_at",
                "edited_at",
                "content_captured_at",
                "deleted_seen_at",
                "state",
                "text",
                "title",
                "permalink",
                "version_count",
                "media_content",
            )
        )

    def _display(self, row: dict) -> dict:
        """What the templates show of one record: plain strings, formatted once here."""
        state = row["state"]
        states = []
        if row["edited_at"] is not None:
            # "Edited" with its time; the bare label only when the platform gave no time.
            states.append(_("edited %(at)s") % {"at": _local(row["edited_at"])})
        if state == DISPOSED:
            states.append(_("Disposed"))
        elif state == State.DELETED and row["deleted_seen_at"] is not None:
            label = self.states[state]
            states.append(f"{label} ({_local(row['deleted_seen_at'])})")
        elif state != State.LIVE and not (state == State.EDITED and row["edited_at"]):
            states.append(self.states.get(state, state))
        disposed = state == DISPOSED
        author = row["author_name"] or "–"
        if row["author_handle"]:
            author = f"{author} (@{row['author_handle'].lstrip('@')})"
        if disposed:
            # Disposed of: who wrote it and where it was are gone with the text (the
            # package keeps only the tombstone's facts), also in the undo window.
            author = "–"
        return {
            "kind": self.kinds.get(row["kind"], row["kind"]),
            "author": author,
            "organisation": row["author_is_organisation"],
            "created": _local(row["created_at"]),
            "states": states,
            "versions": row["version_count"],
            "platform_id": row["platform_id"],
            "permalink": "" if disposed else row["permalink"],
            "disposed": disposed,
            "title": "" if disposed else row["title"],
            "text": "" if disposed else row["text"],
            "media": [] if disposed else _media(row["media_content"]),
        }

    def _post_note(self, row: dict) -> str:
        """Only a thread whose first record here is not its post needs a word about the post:
        one query for each such thread, not for each record."""
        if row["platform_id"] == row["thread_platform_id"]:
            return ""
        post = (
            Record.objects.filter(channel=self.channel, platform_id=row["thread_platform_id"])
            .values_list("created_at", flat=True)
            .first()
        )
        if post is None:
            return _("The thread's post is not in the archive.")
        if post < self.start:
            return _(
                "The thread's post was published %(at)s, before this period; it is not part "
                "of this snapshot."
            ) % {"at": _local(post)}
        if post >= self.end:
            return _("The thread's post is dated %(at)s, after this period.") % {"at": _local(post)}
        return ""  # the post is here, only dated after a reply (the platform's clock)

    def _volumes(self) -> Iterator[_Volume]:
        """The period's volumes in reading order, each filled while the records stream in."""
        volume = _Volume(number=1)
        part: _Part | None = None
        current_thread = None
        rows = self._queryset().iterator(chunk_size=CHUNK)
        for row in rows:
            if row["thread_platform_id"] != current_thread:
                current_thread = row["thread_platform_id"]
                if volume.records >= VOLUME_RECORDS or len(volume.parts) >= VOLUME_THREADS:
                    yield volume
                    volume = _Volume(number=volume.number + 1)
                thread = _Thread(
                    number=len(self.threads) + 1,
                    first_at=_local(row["created_at"]),
                    first_words=_first_words(row["title"] or row["text"])
                    if row["state"] != DISPOSED
                    else _("(disposed)"),
                    volume=volume.number,
                )
                self.threads.append(thread)
                part = _Part(
                    thread=thread,
                    index=1,
                    note=self._post_note(row),
                )
                volume.parts.append(part)
            elif volume.records >= VOLUME_RECORDS:
                yield volume
                volume = _Volume(number=volume.number + 1)
                part = _Part(thread=part.thread, index=part.index + 1, note="")
                volume.parts.append(part)
            part.records.append(self._display(row))
            part.thread.records += 1
            volume.records += 1
            self.records += 1
            seen = row["content_captured_at"]
            if part.captured_at is None or seen > part.captured_at:
                part.captured_at = seen
            if self.last_capture is None or seen > self.last_capture:
                self.last_capture = seen
        if volume.parts:
            yield volume

    # HTML

    def _style(self, footer: str) -> dict:
        header = f"{self.organisation.name} · {self.channel.name} · {self.period}"
        return {
            "header": _css_string(header),
            "footer": _css_string(footer),
            "page_word": _css_string(pgettext("page footer: page X of Y", "page")),
            "of_word": _css_string(pgettext("page footer: page X of Y", "of")),
            "language": translation.get_language(),
        }

    def _part_html(self, part: _Part) -> str:
        thread = part.thread
        return render_to_string(
            "preservation/snapshot_part.html",
            {
                "part": {
                    "number": thread.number,
                    "continued": part.index > 1,
                    "first_at": thread.first_at,
                    "first_words": thread.first_words,
                    "note": part.note,
                    "records": part.records,
                }
            },
        )

    def _document(self, heading: str, footer: str, body: str) -> str:
        return render_to_string(
            "preservation/snapshot_document.html",
            {
                "title": f"{self.title} – {heading}",
                "heading": heading,
                "body": mark_safe(body),  # rendered by our autoescaping templates
                **self._style(footer),
            },
        )

    def _part_uri(self, part: _Part) -> str:
        suffix = "" if part.index == 1 else f"-{part.index}"
        return f"{self.base_uri}/thread-{part.thread.number}{suffix}.html"

    def _volume_html(self, volume: _Volume, warc) -> str:
        """The volume's HTML; each thread part also goes to the WARC as a page of its own."""
        fragments = []
        heading = _("Volume %(number)s") % {"number": volume.number}
        for part in volume.parts:
            fragment = self._part_html(part)
            fragments.append(fragment)
            page = self._document(
                _("Thread %(number)s") % {"number": part.thread.number},
                volume.file_name,
                fragment,
            )
            self._warc_page(warc, self._part_uri(part), page, part.captured_at)
            part.records = []  # written: let them go
        return self._document(heading, f"{heading} ({volume.file_name})", "".join(fragments))

    def _contents_html(self, entries: list[_Thread], *, cover: bool, links: bool) -> str:
        context = {
            "title": self.title,
            "cover": cover,
            "links": links,
            "organisation": self.organisation.name,
            "channel": self.channel.name,
            "channel_address": self.channel.address,
            "platform": self.channel.get_platform_display(),
            "period": self.period,
            "threads": len(self.threads),
            "records": self.records,
            "volumes": self.volume_count,
            "pages": self.volume_pages,
            "version": torget.__version__,
            "entries": [
                {
                    "number": e.number,
                    "first_at": e.first_at,
                    "first_words": e.first_words,
                    "records": e.records,
                    "volume_file": f"volym-{e.volume:04d}.pdf",
                    "page": e.page,
                    "href": f"thread-{e.number}.html",
                }
                for e in entries
            ],
            **self._style(_("Contents")),
        }
        return render_to_string("preservation/snapshot_contents.html", context)

    # WARC

    def _warc_date(self, moment: datetime.datetime | None) -> str:
        moment = moment or self.end
        return datetime_to_iso_date(
            moment.astimezone(datetime.UTC).replace(tzinfo=None), use_micros=True
        )

    def _warc_page(self, writer, uri: str, html: str, captured_at) -> None:
        body = html.encode()
        digest = hashlib.sha256(body).hexdigest()
        http = StatusAndHeaders(
            "200 OK",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={
                "WARC-Record-ID": f"<urn:uuid:{uuid.uuid5(WARC_NAMESPACE, uri + '#' + digest)}>",
                "WARC-Date": self._warc_date(captured_at),
            },
        )
        writer.write_record(record)
        self.html_pages += 1

    def _warcinfo(self, writer) -> None:
        info = {
            "software": f"Torget {torget.__version__}",
            "format": "WARC File Format 1.1",
            "description": f"{self.title} ({self.organisation.name}, {self.channel.name})",
            "isPartOf": self.base_uri,
        }
        record = writer.create_warcinfo_record(self.warc_path.name, info)
        name = f"{self.base_uri}/warcinfo#{self.warc_path.name}"
        record.rec_headers.replace_header(
            "WARC-Record-ID", f"<urn:uuid:{uuid.uuid5(WARC_NAMESPACE, name)}>"
        )
        # The snapshot is of the period; its date is the period's end, not the clock.
        record.rec_headers.replace_header("WARC-Date", self._warc_date(self.end))
        writer.write_record(record)

    # The run

    def run(self, workers: int) -> Rendered:
        self.volume_count = 0
        self.volume_pages = 0
        total = Record.objects.filter(
            channel=self.channel, created_at__gte=self.start, created_at__lt=self.end
        ).count()
        volume_files: list[Path] = []
        warc_part = self.warc_path.with_name(self.warc_path.name + ".part")
        if self.progress is not None:
            self.progress(0, total)
        try:
            contents_files = self._write(warc_part, workers, total, volume_files)
        except BaseException:
            warc_part.unlink(missing_ok=True)
            raise
        warc_part.replace(self.warc_path)
        files = contents_files + volume_files
        pages = self.volume_pages + self.contents_pages
        return Rendered(
            pdf_files=files,
            pages=pages,
            threads=len(self.threads),
            records=self.records,
            html_pages=self.html_pages,
        )

    def _write(self, warc_part: Path, workers: int, total: int, volume_files: list) -> list:
        """Volumes while the records stream in, then the contents; the WARC alongside."""
        done = 0
        with open(warc_part, "wb") as handle:
            writer = WARCWriter(handle, gzip=True, warc_version="1.1")
            self._warcinfo(writer)
            with _Pool(workers) as pool:
                pending: deque[tuple[_Volume, int, Future]] = deque()

                def collect() -> None:
                    nonlocal done
                    volume, count, future = pending.popleft()
                    pages, anchors = future.result()
                    self.volume_pages += pages
                    for part in volume.parts:
                        if part.index == 1:
                            part.thread.page = anchors[f"thread-{part.thread.number}"]
                    done += count
                    if self.progress is not None:
                        self.progress(done, total)

                for volume in self._volumes():
                    self.volume_count += 1
                    count = volume.records
                    html = self._volume_html(volume, writer)
                    path = self.pdf_dir / volume.file_name
                    volume_files.append(path)
                    pending.append(
                        (volume, count, pool.submit(_render_pdf, html, str(path), self.epoch))
                    )
                    del html
                    # At most one volume waits beyond those being rendered: bounded memory.
                    while len(pending) > max(workers, 1):
                        collect()
                while pending:
                    collect()

                return self._contents(pool, writer)

    def _contents(self, pool, writer) -> list[Path]:
        """The contents files (the first with the cover), rendered after the volumes so that
        every page number is the real one; the full contents is the WARC's index page."""
        chunks = [
            self.threads[i : i + CONTENTS_ENTRIES]
            for i in range(0, len(self.threads), CONTENTS_ENTRIES)
        ] or [[]]
        files, futures = [], []
        for number, entries in enumerate(chunks, start=1):
            name = CONTENTS_NAME if number == 1 else f"00-innehall_{number:02d}.pdf"
            html = self._contents_html(entries, cover=number == 1, links=False)
            files.append(self.pdf_dir / name)
            futures.append(pool.submit(_render_pdf, html, str(files[-1]), self.epoch))
        self.contents_pages = sum(future.result()[0] for future in futures)
        index = self._contents_html(self.threads, cover=True, links=True)
        self._warc_page(writer, f"{self.base_uri}/index.html", index, self.last_capture)
        return files


class _Pool:
    """A process pool of `workers` processes, or this process itself when `workers` < 1."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor = None

    def __enter__(self):
        if self.workers >= 1:
            # Fork: the workers need no setup, and they never touch the database.
            self.executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self

    def submit(self, function, *args) -> Future:
        if self.executor is not None:
            return self.executor.submit(function, *args)
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:  # handed to the caller by result()
            future.set_exception(error)
        return future

    def __exit__(self, *exc) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=exc[0] is not None)
