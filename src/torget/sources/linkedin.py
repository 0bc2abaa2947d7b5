"""LinkedIn: the "Get a copy of your data" export (Shares.csv, Comments.csv), as captured items.

The export holds the account's own posts (Shares.csv) and its own comments on posts
(Comments.csv): everything in it is drawn up. LinkedIn has no API Torget can use, so there is
one reader, "linkedin-export" (docs/platforms/linkedin.md).

LinkedIn's CSV is not quite CSV. A post's text is written one quoted line at a time inside
the quoted value, and a comment escapes quotes with a backslash (`\\"`) instead of doubling
them, so an ordinary CSV reader runs a broken row into the rows after it. Every row starts
with its date ("2025-07-01 14:33:22,") at the start of a line, so this reader cuts the file
into rows at those lines, parses each row on its own, and reports one that still does not
read as a SourceError with its line number; the next row is read as usual. A comment written
over several lines without quotes (LinkedIn did that too) is one row: the lines that do not
start with a date belong to the message of the row before.

Exports from around 2018 are UTF-16 with a byte-order mark and tab-separated, and write
times as "2017/06/08 08:15:44 UTC"; the reader takes the encoding from the byte-order mark
and the separator from the header, so both generations read the same way.
"""

import csv
import hashlib
import io
import re
import urllib.parse
from collections.abc import Iterator

import orjson

from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle, BundleError
from .clean import safe_text
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import parse_time

__all__ = ["READERS", "ExportReader", "export_rows"]

PLATFORM = "linkedin"
FEED_URL = "https://www.linkedin.com/feed/update/"
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_ROW_BYTES = 8 * 1024 * 1024
COUNT_LIMIT_BYTES = 256 * 1024 * 1024  # larger files are not counted in detect()

_DATE = rb"\d{4}[-/]\d{2}[-/]\d{2} \d{2}:\d{2}:\d{2}(?: UTC)?"
_ROW_START = re.compile(rb'^"?' + _DATE + rb'"?[,\t]')
_ROW_START_ANYWHERE = re.compile(rb'(?:^|\n)"?' + _DATE + rb'"?[,\t]"?([^,\t\n"]*)')
_URN = re.compile(r"urn:li:[A-Za-z]+:(?:\([^)\s]*\)|[\w-]+)")
_COMMENT_URN = re.compile(r"urn:li:comment:\([^)\s]*\)")

SHARES_COLUMNS = ("Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility")
COMMENTS_COLUMNS = ("Date", "Link", "Message")


class _Utf16AsUtf8:
    """A UTF-16 file (with its byte-order mark) read as UTF-8 bytes, line by line."""

    def __init__(self, stream) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-16", newline="", errors="replace")

    def readline(self, limit: int = -1) -> bytes:
        return self._text.readline(limit // 2 if limit and limit > 0 else -1).encode()

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size // 2 if size and size > 0 else -1).encode()

    def close(self) -> None:
        self._text.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def as_utf8(stream):
    """The stream as UTF-8 bytes: LinkedIn's older exports are UTF-16 (with a BOM)."""
    head = stream.peek(2)[:2] if hasattr(stream, "peek") else b""
    if head in (b"\xff\xfe", b"\xfe\xff"):
        return _Utf16AsUtf8(stream)
    return stream


def _peekable(bundle: Bundle, name: str):
    stream = bundle.open(name)
    return stream if hasattr(stream, "peek") else io.BufferedReader(stream)


def _head_text(bundle: Bundle, name: str, size: int = 1024) -> str:
    head = bundle.head(name, size)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def export_rows(
    stream, name: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]] | SourceError]:
    """(line number, {column: value}) for each row of a LinkedIn export CSV, or a SourceError
    for a row that cannot be read. A row runs from a line starting with a date to the next
    such line; memory holds one row. `columns` stand in for a header that cannot be read.
    The separator (comma or tab) is the header's."""
    stream = as_utf8(stream)
    header: list[str] | None = None
    delimiter = ","
    lines: list[bytes] = []
    start = number = size = 0
    problem = ""

    def finish() -> tuple[int, dict[str, str]] | SourceError | None:
        nonlocal header, delimiter
        where = f"{name}, line {start}"
        data = b"".join(lines)
        if header is None and not _ROW_START.match(data.lstrip(b"\xef\xbb\xbf")):
            header = list(columns)
            first_line = data.split(b"\n", 1)[0]
            if first_line.count(b"\t") > first_line.count(b","):
                delimiter = "\t"
            fields = _parse_row(data, first=True, delimiter=delimiter)
            if isinstance(fields, str) or problem:
                return SourceError(f"{where} (the header)", problem or str(fields))
            header = [f.strip().lstrip("\ufeff") for f in fields]
            return None
        header = header or list(columns)
        if problem:
            return SourceError(where, problem)
        if header == list(columns) and data[:40].count(b"\t") > data[:40].count(b","):
            delimiter = "\t"  # no header line: the first row tells
        fields = _parse_row(data, first=start == 1, delimiter=delimiter)
        if isinstance(fields, str) or len(fields) != len(header):
            # A message written over several lines without quotes: the lines after the
            # first belong to the row's last value.
            joined = _continued(data, len(header), first=start == 1, delimiter=delimiter)
            if joined is not None:
                fields = joined
        if isinstance(fields, str):
            return SourceError(where, fields)
        if len(fields) != len(header):
            return SourceError(
                where,
                f"the row's quoting is broken: expected {len(header)} values, found {len(fields)}",
            )
        return start, dict(zip(header, fields, strict=True))

    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        too_long = len(line) > MAX_LINE_BYTES and not line.endswith(b"\n")
        if too_long:
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        if _ROW_START.match(line) and (lines or problem):
            if (value := finish()) is not None:
                yield value
            lines, size, problem = [], 0, ""
        if not lines and not problem:
            if not line.strip():
                continue
            start = number
        size += len(line)
        if too_long:
            problem = f"a line longer than {MAX_LINE_BYTES // 1024**2} MB"
        elif size > MAX_ROW_BYTES:
            problem = problem or f"a row longer than {MAX_ROW_BYTES // 1024**2} MB"
        if problem:
            lines = []
        else:
            lines.append(line)
    if (lines or problem) and (value := finish()) is not None:
        yield value


def _continued(data: bytes, count: int, *, first: bool, delimiter: str) -> list[str] | None:
    """The row's values when its first line holds all of them and the lines after it are
    more of the last one (a message with line breaks, unquoted); None when it is not so."""
    head, newline, rest = data.partition(b"\n")
    if not newline or not rest.strip():
        return None
    fields = _parse_row(head, first=first, delimiter=delimiter)
    if isinstance(fields, str) or len(fields) != count:
        return None
    try:
        more = rest.decode("utf-8").replace("\r\n", "\n").rstrip("\n")
    except UnicodeDecodeError:
        return None
    fields[-1] = f"{fields[-1]}\n{more}"
    return fields


def _parse_row(data: bytes, *, first: bool, delimiter: str = ",") -> list[str] | str:
    """The values of one row, or why it cannot be read."""
    try:
        text = data.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError as error:
        return f"not UTF-8 text (byte {error.start} of the row)"
    # Comments escape quotes as \" inside quoted values: make them the doubled quote CSV
    # expects. The header has no quotes.
    text = text.replace('\\"', '""').replace("\r\n", "\n").rstrip("\n")
    try:
        rows = [
            row for row in csv.reader(io.StringIO(text), strict=True, delimiter=delimiter) if row
        ]
    except csv.Error as error:
        return f"the row's quoting is broken ({error})"
    if len(rows) != 1:
        return "the row's quoting is broken (a quoted value is never closed)"
    return rows[0]


def _share_text(value: str) -> str:
    """Shares.csv writes each line of a post as its own quoted line: `first"\\n"second`
    once the CSV quoting is undone. Joining them gives the text as written."""
    return value.replace('"\n"', "\n")


def _urn(link: str) -> str:
    found = _URN.search(urllib.parse.unquote(link))
    return found.group(0) if found else ""


def _stable_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}"


def _share(rows: list[dict[str, str]], context: ReadContext) -> CapturedItem:
    """One post from its rows: LinkedIn repeats a post once for each of its media URLs."""
    row = rows[0]
    link = row.get("ShareLink", "").strip()
    created = parse_time(row.get("Date", "").strip(), "Date")
    text = _share_text(row.get("ShareCommentary", ""))
    shared = row.get("SharedUrl", "").strip()
    if shared and shared not in text:
        text = f"{text}\n\n{shared}" if text else shared
    media = dict.fromkeys(r.get("MediaUrl", "").strip() for r in rows)
    platform_id = _urn(link) or _stable_id("linkedin-share", row.get("Date", ""), text)
    return CapturedItem(
        platform_id=platform_id,
        kind=Kind.POST,
        text=safe_text(text.strip()),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(row if len(rows) == 1 else rows).decode(),
        author_is_organisation=True,
        permalink=link,
        media=tuple(CapturedMedia(url=url) for url in media if url),
    )


def _comment(rows: list[dict[str, str]], context: ReadContext) -> CapturedItem:
    row = rows[0]
    link = row.get("Link", "").strip()
    date = row.get("Date", "").strip()
    created = parse_time(date, "Date")
    unquoted = urllib.parse.unquote(link)
    post = _urn(unquoted.split("?", 1)[0])
    comment_urn = _COMMENT_URN.search(unquoted)
    platform_id = (
        comment_urn.group(0) if comment_urn else _stable_id("linkedin-comment", post or link, date)
    )
    return CapturedItem(
        platform_id=platform_id,
        kind=Kind.COMMENT,
        text=safe_text(row.get("Message", "").strip()),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(row).decode(),
        author_is_organisation=True,
        parent_id=post,
        thread_id=post,
        permalink=link,
    )


def _count_rows(bundle: Bundle, name: str, *, merge: bool) -> int | None:
    """Rows counted by their starting dates, without parsing: cheap enough for detect().
    With `merge`, rows one after the other with the same link are one post (LinkedIn
    writes a post once per media URL)."""
    if bundle.size(name) > COUNT_LIMIT_BYTES:
        return None
    count = 0
    previous = None
    tail = b""
    with as_utf8(_peekable(bundle, name)) as stream:
        while True:
            chunk = stream.read(1024 * 1024)
            data = tail + chunk
            cut = data.rfind(b"\n") if chunk else len(data)
            if cut < 0:
                tail = data
                continue
            for link in _ROW_START_ANYWHERE.findall(data, 0, cut):
                if not merge or not link or link != previous:
                    count += 1
                previous = link
            if not chunk:
                return count
            tail = data[cut:]


@register
class ExportReader(Reader):
    platform = PLATFORM
    name = "linkedin-export"
    label = "LinkedIn export"
    label_in_sentence = "a LinkedIn export"
    expects = (
        "LinkedIn's data export: Shares.csv and Comments.csv (comma- or tab-separated, "
        "UTF-8 or UTF-16), in the zip, its folder or alone"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            return self._detect(bundle)
        except (BundleError, OSError, KeyError, ValueError):
            return None

    def _detect(self, bundle: Bundle) -> Found | None:
        files = {}
        for role, file_name, marker in (
            ("shares", "shares.csv", b"sharecommentary"),
            ("comments", "comments.csv", b"date,link,message"),
        ):
            candidates = [
                n for n in bundle.find(f"*{file_name}") if n.lower().rsplit("/", 1)[-1] == file_name
            ]
            for name in sorted(candidates, key=lambda n: (n.count("/"), n)):
                first_line = _head_text(bundle, name).split("\n", 1)[0].lower()
                first_line = first_line.replace(" ", "").replace('"', "").replace("\t", ",")
                if marker.decode() in first_line:
                    files[role] = name
                    break
        if not files:
            return None
        counts = {}
        total: int | None = 0
        for role in ("shares", "comments"):
            if role in files:
                counted = _count_rows(bundle, files[role], merge=role == "shares")
                if counted is None:
                    total = None
                    continue
                counts["posts" if role == "shares" else "comments"] = counted
                total = None if total is None else total + counted
        owner = self._owner(bundle)
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"LinkedIn export of {owner}" if owner else "LinkedIn export",
            counts=counts,
            total=total,
            details={"files": files},
        )

    @staticmethod
    def _owner(bundle: Bundle) -> str:
        """The member's name from Profile.csv, for the summary only: LinkedIn writes no
        handle or URL of the account there to check the channel against."""
        name = bundle.first("*profile.csv")
        if name is None or name.lower().rsplit("/", 1)[-1] != "profile.csv":
            return ""
        head = bundle.head(name, 16 * 1024).decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(head)))
        if len(rows) < 2:
            return ""
        row = dict(zip(rows[0], rows[1], strict=False))
        full = f"{row.get('First Name', '').strip()} {row.get('Last Name', '').strip()}"
        return safe_text(full.strip())[:200]

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        files = found.details.get("files", {})
        for role, build, columns in (
            ("shares", _share, SHARES_COLUMNS),
            ("comments", _comment, COMMENTS_COLUMNS),
        ):
            if role in files:
                yield from self._rows(bundle, files[role], build, columns, context)

    def _rows(self, bundle: Bundle, name: str, build, columns, context: ReadContext):
        try:
            stream = _peekable(bundle, name)
        except (OSError, KeyError, BundleError) as error:
            yield SourceError(name, f"cannot be read ({error})")
            return
        # Rows of one post (same ShareLink, one after the other) become one item.
        group: list[dict[str, str]] = []
        group_line = 0
        with stream:
            try:
                for value in export_rows(stream, name, columns):
                    if isinstance(value, SourceError):
                        if group:  # keep the file's order
                            yield _build(build, group, context, name, group_line)
                            group = []
                        yield value
                        continue
                    line, row = value
                    link = row.get("ShareLink", "")
                    if group and link and link == group[0].get("ShareLink"):
                        group.append(row)
                        continue
                    if group:
                        yield _build(build, group, context, name, group_line)
                    group, group_line = [row], line
            except (OSError, EOFError, BundleError) as error:  # a damaged zip member
                yield SourceError(name, f"cannot be read to the end ({error})")
        if group:
            yield _build(build, group, context, name, group_line)


def _build(build, rows, context, name: str, line: int) -> CapturedItem | SourceError:
    try:
        return build(rows, context)
    except SourceError as error:
        return SourceError(f"{name}, line {line}, {error.location}", error.reason)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return SourceError(f"{name}, line {line}", f"unusable row ({error})")


READERS = module_readers(__name__)
