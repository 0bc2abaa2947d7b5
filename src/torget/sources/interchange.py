"""Torget's interchange format: JSON Lines, one captured item per line (docs/interchange.md).

The reader streams: it holds one line at a time, reports a bad line with its number and
reason, and goes on with the next.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

import orjson

from . import times
from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .confine import UnsafePath, confined_file

__all__ = ["CapturedItem", "Header", "parse_line", "read", "resolve_media"]

FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schemas" / "interchange-v1.schema.json"
MAX_LINE_BYTES = 16 * 1024 * 1024
TOO_LONG = b"\x00too long"


@dataclass(frozen=True)
class Header:
    """The optional first line: {"torget": "capture", "v": 1, "complete": true, ...}."""

    complete: bool = False
    source: str = ""
    captured_at: datetime.datetime | None = None


def parse_time(value, key: str) -> datetime.datetime:
    """Interchange times: ISO 8601 text with a zone (times.parse_time, strict)."""
    return times.parse_time(value, key, strict=True)


def _text(obj: dict, key: str, required: bool = False, limit: int = 1000) -> str:
    value = obj.get(key)
    if type(value) is str and len(value) <= limit and (value or not required):
        # The common case, checked first: this runs millions of times. A NUL character
        # (valid JSON, "\u0000") cannot be stored in PostgreSQL text: it is shown as U+FFFD,
        # while the raw payload keeps the line exactly as it was.
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if value is None:
        if required:
            raise SourceError(key, "missing")
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and key.endswith("id"):
        value = str(value)
    if not isinstance(value, str):
        raise SourceError(key, f"expected text, found {type(value).__name__}")
    if required and not value.strip():
        raise SourceError(key, "empty")
    if len(value) > limit:
        raise SourceError(key, f"longer than {limit} characters")
    return value


def item_from_json(obj: dict, raw: str, captured_at: datetime.datetime) -> CapturedItem:
    if not isinstance(obj, dict):
        raise SourceError("line", "expected a JSON object")
    if obj.get("v") != FORMAT_VERSION or isinstance(obj.get("v"), bool):
        raise SourceError("v", f"unknown format version {obj.get('v')!r}; this reader knows 1")
    kind = _text(obj, "kind", required=True)
    if kind not in Kind.ALL:
        raise SourceError("kind", f"unknown kind {kind!r}")
    author = obj.get("author") or {}
    if not isinstance(author, dict):
        raise SourceError("author", "expected an object with id, name and handle")
    media = obj.get("media") or []
    if not isinstance(media, list):
        raise SourceError("media", "expected a list")
    media_items = []
    for index, entry in enumerate(media):
        if not isinstance(entry, dict):
            raise SourceError(f"media[{index}]", "expected an object")
        if "\x00" in str(entry.get("path") or ""):  # never read as another name (U+FFFD)
            raise SourceError(f"media[{index}].path", "has a NUL character in its name")
        media_items.append(
            CapturedMedia(
                url=_text(entry, "url", limit=4000),
                path=_text(entry, "path", limit=1000),
                mime_type=_text(entry, "mime_type", limit=200),
            )
        )
    hidden = obj.get("hidden", False)
    if not isinstance(hidden, bool):
        raise SourceError("hidden", "expected true or false")
    own = obj.get("author_is_organisation", False)
    if not isinstance(own, bool):
        raise SourceError("author_is_organisation", "expected true or false")
    edited = obj.get("edited_at")
    return CapturedItem(
        platform_id=_text(obj, "id", required=True, limit=200),
        kind=kind,
        text=_text(obj, "text", limit=1_000_000),
        created_at=parse_time(obj.get("created_at"), "created_at"),
        captured_at=parse_time(obj["captured_at"], "captured_at")
        if obj.get("captured_at")
        else captured_at,
        raw=raw,
        author_id=_text(author, "id", limit=200),
        author_name=_text(author, "name", limit=300),
        author_handle=_text(author, "handle", limit=300),
        author_is_organisation=own,
        parent_id=_text(obj, "parent_id", limit=200),
        thread_id=_text(obj, "thread_id", limit=200),
        edited_at=parse_time(edited, "edited_at") if edited else None,
        title=_text(obj, "title", limit=1000),
        language=_text(obj, "language", limit=16),
        permalink=_text(obj, "permalink", limit=2000),
        hidden=hidden,
        media=tuple(media_items),
    )


def read(
    stream: IO[bytes], *, captured_at: datetime.datetime
) -> Iterator[tuple[int, CapturedItem | Header | SourceError]]:
    """Yield (line number, item, header or error) for each non-empty line."""
    for number, line in enumerate(_lines(stream), start=1):
        value = parse_line(number, line, captured_at)
        if value is not None:
            yield number, value


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of at most MAX_LINE_BYTES; a longer one is skipped in pieces, never held whole,
    and comes out as a marker that parse_line reports."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield TOO_LONG
        else:
            yield line


def parse_line(
    number: int, line: bytes, captured_at: datetime.datetime
) -> CapturedItem | Header | SourceError | None:
    """One line: an item, the header, an error saying where and why, or None if blank."""
    if line is TOO_LONG or len(line) > MAX_LINE_BYTES:
        return SourceError(f"line {number}", "the line is too long (over 16 MB)")
    stripped = line.strip()
    if not stripped:
        return None
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError as error:
        return SourceError(f"line {number}", f"not UTF-8 text (byte {error.start})")
    try:
        obj = orjson.loads(stripped)
    except orjson.JSONDecodeError as error:
        return SourceError(f"line {number}", f"not valid JSON ({error})")
    try:
        if isinstance(obj, dict) and obj.get("torget") == "capture":
            return _header(obj)
        return item_from_json(obj, text, captured_at)
    except SourceError as error:
        return SourceError(f"line {number}, {error.location}", error.reason)


def _header(obj: dict) -> Header:
    if obj.get("v") != FORMAT_VERSION or isinstance(obj.get("v"), bool):
        raise SourceError("v", f"unknown format version {obj.get('v')!r}; this reader knows 1")
    complete = obj.get("complete", False)
    if not isinstance(complete, bool):
        raise SourceError("complete", "expected true or false")
    captured = obj.get("captured_at")
    return Header(
        complete=complete,
        source=_text(obj, "source", limit=500),
        captured_at=parse_time(captured, "captured_at") if captured else None,
    )


def resolve_media(item: CapturedItem, base_dir: Path | None) -> CapturedItem:
    """Turn media paths (relative to the file) into checked absolute paths.

    Every path goes through the one confinement check (sources/confine.py): a picture, video
    or sound file inside the file's folder, nothing hidden, linked or outside it. Lines read
    from standard input have no folder (`base_dir` None), so they may name no local file.
    """
    if not any(m.path for m in item.media):
        return item
    resolved = []
    for index, media in enumerate(item.media):
        if media.path:
            where = f"media[{index}].path"
            if base_dir is None:
                raise SourceError(
                    where,
                    "lines read from standard input cannot name local files; "
                    "import the .jsonl file by its name instead",
                )
            try:
                path = confined_file(base_dir, media.path, media_only=True)
            except UnsafePath as refused:
                raise SourceError(where, str(refused)) from None
            media = replace(media, path=str(path))
        resolved.append(media)
    return replace(item, media=tuple(resolved))
