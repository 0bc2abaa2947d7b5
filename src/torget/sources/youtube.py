"""YouTube: a Google Takeout export and saved YouTube Data API v3 pages, as captured items.

Two readers (docs/platforms/youtube.md):

- `TakeoutReader` ("youtube-takeout"): the "YouTube and YouTube Music" part of a Google
  Takeout, as a zip or an unpacked folder. It holds the account's own comments, live chat
  messages and uploaded videos (all drawn up). Takeout translates folder and file names
  into the account's language ("YouTube och YouTube Music"), and sometimes the column names,
  so files are recognised by their header line (or, for comments, by the shape of the first
  row), never by their folder.
- `ApiReader` ("youtube-api"): saved `commentThreads.list`, `comments.list` and
  `videos.list` responses (one JSON file per page, or a folder or zip of them).
  `items_from_api_page` turns one fetched page into items for the live connector.

CSV rows are read one record at a time from the raw bytes, so a row with a broken quote,
a stray byte that is not UTF-8 or a runaway value is reported with its line number and the
rest of the file is still read.
"""

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import orjson

from . import fields, formats
from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle, BundleError
from .clean import html_to_text, safe_text
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import parse_time

__all__ = ["READERS", "ApiReader", "TakeoutReader", "items_from_api_page"]

PLATFORM = "youtube"
WATCH_URL = "https://www.youtube.com/watch?v="
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_RECORD_BYTES = 8 * 1024 * 1024
MAX_PAGE_BYTES = 64 * 1024 * 1024
WHOLE_PAGE_BYTES = 4 * 1024 * 1024
COUNT_LIMIT_BYTES = 16 * 1024 * 1024  # files counted in detect(); larger ones are not
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".avi", ".m4v", ".3gp", ".flv", ".wmv")
VIDEO_MIME = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".avi": "video/x-msvideo",
    ".3gp": "video/3gpp",
    ".flv": "video/x-flv",
    ".wmv": "video/x-ms-wmv",
}

# Takeout comment and channel ids: "Ugx…" (a reply: "Ugx….9iw…"), "UC…" (24 characters).
_COMMENT_ID = re.compile(r"^Ug[\w-]{10,}(\.[\w-]+)?$")
_CHANNEL_ID = re.compile(r"^UC[\w-]{22}$")
# A line that begins a comment or live chat row, in either column order. Only consulted
# while a quoted value is still open: it ends a row whose quote was never closed.
_COMMENT_ROW_START = re.compile(rb"^(Ug[\w-]{10,}(\.[\w-]+)?,UC[\w-]{22},|UC[\w-]{22},\d{4}-)")
_LENIENT_JSON = json.JSONDecoder(strict=False)  # Takeout writes raw newlines inside strings
_TEXT_PIECE = re.compile(r'"text"\s*:\s*"(.*?)"\s*[,}]', re.DOTALL)
_NOT_WORD = re.compile(r"[\W_]+")


# CSV records, one at a time from the bytes.


@dataclass
class _Record:
    line: int  # where the row starts, counting from 1
    fields: list[str] | None
    error: str = ""


def _csv_records(stream, row_start: re.Pattern[bytes] | None = None) -> Iterator[_Record]:
    """Rows of a CSV file with their first line numbers; a row that cannot be read comes out
    with `error` set instead of fields, and reading goes on with the next row.

    A row ends at a line end outside quotes (an even count of quote characters so far).
    While a quote is open, a line matching `row_start` begins a new row anyway: the open row
    was broken and must not swallow the rest of the file. Memory holds one row, at most
    MAX_RECORD_BYTES; a longer row or line is reported and skipped.
    """
    parts: list[bytes] = []
    started = False
    start = number = quotes = size = 0
    problem = ""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield _Record(start if started else number, None, "a line longer than 4 MB")
            parts, started, quotes, size, problem = [], False, 0, 0, ""
            continue
        if started and quotes % 2 and row_start is not None and row_start.match(line):
            yield _Record(start, None, problem or "a quoted value is never closed")
            parts, started, quotes, size, problem = [], False, 0, 0, ""
        if not started:
            if not line.strip():
                continue
            started, start = True, number
        quotes += line.count(b'"')
        size += len(line)
        if size > MAX_RECORD_BYTES:
            problem, parts = f"a row longer than {MAX_RECORD_BYTES // 1024**2} MB", []
        elif not problem:
            parts.append(line)
        if quotes % 2 == 0:
            yield _Record(start, None, problem) if problem else _parse_record(start, parts)
            parts, started, quotes, size, problem = [], False, 0, 0, ""
    if started:
        yield _Record(
            start, None, problem or "a quoted value is never closed (the file may be cut short)"
        )


def _parse_record(line: int, parts: list[bytes]) -> _Record:
    try:
        text = b"".join(parts).decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as error:
        return _Record(line, None, f"not UTF-8 text (byte {error.start} of the row)")
    text = text.replace("\r\n", "\n")
    try:
        rows = [row for row in csv.reader(io.StringIO(text), strict=True) if row]
    except csv.Error as error:
        return _Record(line, None, f"the row's quoting is broken ({error})")
    if len(rows) != 1:
        return _Record(line, None, "the row's quoting is broken (it reads as several rows)")
    return _Record(line, rows[0])


def _header_key(value: str) -> str:
    return " ".join(value.strip().lstrip("\ufeff").lower().split())


# Recognising Takeout files by their columns.

# Each role lists the header names Takeout has used for it (lower case).
_COMMENT_COLUMNS = {
    "id": ("comment id",),
    "channel": ("channel id",),
    "time": ("comment create timestamp", "comment created timestamp", "comment timestamp"),
    "parent": ("parent comment id",),
    "top": ("top-level comment id", "top level comment id"),
    "video": ("video id",),
    "text": ("comment text",),
    "price": ("price",),
}
_LIVE_CHAT_COLUMNS = {
    "id": ("live chat id",),
    "channel": ("channel id",),
    "time": ("live chat create timestamp", "live chat created timestamp"),
    "video": ("video id",),
    "text": ("live chat text",),
    "price": ("price",),
}
_VIDEO_COLUMNS = {
    "id": ("video id",),
    "title": ("video title (original)", "video title"),
    "description": ("video description (original)", "video description"),
    "channel": ("channel id",),
    "privacy": ("privacy",),
    "created": ("video create timestamp",),
    "published": ("video publish timestamp",),
    "language": ("video audio language",),
}
_CHANNEL_COLUMNS = {
    "id": ("channel id",),
    "title": ("channel title (original)", "channel title"),
}
_VANITY_COLUMNS = {"id": ("channel id",), "vanity": ("channel vanity url 1 name",)}
# Column orders of comments.csv and live chats.csv when their header is translated.
_COMMENT_ORDERS = {
    "old": {"id": 0, "channel": 1, "time": 2, "price": 3, "parent": 4, "video": 5, "text": 6},
    "new": {"channel": 0, "time": 1, "price": 2, "id": 3, "parent": 4, "video": 5, "text": 6},
}
_LIVE_CHAT_ORDER = {"id": 0, "channel": 1, "time": 2, "price": 3, "video": 4, "text": 5}


def _columns(header: list[str], roles: dict[str, tuple[str, ...]], required: tuple[str, ...]):
    keys = [_header_key(h) for h in header]
    found = {}
    for role, names in roles.items():
        for name in names:
            if name in keys:
                found[role] = keys.index(name)
                break
    return found if all(r in found for r in required) else None


def _classify(header: list[str], first: list[str] | None) -> tuple[str, dict] | None:
    """What a Takeout CSV file holds, and where each column is, from its first two rows."""
    if columns := _columns(header, _COMMENT_COLUMNS, ("id", "time", "video", "text")):
        return "comments", columns
    if columns := _columns(header, _LIVE_CHAT_COLUMNS, ("id", "time", "video", "text")):
        return "live chats", columns
    columns = _columns(header, _VIDEO_COLUMNS, ("id", "title"))
    if columns and ("created" in columns or "published" in columns):
        return "videos", columns
    if columns := _columns(header, _VANITY_COLUMNS, ("id", "vanity")):
        return "channel urls", columns
    if columns := _columns(header, _CHANNEL_COLUMNS, ("id", "title")):
        return "channel", columns
    if first is None:
        return None
    # A translated header: recognise comments and live chats by the shape of their values.
    shape = [bool(_COMMENT_ID.match(v)) for v in first], [bool(_CHANNEL_ID.match(v)) for v in first]
    if len(first) == 7 and shape[0][0] and shape[1][1]:
        return "comments", _COMMENT_ORDERS["old"]
    if len(first) == 7 and shape[1][0] and shape[0][3]:
        return "comments", _COMMENT_ORDERS["new"]
    if len(first) == 6 and shape[0][0] and shape[1][1]:
        return "live chats", _LIVE_CHAT_ORDER
    return None


def _first_rows(bundle: Bundle, name: str) -> tuple[list[str], list[str] | None] | None:
    head = bundle.head(name, 16 * 1024)
    records = _csv_records(io.BytesIO(head), _COMMENT_ROW_START)
    header = next(records, None)
    if header is None or header.fields is None:
        return None
    first = next(records, None)
    return header.fields, first.fields if first else None


def _count_rows(bundle: Bundle, name: str) -> int | None:
    if bundle.size(name) > COUNT_LIMIT_BYTES:
        return None
    with bundle.open(name) as stream:
        return max(sum(1 for _record in _csv_records(stream, _COMMENT_ROW_START)) - 1, 0)


@register
class TakeoutReader(Reader):
    platform = PLATFORM
    name = "youtube-takeout"
    label = "YouTube Takeout"
    label_in_sentence = "a YouTube Takeout"
    expects = (
        "Google Takeout's YouTube folder (comments.csv, live chats, channel.csv) or one "
        "of its CSV files"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            return self._detect(bundle)
        except (BundleError, OSError, KeyError, ValueError, SourceError):
            return None

    def _detect(self, bundle: Bundle) -> Found | None:
        files: dict[str, list[tuple[str, dict]]] = {}
        for name in bundle.find("*.csv"):
            lowered = name.lower()
            if "youtube" not in lowered and not lowered.rsplit("/", 1)[-1].startswith(
                ("comments", "live chats", "videos", "channel")
            ):
                continue
            rows = _first_rows(bundle, name)
            if rows is None:
                continue
            classified = _classify(*rows)
            if classified:
                files.setdefault(classified[0], []).append((name, classified[1]))
        if not any(k in files for k in ("comments", "live chats", "videos")):
            return None
        channels = self._channels(bundle, files)
        own_ids = {cid for cid, title, vanity in channels for cid in (cid, title, vanity) if cid}
        first = channels[0] if channels else ("", "", "")
        account = first[2] or first[1] or first[0]
        counts: dict[str, int] = {}
        total: int | None = 0
        for kind in ("videos", "comments", "live chats"):
            for name, _cols in files.get(kind, []):
                counted = _count_rows(bundle, name)
                if counted is None:
                    total = None
                    counts.pop(kind, None)
                    break
                counts[kind] = counts.get(kind, 0) + counted
                total = None if total is None else total + counted
        media = {
            _title_key(name.rsplit("/", 1)[-1].rsplit(".", 1)[0]): name
            for name in bundle.names()
            if name.lower().endswith(VIDEO_SUFFIXES)
        }
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"YouTube Takeout of {account}" if account else "YouTube Takeout",
            account=account,
            account_ids=frozenset(own_ids),
            counts=counts,
            total=total,
            details={
                "files": files,
                "channels": {cid: title for cid, title, _vanity in channels},
                "video files": media,
            },
        )

    def _channels(self, bundle: Bundle, files: dict) -> list[tuple[str, str, str]]:
        """(channel id, title, vanity name) of the account's channels."""
        vanity: dict[str, str] = {}
        for name, columns in files.get("channel urls", []):
            for row in self._small_rows(bundle, name):
                cid, value = _cell(row, columns, "id"), _cell(row, columns, "vanity")
                if cid and value:
                    vanity[cid] = value if value.startswith("@") else f"@{value}"
        channels = []
        for name, columns in files.get("channel", []):
            for row in self._small_rows(bundle, name):
                cid = _cell(row, columns, "id")
                if cid:
                    channels.append((cid, _cell(row, columns, "title"), vanity.get(cid, "")))
        return channels

    def _small_rows(self, bundle: Bundle, name: str) -> list[list[str]]:
        if bundle.size(name) > 1024 * 1024:
            return []
        with bundle.open(name) as stream:
            records = list(_csv_records(stream))[1:21]
        return [r.fields for r in records if r.fields]

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        files = found.details.get("files", {})
        channels = found.details.get("channels", {})
        media = found.details.get("video files", {})
        for kind, build in (
            ("videos", self._video),
            ("comments", self._comment),
            ("live chats", self._live_chat),
        ):
            for name, columns in files.get(kind, []):
                yield from self._rows(bundle, name, columns, build, context, channels, media)

    def _rows(self, bundle, name, columns, build, context, channels, media):
        try:
            stream = bundle.open(name)
        except (OSError, KeyError, BundleError) as error:
            yield SourceError(name, f"cannot be read ({error})")
            return
        with stream:
            records = _csv_records(stream, _COMMENT_ROW_START)
            try:
                header = next(records, None)
                if header is None:
                    return
                if header.fields is None:
                    yield SourceError(f"{name}, line {header.line}", header.error)
                    return
                width = len(header.fields)
                for record in records:
                    where = f"{name}, line {record.line}"
                    if record.fields is None:
                        yield SourceError(where, record.error)
                        continue
                    if width and len(record.fields) != width:
                        yield SourceError(
                            where, f"expected {width} values, found {len(record.fields)}"
                        )
                        continue
                    try:
                        yield build(
                            bundle, record.fields, columns, header.fields, context, channels, media
                        )
                    except SourceError as error:
                        yield SourceError(f"{where}, {error.location}", error.reason)
                    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
                        yield SourceError(where, f"unusable row ({type(error).__name__})")
            except (OSError, EOFError, BundleError) as error:  # a damaged zip member
                yield SourceError(name, f"cannot be read to the end ({error})")

    def _video(self, bundle, row, columns, header, context, channels, media) -> CapturedItem:
        video_id = _required(row, columns, "id", header)
        title = safe_text(_cell(row, columns, "title"))
        when = _cell(row, columns, "published") or _cell(row, columns, "created")
        key = _column_name(
            header, columns, "published" if _cell(row, columns, "published") else "created"
        )
        channel = _cell(row, columns, "channel")
        files = ()
        local = media.get(_title_key(title)) if title else None
        if local:
            suffix = "." + local.rsplit(".", 1)[-1].lower()
            files = (
                CapturedMedia(
                    path=str(bundle.local_path(local)),
                    mime_type=VIDEO_MIME.get(suffix, "video/mp4"),
                    url=WATCH_URL + video_id,
                ),
            )
        language = _cell(row, columns, "language")
        return CapturedItem(
            platform_id=video_id,
            kind=Kind.VIDEO,
            text=safe_text(_cell(row, columns, "description")),
            created_at=parse_time(when, key),
            captured_at=context.captured_at,
            raw=_row_json(header, row),
            author_id=channel,
            author_name=channels.get(channel, ""),
            author_is_organisation=True,
            title=title,
            language=language if len(language) <= 16 else "",
            permalink=WATCH_URL + video_id,
            hidden=_cell(row, columns, "privacy").lower() == "private",
            media=files,
        )

    def _comment(self, bundle, row, columns, header, context, channels, media) -> CapturedItem:
        comment_id = _required(row, columns, "id", header)
        video_id = _cell(row, columns, "video")
        parent = _cell(row, columns, "parent") or _cell(row, columns, "top")
        if parent == comment_id:
            parent = ""
        channel = _cell(row, columns, "channel")
        return CapturedItem(
            platform_id=comment_id,
            kind=Kind.REPLY if parent else Kind.COMMENT,
            text=takeout_comment_text(_cell(row, columns, "text")),
            created_at=parse_time(
                _cell(row, columns, "time"), _column_name(header, columns, "time")
            ),
            captured_at=context.captured_at,
            raw=_row_json(header, row),
            author_id=channel,
            author_name=channels.get(channel, ""),
            author_is_organisation=True,
            parent_id=parent or video_id,
            thread_id=video_id,
            permalink=f"{WATCH_URL}{video_id}&lc={comment_id}" if video_id else "",
        )

    def _live_chat(self, bundle, row, columns, header, context, channels, media):
        chat_id = _required(row, columns, "id", header)
        video_id = _cell(row, columns, "video")
        channel = _cell(row, columns, "channel")
        return CapturedItem(
            platform_id=chat_id,
            kind=Kind.COMMENT,
            text=takeout_comment_text(_cell(row, columns, "text")),
            created_at=parse_time(
                _cell(row, columns, "time"), _column_name(header, columns, "time")
            ),
            captured_at=context.captured_at,
            raw=_row_json(header, row),
            author_id=channel,
            author_name=channels.get(channel, ""),
            author_is_organisation=True,
            parent_id=video_id,
            thread_id=video_id,
            permalink=WATCH_URL + video_id if video_id else "",
        )


def _cell(row: list[str], columns: dict, role: str) -> str:
    index = columns.get(role)
    return row[index].strip() if index is not None and index < len(row) else ""


def _column_name(header: list[str], columns: dict, role: str) -> str:
    index = columns.get(role)
    if index is None or index >= len(header):
        return role
    return header[index].strip().lstrip("\ufeff") or role


def _required(row: list[str], columns: dict, role: str, header: list[str]) -> str:
    value = _cell(row, columns, role)
    if not value:
        raise SourceError(_column_name(header, columns, role), "missing")
    if len(value) > 200:
        raise SourceError(_column_name(header, columns, role), "longer than 200 characters")
    return value


def _row_json(header: list[str], row: list[str]) -> str:
    keys = [h.lstrip("\ufeff") for h in header]
    return orjson.dumps(dict(zip(keys, row, strict=False))).decode()


def _title_key(title: str) -> str:
    """Takeout names a video file after its title, with characters such as ':' replaced:
    compare titles and file names by their letters and digits only."""
    return _NOT_WORD.sub("", title.lower())


def takeout_comment_text(value: str) -> str:
    """The text of a Takeout "Comment Text" value.

    Takeout writes a comment as JSON segments: before mid-2024 one object
    `{"takeoutSegments":[{"text":"…"}]}`, since then a bare comma-separated sequence
    `{"text":"…"},{"text":"@x","mention":{…}}`. Newlines inside the strings are raw, and
    some files hold quotes that were never escaped; those are read as well as they can be.
    """
    stripped = value.strip()
    if not stripped.startswith("{"):
        return safe_text(stripped)
    try:
        parsed = _LENIENT_JSON.decode(f"[{stripped}]")
    except ValueError:
        pieces = [_unescape(p) for p in _TEXT_PIECE.findall(stripped)]
        return safe_text("".join(pieces) if pieces else stripped)
    segments: list = []
    for element in parsed:
        if isinstance(element, dict) and isinstance(element.get("takeoutSegments"), list):
            segments.extend(element["takeoutSegments"])
        else:
            segments.append(element)
    texts = [s["text"] for s in segments if isinstance(s, dict) and isinstance(s.get("text"), str)]
    return safe_text("".join(texts))


def _unescape(piece: str) -> str:
    try:
        return _LENIENT_JSON.decode(f'"{piece}"')
    except ValueError:
        return piece


# YouTube Data API v3 pages.

_API_KINDS = (
    b"youtube#commentThreadListResponse",
    b"youtube#commentListResponse",
    b"youtube#videoListResponse",
    b"youtube#commentThread",
    b"youtube#comment",
    b"youtube#video",
)
_API_KIND = re.compile(rb'"kind"\s*:\s*"(youtube#(?:commentThread|comment|video)\w*)"')


def items_from_api_page(obj: dict, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """The items of one fetched page (a commentThreads, comments or videos list response) or
    of one resource; each bad resource becomes a SourceError naming it, and the rest go on."""
    if not isinstance(obj, dict):
        yield SourceError("page", "expected a JSON object")
        return
    if "items" in obj:
        entries = obj["items"]
        if not isinstance(entries, list):
            yield SourceError("items", "expected a list")
            return
        for index, entry in enumerate(entries):
            yield from _api_resource(entry, context, f"items[{index}]")
    else:
        yield from _api_resource(obj, context, "resource")


def _api_resource(entry, context: ReadContext, where: str) -> Iterator[CapturedItem | SourceError]:
    if not isinstance(entry, dict):
        yield SourceError(where, "expected an object")
        return
    try:
        kind = entry.get("kind")
        snippet = entry.get("snippet")
        if not isinstance(snippet, dict):
            raise SourceError("snippet", "missing or not an object")
        if kind == "youtube#commentThread" or (kind is None and "topLevelComment" in snippet):
            yield from _api_thread(entry, snippet, context, where)
        elif kind == "youtube#comment" or (kind is None and "textOriginal" in snippet):
            yield _api_comment(entry, entry, context, thread_video="", thread_channel="")
        elif kind == "youtube#video" or (kind is None and "title" in snippet):
            yield _api_video(entry, snippet, context)
        else:
            raise SourceError("kind", f"not a comment thread, comment or video: {kind!r}"[:120])
    except SourceError as error:
        yield SourceError(f"{where}, {error.location}", error.reason)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        yield SourceError(where, f"unusable resource ({type(error).__name__})")


def _api_thread(entry: dict, snippet: dict, context: ReadContext, where: str):
    top = snippet.get("topLevelComment")
    if not isinstance(top, dict):
        raise SourceError("snippet.topLevelComment", "missing or not an object")
    video = _api_text(snippet, "videoId")
    channel = _api_text(snippet, "channelId")
    thread_raw = {k: v for k, v in entry.items() if k != "replies"}
    hidden = snippet.get("isPublic") is False
    yield _api_comment(top, thread_raw, context, video, channel, hidden=hidden)
    replies = entry.get("replies")
    if replies is None:
        return
    comments = replies.get("comments") if isinstance(replies, dict) else None
    if not isinstance(comments, list):
        yield SourceError(f"{where}, replies.comments", "expected a list")
        return
    for index, reply in enumerate(comments):
        try:
            if not isinstance(reply, dict):
                raise SourceError("", "expected an object")
            yield _api_comment(
                reply, reply, context, video, channel, default_parent=_api_text(top, "id")
            )
        except SourceError as error:
            location = ", ".join(filter(None, [f"replies.comments[{index}]", error.location]))
            yield SourceError(f"{where}, {location}", error.reason)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            yield SourceError(
                f"{where}, replies.comments[{index}]", f"unusable ({type(error).__name__})"
            )


def _api_comment(
    comment: dict,
    raw: dict,
    context: ReadContext,
    thread_video: str,
    thread_channel: str,
    *,
    hidden: bool = False,
    default_parent: str = "",
) -> CapturedItem:
    snippet = comment.get("snippet")
    if not isinstance(snippet, dict):
        raise SourceError("snippet", "missing or not an object")
    comment_id = _api_text(comment, "id", required=True)
    video = _api_text(snippet, "videoId") or thread_video
    channel = _api_text(snippet, "channelId") or thread_channel
    parent = _api_text(snippet, "parentId") or default_parent
    author = snippet.get("authorChannelId")
    author_id = _api_text(author, "value") if isinstance(author, dict) else ""
    name = _api_text(snippet, "authorDisplayName")
    url = _api_text(snippet, "authorChannelUrl")
    # textOriginal is returned only to those allowed to see it (the author, the channel);
    # otherwise textDisplay, which is HTML.
    text = _api_text(snippet, "textOriginal", limit=1_000_000)
    if not text:
        text = html_to_text(_api_text(snippet, "textDisplay", limit=1_000_000))
    created = parse_time(snippet.get("publishedAt"), "snippet.publishedAt")
    updated = snippet.get("updatedAt")
    edited = parse_time(updated, "snippet.updatedAt") if updated else None
    moderation = _api_text(snippet, "moderationStatus")
    own = context.is_own(author_id, name, url) or bool(author_id and author_id == channel)
    return CapturedItem(
        platform_id=comment_id,
        kind=Kind.REPLY if parent else Kind.COMMENT,
        text=safe_text(text),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(raw).decode(),
        author_id=author_id,
        author_name=safe_text(name),
        author_handle=name if name.startswith("@") else "",
        author_is_organisation=own,
        parent_id=parent or video,
        thread_id=video,
        edited_at=edited if edited and edited > created else None,
        permalink=f"{WATCH_URL}{video}&lc={comment_id}" if video else "",
        hidden=hidden or moderation in ("heldForReview", "likelySpam", "rejected"),
    )


def _api_video(entry: dict, snippet: dict, context: ReadContext) -> CapturedItem:
    video_id = entry.get("id")
    if isinstance(video_id, dict):  # search results: {"kind": "youtube#video", "videoId": …}
        video_id = video_id.get("videoId")
    if not isinstance(video_id, str) or not video_id:
        raise SourceError("id", "missing")
    channel = _api_text(snippet, "channelId")
    channel_title = _api_text(snippet, "channelTitle")
    status = entry.get("status")
    privacy = status.get("privacyStatus") if isinstance(status, dict) else None
    language = _api_text(snippet, "defaultLanguage") or _api_text(snippet, "defaultAudioLanguage")
    return CapturedItem(
        platform_id=video_id,
        kind=Kind.VIDEO,
        text=safe_text(_api_text(snippet, "description", limit=1_000_000)),
        created_at=parse_time(snippet.get("publishedAt"), "snippet.publishedAt"),
        captured_at=context.captured_at,
        raw=orjson.dumps(entry).decode(),
        author_id=channel,
        author_name=safe_text(channel_title),
        author_is_organisation=context.is_own(channel, channel_title),
        title=safe_text(_api_text(snippet, "title", limit=10_000)),
        language=language if len(language) <= 16 else "",
        permalink=WATCH_URL + video_id,
        hidden=privacy == "private",
    )


def _api_text(obj, key: str, *, required: bool = False, limit: int = 2000) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    return fields.text_of(value, key, required=required, limit=limit)


@register
class ApiReader(Reader):
    platform = PLATFORM
    name = "youtube-api"
    label = "saved YouTube Data API pages"
    label_in_sentence = "saved YouTube Data API pages"
    expects = (
        "saved YouTube Data API responses (commentThreads, comments or videos lists), or "
        "a bare JSON list of their items"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            pages = [n for n in bundle.find("*.json") if self._is_page(bundle, n)]
        except (BundleError, OSError, KeyError, ValueError):
            return None
        if not pages:
            return None
        count = len(pages)
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"YouTube Data API pages ({count:,} file{'s' if count != 1 else ''})",
            details={"pages": sorted(pages)},
        )

    @staticmethod
    def _is_page(bundle: Bundle, name: str) -> bool:
        """A saved response (an object), or a bare JSON list of its items, as harvesters
        write them after collecting every page's `items` into one file."""
        head = bundle.head(name, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"{"):
            return any(kind in head for kind in _API_KINDS)
        return head.startswith(b"[") and (
            any(kind in head for kind in _API_KINDS[3:]) or b'"topLevelComment"' in head
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        for name in found.details.get("pages", []):
            yield from self._page(bundle, name, context)

    def _page(self, bundle: Bundle, name: str, context: ReadContext):
        try:
            # A saved page is small: read it once and parse it with orjson, which is several
            # times faster than streaming; a large file (a harvester's collection) streams.
            if bundle.size(name) <= WHOLE_PAGE_BYTES:
                data = bundle.read_bytes(name, WHOLE_PAGE_BYTES)
                try:
                    obj = orjson.loads(data)
                except orjson.JSONDecodeError:
                    obj = None  # the streaming reader below says where it breaks
                if isinstance(obj, list):
                    for index, entry in enumerate(obj):
                        for value in _api_resource(entry, context, f"item[{index}]"):
                            yield _named(name, value)
                    return
                if isinstance(obj, dict):
                    for value in items_from_api_page(obj, context):
                        yield _named(name, value)
                    return
            head = bundle.head(name, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
            bare = head.startswith(b"[")
            if bare or b'"items"' in head or b"ListResponse" in head:
                prefix, label = ("item", "item") if bare else ("items.item", "items")
                with bundle.open(name) as stream:
                    index = 0
                    try:
                        for index, entry in enumerate(formats.json_array_items(stream, prefix)):
                            for value in _api_resource(entry, context, f"{label}[{index}]"):
                                yield _named(name, value)
                    except SourceError as error:
                        yield SourceError(f"{name}, {error.location}", error.reason)
                return
            data = bundle.read_bytes(name, MAX_PAGE_BYTES)
        except (OSError, KeyError, BundleError, EOFError) as error:
            yield SourceError(name, f"cannot be read ({error})")
            return
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            yield SourceError(name, f"not valid JSON ({str(error)[:160]})")
            return
        for value in items_from_api_page(obj, context):
            yield _named(name, value)


def _named(name: str, value: CapturedItem | SourceError) -> CapturedItem | SourceError:
    if isinstance(value, SourceError):
        return SourceError(f"{name}, {value.location}", value.reason)
    return value


READERS = module_readers(__name__)
