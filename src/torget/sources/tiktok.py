"""TikTok: the account's data export, `user_data_tiktok.json` (JSON format), zipped or not.

The export holds what the account itself did: its videos, its recently deleted videos, the
comments it wrote elsewhere and its direct messages. It does not hold other people's comments
on the account's videos: for an organisation those come through the API.

Section names and key case change between export versions ("Activity" / "Your Activity",
"Date" / "date"), so sections are found by the shape of their path, not by one fixed path,
and keys are read case-insensitively. The file is streamed with ijson: once for the profile's
user name (when detection could not read it), once for everything else.

Current exports (2025) name the sections "Post > Posts > VideoList", "Post > Recently
Deleted Posts > PostList", "Direct Message > Direct Messages > ChatHistory" (and group chats
under "Group Chat > GroupChat"), and give a video's Link as a signed CDN address or a photo
post's address: a post's id is the number in /video/<id> or /photo/<id>, an id parameter or
a long number in the path, and otherwise "post:<its time in UTC>", the same in every export.

Times are "YYYY-MM-DD HH:MM:SS", without a zone or with " UTC": UTC either way.
"""

import hashlib
import itertools
import re
import urllib.parse
from collections.abc import Iterator

import ijson
import orjson

from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle
from .clean import safe_text
from .formats import Found, ReadContext, Reader, module_readers, normalise_account, register
from .times import parse_time

__all__ = ["READERS", "TikTokExportReader"]

EXPORT_PATTERNS = ("*user_data_tiktok.json", "*user_data.json")
# The user name is looked for at detection only in a file this small; otherwise when reading.
DETECT_SCAN_BYTES = 32 * 1024**2
_SECTION_MARKERS = (
    b'"Tiktok Live"',
    b'"TikTok Live"',
    b'"Direct Messages"',
    b'"Direct Message"',
    b'"ProfileMap"',
    b'"Profile And Settings"',
)
# A post's own address names its id: /video/<id> or, for photo posts, /photo/<id>.
_VIDEO_ID = re.compile(r"/(?:video|photo)/(\d{6,})")
_LONG_NUMBER = re.compile(r"(\d{15,})")
_ID_PARAMETERS = ("item_id", "itemid", "aweme_id", "video_id", "share_item_id")
_CHAT = re.compile(r"\.chat ?history\.chat history with (.+?):?$", re.IGNORECASE)
_GROUP_CHAT = re.compile(r"\.group ?chat\.group ?chat\.(.+)$", re.IGNORECASE)
_DELETION_KEYS = ("deleteddate", "deletedate", "deleted date", "deletiondate", "deletedtime")
_STARTS = ("start_map", "start_array")
_ENDS = ("end_map", "end_array")


def _section(prefix: str) -> str:
    """Which list a JSON path leads to: "videos", "deleted", "comments", "messages" or ""."""
    if _CHAT.search(prefix) or _GROUP_CHAT.search(prefix):
        return "messages"
    parts = [re.sub(r"[\s_]", "", part) for part in prefix.lower().split(".")]
    if len(parts) < 2:
        return ""
    parent, last = parts[-2], parts[-1]
    if last in ("videolist", "postlist") and "deleted" in parent:
        return "deleted"
    # "Video Browsing History.VideoList" is what the account watched, not what it posted.
    if parent in ("videos", "posts") and last == "videolist":
        return "videos"
    if parent == "comments" and last in ("commentslist", "commentlist"):
        return "comments"
    return ""


def _lists(stream) -> Iterator[tuple[str, str, int, object]]:
    """(section, path, index, element) for each element of the lists Torget reads, in the
    file's order, one element in memory at a time."""
    events = ijson.parse(stream, use_float=True)
    for prefix, event, _value in events:
        if event != "start_array":
            continue
        section = _section(prefix)
        if not section:
            continue
        numbers = itertools.count()
        for current, event, value in events:
            if current == prefix and event == "end_array":
                break
            if event in _STARTS:
                builder = ijson.common.ObjectBuilder()
                depth = 1
                while depth:
                    builder.event(event, value)
                    current, event, value = next(events)
                    if event in _STARTS:
                        depth += 1
                    elif event in _ENDS:
                        depth -= 1
                yield section, prefix, next(numbers), builder.value
            else:
                yield section, prefix, next(numbers), value


def _user_name(stream) -> str:
    """Profile > Profile Information > ProfileMap > userName, stopping as soon as it is read."""
    for prefix, event, value in ijson.parse(stream):
        if event == "string" and re.sub(r"\s", "", prefix.lower()).endswith("profilemap.username"):
            return value.strip()
    return ""


def _scan(call, stream, default):
    try:
        return call(stream)
    except (ijson.common.JSONError, UnicodeDecodeError, ValueError):
        return default


@register
class TikTokExportReader(Reader):
    platform = "tiktok"
    name = "tiktok-export"
    label = "TikTok export"
    label_in_sentence = "a TikTok export"
    expects = "TikTok's data download in JSON: user_data_tiktok.json (or user_data.json)"

    def _file(self, bundle: Bundle) -> str | None:
        name = bundle.first(*EXPORT_PATTERNS)
        if name is not None:
            return name
        for candidate in bundle.names():
            if candidate.lower().endswith(".json"):
                head = bundle.head(candidate, 16 * 1024)
                if head.lstrip().startswith(b"{") and sum(m in head for m in _SECTION_MARKERS):
                    return candidate
        return None

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            name = self._file(bundle)
            if name is None or not bundle.head(name, 64).lstrip().startswith(b"{"):
                return None
            user = ""
            if bundle.size(name) <= DETECT_SCAN_BYTES:
                with bundle.open(name) as stream:
                    user = _scan(_user_name, stream, "")
        except (OSError, KeyError, ValueError):
            return None
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"TikTok export of @{user}" if user else "TikTok export",
            account=f"@{user}" if user else "",
            account_ids=frozenset({user} if user else ()),
            details={"file": name, "user": user, "user_read": bool(user)},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        name = found.details.get("file") or self._file(bundle)
        if name is None:
            yield SourceError(bundle.label, "no user_data_tiktok.json found")
            return
        user = found.details.get("user", "")
        try:
            if not user:
                with bundle.open(name) as stream:
                    user = _scan(_user_name, stream, "")
            with bundle.open(name) as stream:
                for section, prefix, index, element in _lists(stream):
                    where = f"{name}, {_short(prefix)}, item {index}"
                    if not isinstance(element, dict):
                        yield SourceError(
                            where, f"expected an object, found {type(element).__name__}"
                        )
                        continue
                    try:
                        yield _item(section, prefix, element, user, context)
                    except SourceError as error:
                        yield SourceError(f"{where}, {error.location}", error.reason)
                    except (KeyError, TypeError, ValueError, AttributeError) as error:
                        yield SourceError(where, f"unreadable ({error})")
        except ijson.common.IncompleteJSONError as error:
            yield SourceError(name, f"the file is cut short or malformed ({_first_line(error)})")
        except ijson.common.JSONError as error:
            yield SourceError(name, f"not valid JSON ({_first_line(error)})")
        except UnicodeDecodeError as error:
            yield SourceError(name, f"not UTF-8 text (byte {error.start})")
        except OSError as error:
            yield SourceError(name, f"cannot be read ({error})")


def _short(prefix: str) -> str:
    return prefix.replace(".", " > ")[:200]


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


def _fields(element: dict) -> dict:
    return {str(k).strip().lower(): v for k, v in element.items()}


def _string(fields: dict, *keys: str) -> str:
    for key in keys:
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise SourceError(key, f"expected text, found {type(value).__name__}")
        value = value.strip()
        if value and value.upper() != "N/A":
            return safe_text(value)
    return ""


def post_id_of(link: str) -> str:
    """A post's id from its Link: the number in /video/<id> or /photo/<id> (a photo post),
    an id parameter, or a long number in the path. Current exports often give a signed CDN
    address instead (https://v16m.tiktokcdn.com/<signature>/<expiry>/video/tos/...?...),
    which names no post: then "" and the caller derives an id from the post's time, which
    is the same in every export."""
    match = _VIDEO_ID.search(link)
    if match:
        return match.group(1)
    parts = urllib.parse.urlsplit(link)
    query = urllib.parse.parse_qs(parts.query)
    for key in _ID_PARAMETERS:
        value = (query.get(key) or [""])[0]
        if value.isdecimal() and len(value) >= 6:
            return value
    match = _LONG_NUMBER.search(parts.path)
    return match.group(1) if match else ""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:24]


def _item(section: str, prefix: str, element: dict, user: str, context: ReadContext):
    fields = _fields(element)
    raw = orjson.dumps(element).decode()
    date = _string(fields, "date")
    created = parse_time(date, "Date")
    handle = f"@{user}" if user else ""
    if section in ("videos", "deleted"):
        link = _string(fields, "link", "videolink", "url")
        post_id = post_id_of(link) or f"post:{created.strftime('%Y%m%dT%H%M%SZ')}"
        deleted = None
        if section == "deleted":
            when = next((fields[k] for k in _DELETION_KEYS if fields.get(k)), None)
            # The export says only that the video is among the recently deleted, not when it
            # was deleted: it is then known to be gone when this capture was made.
            deleted = parse_time(when, "DeletedDate") if when else context.captured_at
        return CapturedItem(
            platform_id=post_id,
            kind=Kind.VIDEO,
            text=_string(fields, "title", "desc", "description"),
            created_at=created,
            captured_at=context.captured_at,
            raw=raw,
            author_name=user,
            author_handle=handle,
            author_is_organisation=True,
            # A signed CDN address expires within hours: it is kept in the raw payload only.
            permalink=link if post_id.isdecimal() else "",
            deleted_at=deleted,
        )
    if section == "comments":
        text = _string(fields, "comment")
        photo = _string(fields, "photo")
        url = _string(fields, "url", "originalposturl", "original post link", "video")
        video = _VIDEO_ID.search(url)
        return CapturedItem(
            # The export gives comments no id: one is made from when and what was written.
            platform_id=f"comment:{_digest(date, text)}",
            kind=Kind.COMMENT,
            text=text,
            created_at=created,
            captured_at=context.captured_at,
            raw=raw,
            author_name=user,
            author_handle=handle,
            author_is_organisation=True,
            parent_id=video.group(1) if video else "",
            permalink=url if url.startswith("http") else "",
            media=(CapturedMedia(url=photo),) if photo.startswith("http") else (),
        )
    match = _CHAT.search(prefix) or _GROUP_CHAT.search(prefix)
    partner = match.group(1).strip().rstrip(":") if match else ""
    sender = _string(fields, "from")
    text = _string(fields, "content")
    own = bool(sender) and (
        (user and normalise_account(sender) == normalise_account(user)) or context.is_own(sender)
    )
    return CapturedItem(
        platform_id=f"message:{_digest(partner, date, sender, text)}",
        kind=Kind.MESSAGE,
        text=text,
        created_at=created,
        captured_at=context.captured_at,
        raw=raw,
        author_name=sender,
        author_handle=f"@{sender}" if sender else "",
        author_is_organisation=bool(own),
        thread_id=f"chat:{partner}" if partner else "",
    )


READERS = module_readers(__name__)
