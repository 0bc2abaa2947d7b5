"""X (Twitter): the account archive, and saved API pages (v2, and v1.1 statuses lists).

The archive ("Download an archive of your data") is a zip of JavaScript files, each one array
assigned to a global (`window.YTD.tweets.part0 = [...]`), plus `data/manifest.js` naming the
account and counting every file. Everything in `tweets.js` and `deleted-tweets.js` is the
account's own, so drawn up; direct messages are own when the account sent them.

Two things need the whole archive before the first item can be right, and are learnt in a
cheap first pass that keeps only numbers: the root of each reply thread (the archive has no
conversation id and lists newest first, so a reply comes before its parent), and which
version of an edited post is the latest one present (docs/platforms/x.md, "Edits").
"""

import bisect
import datetime
import html
import mimetypes
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

import orjson

from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle, BundleError
from .clean import safe_text
from .fields import dict_at, id_at, list_at, str_at, within
from .formats import Found, ReadContext, Reader, json_array_items, module_readers, register
from .times import parse_time

__all__ = [
    "READERS",
    "ApiV1Reader",
    "ApiV2Reader",
    "ArchiveReader",
    "items_from_v1_statuses",
    "items_from_v2_page",
    "snowflake_time",
]

PLATFORM = "x"
# Tweet ids since November 2010 are "snowflakes": milliseconds since this instant, shifted
# left 22 bits. Smaller ids are the older sequential ones, which carry no time.
SNOWFLAKE_EPOCH_MS = 1288834974657
SMALLEST_SNOWFLAKE = 10**14

_TWEET_FILE = re.compile(r"^tweets?(-part\d+)?\.js$", re.IGNORECASE)
_DELETED_FILE = re.compile(r"^deleted-tweets?(-part\d+)?\.js$", re.IGNORECASE)
_MESSAGE_FILE = re.compile(r"^direct-messages?(-group)?(-part\d+)?\.js$", re.IGNORECASE)
_NOTE_FILE = re.compile(r"^note-tweets?(-part\d+)?\.js$", re.IGNORECASE)
_MEDIA_FOLDERS = (
    "tweets_media",
    "tweet_media",
    "deleted_tweets_media",
    "deleted_tweet_media",
    "direct_messages_media",
    "direct_messages_group_media",
    "direct_message_media",
)
_TWITTER_TIME = re.compile(rb'"created_at"\s*:\s*"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} ')
_V2_MARKERS = (
    b'"edit_history_tweet_ids"',
    b'"author_id"',
    b'"conversation_id"',
    b'"referenced_tweets"',
    b'"newest_id"',
    b'"result_count"',
    b'"media_key"',
    b'"public_metrics"',
)
_PAGE_SUFFIXES = (".json", ".jsonl", ".ndjson")
_LINE_SUFFIXES = (".jsonl", ".ndjson")
MAX_PAGE_BYTES = 64 * 1024**2
_VIDEO_TYPES = {"video", "animated_gif"}

# Errors a damaged file raises while it is read, besides the SourceError of a bad element.
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, BundleError, KeyError, ValueError)
# Errors a damaged element raises while it is turned into an item.
_ITEM_ERRORS = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    OverflowError,
    OSError,  # a media file that cannot be unpacked
)


def snowflake_time(tweet_id: str) -> datetime.datetime | None:
    """When a tweet (or message) with this id was created, to the second; None for old ids."""
    if not tweet_id.isdecimal():
        return None
    number = int(tweet_id)
    if number < SMALLEST_SNOWFLAKE or number >= 2**63:
        return None
    milliseconds = (number >> 22) + SNOWFLAKE_EPOCH_MS
    return datetime.datetime.fromtimestamp(milliseconds // 1000, tz=datetime.UTC)


def _expand_links(text: str, links: Iterable, expanded_key: str = "expanded_url") -> str:
    """t.co short links replaced by the address they stand for (t.co may not last)."""
    for link in links:
        if not isinstance(link, dict):
            continue
        short, long = link.get("url"), link.get(expanded_key)
        if isinstance(short, str) and isinstance(long, str) and short and long:
            text = text.replace(short, long)
    return text


def _tweet_text(text: str, links: Iterable) -> str:
    # X escapes &, < and > in tweet text as HTML entities; the clean text has the characters.
    return safe_text(html.unescape(_expand_links(text, links)))


def _language(obj: dict, key: str = "lang") -> str:
    value = obj.get(key)
    return value[:16] if isinstance(value, str) and value not in ("und", "qme", "zxx") else ""


def _permalink(handle: str, tweet_id: str) -> str:
    name = handle.lstrip("@")
    return f"https://x.com/{name or 'i/web'}/status/{tweet_id}"


def _mime(name: str, default: str = "") -> str:
    return mimetypes.guess_type(name)[0] or default


def _raw(obj: object) -> str:
    return orjson.dumps(obj).decode()


def _as_source_error(location: str, error: Exception) -> SourceError:
    if isinstance(error, SourceError):
        return within(location, error)
    if isinstance(error, KeyError):
        return SourceError(f"{location}, {error.args[0] if error.args else '?'}", "missing")
    return SourceError(location, f"unusable ({type(error).__name__}: {str(error)[:120]})")


# The archive.


@dataclass
class _Account:
    account_id: str = ""
    handle: str = ""  # "@exempla"
    name: str = ""


@dataclass
class _ThreadIndex:
    """Reply -> parent for every reply in the archive, as two sorted arrays of numbers (16
    bytes a reply, so 200,000 replies take 3 MB), and the edit chains (rare) as dicts."""

    children: array = field(default_factory=lambda: array("q"))
    parents: array = field(default_factory=lambda: array("q"))
    initial_of: dict[str, str] = field(default_factory=dict)  # any version id -> first id
    latest_present: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Every version of an edited post the archive holds: first id -> [(position, element)].
    versions: dict[str, list[tuple[int, object]]] = field(default_factory=dict)
    # Long posts (note-tweet.js) by the second they were written: [(text, urls, note)].
    notes: dict[int, list[tuple[str, list, dict]]] = field(default_factory=dict)

    def add_reply(self, child: str, parent: str) -> None:
        if child.isdecimal() and parent.isdecimal() and int(child) < 2**63 and int(parent) < 2**63:
            self.children.append(int(child))
            self.parents.append(int(parent))

    def add_version(self, tweet_id: str, chain: list[str], element: object) -> None:
        initial = chain[0]
        for version in chain:
            self.initial_of[version] = initial
        position = chain.index(tweet_id) if tweet_id in chain else -1
        if position > self.latest_present.get(initial, (-2, ""))[0]:
            self.latest_present[initial] = (position, tweet_id)
        present = self.versions.setdefault(initial, [])
        if all(
            _unwrap(e, "tweet").get("id_str") != tweet_id for _, e in present
        ):  # the same version twice (tweets.js and a part file) counts once
            present.append((position, element))
            present.sort(key=lambda pair: pair[0])

    def note_for(self, tweet: dict, created_at: datetime.datetime) -> tuple[str, list, dict] | None:
        """The long post (note tweet) this post was cut from: written in the same second,
        and its text begins as the post's does."""
        second = int(created_at.timestamp())
        candidates = [n for s in (second, second - 1, second + 1) for n in self.notes.get(s, [])]
        if not candidates:
            return None
        cut = html.unescape(str_at(tweet, "full_text") or str_at(tweet, "text"))
        cut = re.sub(r"(\s*https://t\.co/\w+)+\s*$", "", cut).rstrip("…").strip()[:40]
        matching = [n for n in candidates if n[0].startswith(cut)] if cut else []
        if len(matching) == 1:
            return matching[0]
        return candidates[0] if len(candidates) == 1 and not cut else None

    def seal(self) -> None:
        order = sorted(range(len(self.children)), key=self.children.__getitem__)
        self.children = array("q", (self.children[i] for i in order))
        self.parents = array("q", (self.parents[i] for i in order))

    def parent_of(self, number: int) -> int | None:
        at = bisect.bisect_left(self.children, number)
        if at < len(self.children) and self.children[at] == number:
            return self.parents[at]
        return None

    def root(self, parent: str) -> str:
        """The first post of the thread a reply to `parent` belongs to, as far as the archive
        knows: follow the replies up until one whose parent the archive does not hold."""
        if not parent.isdecimal() or int(parent) >= 2**63:
            return parent
        current, steps = int(parent), 0
        while (above := self.parent_of(current)) is not None and steps < 10_000:
            current, steps = above, steps + 1
        return self.canonical(str(current))

    def canonical(self, tweet_id: str) -> str:
        """The id a post is archived under: an edited post's first id."""
        return self.initial_of.get(tweet_id, tweet_id)


def _edit_chain(tweet: dict) -> list[str]:
    """The ids of every version of this post, first to last; [] when it was never edited."""
    info = tweet.get("edit_info")
    if not isinstance(info, dict):
        return []
    initial = info.get("initial")
    if isinstance(initial, dict):
        ids = initial.get("editTweetIds")
    else:
        edit = info.get("edit")
        control = edit.get("editControlInitial") if isinstance(edit, dict) else None
        ids = control.get("editTweetIds") if isinstance(control, dict) else None
        if not ids and isinstance(edit, dict) and isinstance(edit.get("initialTweetId"), str):
            ids = [edit["initialTweetId"], tweet.get("id_str")]
    if not isinstance(ids, list) or len(ids) < 2:
        return []
    return [str(i) for i in ids if isinstance(i, str | int) and not isinstance(i, bool)]


def _js_elements(bundle: Bundle, name: str) -> Iterator[tuple[int, object]]:
    """(position from 1, element) of one `window.YTD.x.part0 = [...]` file; a file that cannot
    be read or is cut short ends with (0, SourceError naming the file)."""
    try:
        with bundle.open(name) as stream:
            yield from enumerate(json_array_items(stream, "item", after=b"="), 1)
    except SourceError as error:
        yield 0, SourceError(name, error.reason)
    except _READ_ERRORS as error:
        yield 0, SourceError(name, f"cannot be read ({type(error).__name__}: {error})")


def _unwrap(element: object, key: str) -> dict:
    if not isinstance(element, dict):
        raise SourceError("item", f"expected an object, found {type(element).__name__}")
    inner = element.get(key, element)
    if not isinstance(inner, dict):
        raise SourceError(key, f"expected an object, found {type(inner).__name__}")
    return inner


def _archive_files(bundle: Bundle) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {"tweets": [], "deleted": [], "messages": [], "notes": []}
    for name in bundle.names():
        base = posixpath.basename(name)
        if _TWEET_FILE.match(base):
            files["tweets"].append(name)
        elif _NOTE_FILE.match(base):
            files["notes"].append(name)
        elif _DELETED_FILE.match(base):
            files["deleted"].append(name)
        elif _MESSAGE_FILE.match(base):
            files["messages"].append(name)
    for names in files.values():
        names.sort(key=_part_order)
    return files


def _part_order(name: str) -> tuple:
    number = re.search(r"part(\d+)\.js$", name, re.IGNORECASE)
    return (name.count("/"), posixpath.dirname(name), int(number.group(1)) if number else 0)


def _js_object(data: bytes) -> dict:
    """The object of `window.__THAR_CONFIG = {...}` (manifest.js)."""
    start = data.find(b"{")
    if start < 0:
        raise SourceError("manifest.js", "no object found")
    value = orjson.loads(data[start:].rstrip().rstrip(b";"))
    if not isinstance(value, dict):
        raise SourceError("manifest.js", "expected an object")
    return value


def _manifest_count(data_types: dict, *keys: str) -> int | None:
    for key in keys:
        entry = data_types.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("files"), list):
            total = 0
            for file in entry["files"]:
                count = file.get("count") if isinstance(file, dict) else None
                if isinstance(count, str) and count.isdecimal():
                    total += int(count)
                elif isinstance(count, int) and not isinstance(count, bool):
                    total += count
            return total
    return None


@register
class ArchiveReader(Reader):
    platform = PLATFORM
    name = "x-archive"
    label = "X archive"
    label_in_sentence = "an X archive"
    expects = (
        "the zip X sends (or its folder) with data/manifest.js and data/tweets.js, or "
        "tweets.js alone"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            return self._detect(bundle)
        except (SourceError, orjson.JSONDecodeError, *_READ_ERRORS):
            return None

    def _detect(self, bundle: Bundle) -> Found | None:
        files = _archive_files(bundle)
        manifest_name = bundle.first("*manifest.js")
        manifest: dict = {}
        if manifest_name and b"__THAR_CONFIG" in bundle.head(manifest_name, 512):
            try:
                manifest = _js_object(bundle.read_bytes(manifest_name, limit=8 * 1024**2))
            except (SourceError, orjson.JSONDecodeError, BundleError):
                manifest = {}
        elif not files["tweets"] or b"window.YTD.tweet" not in bundle.head(files["tweets"][0]):
            return None
        if not manifest and not any(files[k] for k in ("tweets", "deleted", "messages")):
            return None
        account = self._account(bundle, manifest)
        counts: dict[str, int] = {}
        types = manifest.get("dataTypes") if isinstance(manifest.get("dataTypes"), dict) else {}
        for label, keys in (
            ("posts", ("tweets", "tweet")),
            ("deleted posts", ("deletedTweets", "deletedTweet")),
        ):
            count = _manifest_count(types, *keys)
            if count:
                counts[label] = count
        conversations = (_manifest_count(types, "directMessages") or 0) + (
            _manifest_count(types, "directMessagesGroup") or 0
        )
        if conversations:
            counts["conversations"] = conversations
        total = counts.get("posts", 0) + counts.get("deleted posts", 0) if types else None
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"X archive of {account.handle}" if account.handle else "X archive",
            account=account.handle,
            account_ids=frozenset(filter(None, {account.account_id, account.name})),
            counts=counts,
            total=total or None,
            details={
                "files": files,
                "account_id": account.account_id,
                "handle": account.handle,
                "name": account.name,
            },
        )

    def _account(self, bundle: Bundle, manifest: dict) -> _Account:
        info = manifest.get("userInfo")
        if isinstance(info, dict) and isinstance(info.get("userName"), str):
            return _Account(
                account_id=str(info.get("accountId") or ""),
                handle="@" + info["userName"],
                name=str(info.get("displayName") or ""),
            )
        name = bundle.first("*data/account.js", "account.js")
        if name and bundle.size(name) < 1024**2:
            for _, element in _js_elements(bundle, name):
                if isinstance(element, dict) and isinstance(element.get("account"), dict):
                    account = element["account"]
                    return _Account(
                        account_id=str(account.get("accountId") or ""),
                        handle="@" + str(account.get("username") or "").lstrip("@"),
                        name=str(account.get("accountDisplayName") or ""),
                    )
        return _Account()

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        files = found.details.get("files") or _archive_files(bundle)
        account = _Account(
            account_id=found.details.get("account_id", ""),
            handle=found.details.get("handle", ""),
            name=found.details.get("name", ""),
        )
        media = _media_index(bundle)
        index = _build_index(bundle, files["tweets"] + files["deleted"], files.get("notes", []))
        for name, deleted in [(n, False) for n in files["tweets"]] + [
            (n, True) for n in files["deleted"]
        ]:
            for position, element in _js_elements(bundle, name):
                if isinstance(element, SourceError):
                    yield element
                    continue
                where = f"{name}, item {position}"
                try:
                    tweet = _unwrap(element, "tweet")
                    chain = _edit_chain(tweet)
                    if chain:
                        latest = index.latest_present.get(chain[0], (0, ""))[1]
                        if latest != id_at(tweet, "id_str", "id"):
                            continue  # an earlier version: read with the latest, in order
                    versions = [e for _, e in index.versions.get(chain[0], [])] if chain else []
                    items = [
                        _archive_tweet(
                            version, account, index, media, bundle, context, deleted=deleted
                        )
                        for version in versions or [element]
                    ]
                except _ITEM_ERRORS as error:
                    yield _as_source_error(where, error)
                    continue
                yield from items
        for name in files["messages"]:
            yield from _archive_messages(bundle, name, account, media, context)


def _build_index(bundle: Bundle, names: list[str], notes: list[str] = ()) -> _ThreadIndex:
    """The first pass: reply links, edit chains and long posts. Damage is ignored here; the
    second pass, which reads the same elements, reports it."""
    index = _ThreadIndex()
    for name in notes:
        for _, element in _js_elements(bundle, name):
            note = element.get("noteTweet") if isinstance(element, dict) else None
            core = note.get("core") if isinstance(note, dict) else None
            if not isinstance(core, dict) or not isinstance(core.get("text"), str):
                continue
            try:
                written = parse_time(note.get("createdAt"), "createdAt")
            except SourceError:
                continue
            urls = core.get("urls") if isinstance(core.get("urls"), list) else []
            entry = (html.unescape(core["text"]), urls, note)
            index.notes.setdefault(int(written.timestamp()), []).append(entry)
    for name in names:
        for _, element in _js_elements(bundle, name):
            tweet = element.get("tweet") if isinstance(element, dict) else None
            if not isinstance(tweet, dict):
                continue
            tweet_id = tweet.get("id_str") or tweet.get("id")
            if not isinstance(tweet_id, str):
                continue
            parent = tweet.get("in_reply_to_status_id_str")
            if isinstance(parent, str) and parent:
                index.add_reply(tweet_id, parent)
            chain = _edit_chain(tweet)
            if chain:
                index.add_version(tweet_id, chain, element)
    index.seal()
    return index


def _media_index(bundle: Bundle) -> dict[str, list[str]]:
    """Media files of posts and messages by the id their name starts with
    (`data/tweets_media/1576984565356167168-FeDxFZpXoAE0t7l.jpg`)."""
    found: dict[str, list[str]] = {}
    for name in bundle.names():
        folder = posixpath.basename(posixpath.dirname(name))
        if folder in _MEDIA_FOLDERS:
            owner = posixpath.basename(name).split("-", 1)[0]
            if owner.isdecimal():
                found.setdefault(owner, []).append(name)
    return found


def _media_from_files(
    bundle: Bundle, names: list[str], urls: list[tuple[str, str]]
) -> tuple[CapturedMedia, ...]:
    """Files of one post matched to the platform's addresses by their name's ending."""
    media, used = [], set()
    for url, mime in urls:
        base = posixpath.basename(url.split("?")[0])
        match = next((n for n in names if base and n.endswith("-" + base) and n not in used), "")
        if match:
            used.add(match)
            path = str(bundle.local_path(match))
            media.append(CapturedMedia(url=url, path=path, mime_type=mime or _mime(match)))
        else:
            media.append(CapturedMedia(url=url, mime_type=mime))
    for name in names:
        if name not in used:
            media.append(CapturedMedia(path=str(bundle.local_path(name)), mime_type=_mime(name)))
    return tuple(media)


def _entity_media_urls(tweet: dict) -> list[tuple[str, str]]:
    """(address, type) of each picture or video of a v1.1/archive tweet."""
    entities = dict_at(tweet, "extended_entities") or dict_at(tweet, "entities")
    urls = []
    for entry in list_at(entities, "media"):
        if not isinstance(entry, dict):
            continue
        if entry.get("type") in _VIDEO_TYPES:
            info = entry.get("video_info") if isinstance(entry.get("video_info"), dict) else {}
            variants = [
                v
                for v in info.get("variants") or []
                if isinstance(v, dict) and isinstance(v.get("url"), str)
            ]
            best = max(variants, key=_bitrate, default=None)
            if best is not None:
                urls.append((best["url"], str(best.get("content_type") or "video/mp4")))
                continue
        url = entry.get("media_url_https") or entry.get("media_url")
        if isinstance(url, str) and url:
            urls.append((url, _mime(url.split("?")[0], "image/jpeg")))
    return urls


def _bitrate(variant: dict) -> int:
    value = variant.get("bitrate", variant.get("bit_rate", 0))
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _archive_tweet(
    element: object,
    account: _Account,
    index: _ThreadIndex,
    media: dict[str, list[str]],
    bundle: Bundle,
    context: ReadContext,
    *,
    deleted: bool,
) -> CapturedItem:
    tweet = _unwrap(element, "tweet")
    tweet_id = id_at(tweet, "id_str", "id", required=True)
    created_at = parse_time(tweet.get("created_at"), "created_at")
    platform_id, edited_at = tweet_id, None
    written_at = created_at
    chain = _edit_chain(tweet)
    if chain:
        # Every version of an edited post is a version of one record, under the first id;
        # each later version carries its own time as the edit's.
        platform_id = chain[0]
        if tweet_id != platform_id:
            edited_at = created_at
            created_at = snowflake_time(platform_id) or created_at
    text = str_at(tweet, "full_text") or str_at(tweet, "text")
    entities = dict_at(tweet, "entities")
    links = list_at(entities, "urls")
    raw = element
    note = index.note_for(tweet, written_at)
    if note is not None:  # a long post: the archive's tweets.js holds it cut short
        text, links = (
            note[0],
            [
                {
                    "url": u.get("shortUrl") or u.get("url"),
                    "expanded_url": u.get("expandedUrl") or u.get("expanded_url"),
                }
                for u in note[1]
                if isinstance(u, dict)
            ],
        )
        raw = {**element, "noteTweet": note[2]} if isinstance(element, dict) else element
    parent = id_at(tweet, "in_reply_to_status_id_str", required=False)
    deleted_at = parse_time(tweet.get("deleted_at"), "deleted_at") if deleted else None
    return CapturedItem(
        platform_id=platform_id,
        kind=Kind.REPLY if parent else Kind.POST,
        text=_tweet_text(text, links),
        created_at=created_at,
        captured_at=context.captured_at,
        raw=_raw(raw),
        author_id=account.account_id,
        author_name=safe_text(account.name),
        author_handle=account.handle,
        author_is_organisation=True,
        parent_id=index.canonical(parent) if parent else "",
        thread_id=index.root(parent) if parent else platform_id,
        edited_at=edited_at,
        language=_language(tweet),
        permalink=_permalink(account.handle, platform_id),
        media=_media_from_files(bundle, media.get(tweet_id, []), _entity_media_urls(tweet)),
        deleted_at=deleted_at,
    )


def _archive_messages(
    bundle: Bundle, name: str, account: _Account, media: dict[str, list[str]], context: ReadContext
) -> Iterator[CapturedItem | SourceError]:
    for position, element in _js_elements(bundle, name):
        if isinstance(element, SourceError):
            yield element
            continue
        where = f"{name}, conversation {position}"
        try:
            conversation = _unwrap(element, "dmConversation")
            conversation_id = id_at(conversation, "conversationId", required=True)
            messages = list_at(conversation, "messages")
        except _ITEM_ERRORS as error:
            yield _as_source_error(where, error)
            continue
        for number, event in enumerate(messages, 1):
            if isinstance(event, dict) and "messageCreate" not in event and event:
                continue  # someone joined, left or reacted: not a message
            try:
                yield _archive_message(event, conversation_id, account, media, bundle, context)
            except _ITEM_ERRORS as error:
                yield _as_source_error(f"{where}, message {number}", error)


def _archive_message(
    event: object,
    conversation_id: str,
    account: _Account,
    media: dict[str, list[str]],
    bundle: Bundle,
    context: ReadContext,
) -> CapturedItem:
    message = _unwrap(event, "messageCreate")
    message_id = id_at(message, "id", required=True)
    sender = id_at(message, "senderId", required=True)
    own = bool(account.account_id and sender == account.account_id) or context.is_own(sender)
    urls = [
        (u, _mime(u.split("?")[0])) for u in list_at(message, "mediaUrls") if isinstance(u, str)
    ]
    return CapturedItem(
        platform_id=message_id,
        kind=Kind.MESSAGE,
        text=safe_text(
            _expand_links(str_at(message, "text"), list_at(message, "urls"), "expanded")
        ),
        created_at=parse_time(message.get("createdAt"), "createdAt"),
        captured_at=context.captured_at,
        raw=_raw(event),
        author_id=sender,
        author_name=safe_text(account.name) if own else "",
        author_handle=account.handle if own else "",
        author_is_organisation=own,
        thread_id=conversation_id,
        media=_media_from_files(bundle, media.get(message_id, []), urls),
    )


# API pages.


def _page_files(bundle: Bundle) -> list[str]:
    return sorted(
        (n for n in bundle.names() if n.lower().endswith(_PAGE_SUFFIXES)),
        key=lambda n: (n.count("/"), n),
    )


def _head_of(bundle: Bundle, name: str) -> bytes:
    return bundle.head(name, 16 * 1024).lstrip(b"\xef\xbb\xbf \t\r\n")


def _looks_v2(head: bytes) -> bool:
    return (
        head.startswith(b"{")
        and b'"data"' in head
        and b'"text"' in head
        and b'"id_str"' not in head
        and any(marker in head for marker in _V2_MARKERS)
    )


def _looks_v1(head: bytes) -> bool:
    if head.startswith(b"{") and b'"statuses"' not in head[:200]:
        return False
    return (
        head.startswith((b"[", b"{"))
        and b'"id_str"' in head
        and b'"user"' in head
        and _TWITTER_TIME.search(head) is not None
    )


class _PagesReader(Reader):
    platform = PLATFORM
    looks_right = staticmethod(_looks_v2)
    what = ""

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            if bundle.first("*manifest.js") or bundle.first("*tweets.js", "*tweet.js"):
                return None  # an archive
            names = _page_files(bundle)
            if not names or not any(self.looks_right(_head_of(bundle, n)) for n in names[:3]):
                return None
        except _READ_ERRORS:
            return None
        files = "file" if len(names) == 1 else "files"
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"{self.what} ({len(names):,} {files})",
            details={"files": names},
        )


@register
class ApiV2Reader(_PagesReader):
    """Saved X API v2 responses: one page a file (`{"data": [...], "includes": {...}}` or
    `{"data": {...}}`), or twarc-style JSON Lines of pages; tweepy-cassette extracts wrapped as
    `{"_source": ..., "body": page}` are unwrapped."""

    name = "x-api-v2"
    label = "X API v2 pages"
    label_in_sentence = "X API v2 pages"
    expects = (
        'saved X API v2 responses ({"data": [...], "includes": ...}), one per file or one '
        "per line as twarc2 writes them"
    )
    what = "X API v2 pages"
    looks_right = staticmethod(_looks_v2)

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        for name in found.details.get("files") or _page_files(bundle):
            for where, page in _pages(bundle, name):
                if isinstance(page, SourceError):
                    yield page
                    continue
                for value in items_from_v2_page(page, context):
                    yield within(where, value) if isinstance(value, SourceError) else value


@register
class ApiV1Reader(_PagesReader):
    """Saved X API v1.1 statuses lists (user_timeline, mentions_timeline: a JSON array;
    search: `{"statuses": [...]}`), streamed."""

    name = "x-api-v1"
    label = "X API v1.1 statuses"
    label_in_sentence = "X API v1.1 statuses"
    expects = (
        "a saved X API v1.1 statuses list (a JSON array of tweets with id_str and user, "
        'or {"statuses": [...]})'
    )
    what = "X API v1.1 statuses"
    looks_right = staticmethod(_looks_v1)

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        for name in found.details.get("files") or _page_files(bundle):
            try:
                head = _head_of(bundle, name)
                prefix = "statuses.item" if head.startswith(b"{") else "item"
                with bundle.open(name) as stream:
                    statuses = json_array_items(stream, prefix)
                    for position, status in enumerate(statuses, 1):
                        try:
                            yield _v1_status(status, context)
                        except _ITEM_ERRORS as error:
                            yield _as_source_error(f"{name}, item {position}", error)
            except SourceError as error:
                yield SourceError(name, error.reason)
            except _READ_ERRORS as error:
                yield SourceError(name, f"cannot be read ({type(error).__name__}: {error})")


def _pages(bundle: Bundle, name: str) -> Iterator[tuple[str, dict | SourceError]]:
    """(location, page) of one saved file: a page, or JSON Lines of pages."""
    try:
        if name.lower().endswith(_LINE_SUFFIXES):
            with bundle.open(name) as stream:
                yield from _line_pages(stream, name)
            return
        data = bundle.read_bytes(name, limit=MAX_PAGE_BYTES)
        try:
            page = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            if data.count(b"\n") > 1 and data.lstrip()[:1] == b"{":
                yield from _line_pages(iter(data.splitlines()), name)
                return
            yield name, SourceError(name, f"not valid JSON ({error})")
            return
        yield name, _unwrap_page(page, name)
    except _READ_ERRORS as error:
        yield name, SourceError(name, f"cannot be read ({type(error).__name__}: {error})")


def _line_pages(lines: Iterable[bytes] | IO[bytes], name: str):
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}, line {number}"
        try:
            yield where, _unwrap_page(orjson.loads(line), where)
        except orjson.JSONDecodeError as error:
            yield where, SourceError(where, f"not valid JSON ({error})")


def _unwrap_page(page: object, where: str) -> dict | SourceError:
    if isinstance(page, dict) and isinstance(page.get("body"), dict) and "_source" in page:
        page = page["body"]
    if not isinstance(page, dict):
        return SourceError(where, "expected a JSON object (an API page)")
    return page


def items_from_v2_page(page: dict, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """The tweets of one X API v2 response (`data` a list or one tweet), with their authors and
    media from `includes`. Tweets in `includes.tweets` are context (the tweets replied to or
    quoted) and are not items themselves. Locations are like "data[3], created_at"."""
    if not isinstance(page, dict):
        yield SourceError("page", "expected a JSON object")
        return
    data = page.get("data")
    if data is None:
        return
    tweets = [data] if isinstance(data, dict) else data
    if not isinstance(tweets, list):
        yield SourceError("data", f"expected a list of tweets, found {type(data).__name__}")
        return
    includes = page.get("includes") if isinstance(page.get("includes"), dict) else {}
    users = _by_key(includes.get("users"), "id")
    media = _by_key(includes.get("media"), "media_key")
    for position, tweet in enumerate(tweets):
        where = f"data[{position}]" if isinstance(data, list) else "data"
        try:
            yield _v2_tweet(tweet, users, media, context)
        except _ITEM_ERRORS as error:
            yield _as_source_error(where, error)


def _by_key(values: object, key: str) -> dict[str, dict]:
    if not isinstance(values, list):
        return {}
    return {v[key]: v for v in values if isinstance(v, dict) and isinstance(v.get(key), str)}


def _v2_tweet(
    tweet: object, users: dict[str, dict], media: dict[str, dict], context: ReadContext
) -> CapturedItem:
    if not isinstance(tweet, dict):
        raise SourceError("tweet", f"expected an object, found {type(tweet).__name__}")
    tweet_id = id_at(tweet, "id", required=True)
    if not isinstance(tweet.get("text"), str) and not isinstance(tweet.get("note_tweet"), dict):
        raise SourceError("text", "missing: not a tweet")
    history = [i for i in list_at(tweet, "edit_history_tweet_ids") if isinstance(i, str) and i]
    platform_id = history[0] if history else tweet_id
    # created_at is only there when asked for (tweet.fields=created_at); the id tells it too.
    if tweet.get("created_at") is not None:
        written = parse_time(tweet["created_at"], "created_at")
    else:
        written = snowflake_time(tweet_id)
        if written is None:
            raise SourceError("created_at", "missing, and the id is too old to tell the time")
    created_at, edited_at = written, None
    if platform_id != tweet_id:
        created_at, edited_at = snowflake_time(platform_id) or written, written
    parent = ""
    for reference in list_at(tweet, "referenced_tweets"):
        if isinstance(reference, dict) and reference.get("type") == "replied_to":
            parent = id_at(reference, "id", required=True)
    author_id = id_at(tweet, "author_id", required=False)
    user = users.get(author_id, {})
    handle = f"@{user['username']}" if isinstance(user.get("username"), str) else ""
    note = dict_at(tweet, "note_tweet")
    text = str_at(note, "text") or str_at(tweet, "text")
    links = list_at(dict_at(note, "entities") or dict_at(tweet, "entities"), "urls")
    conversation = id_at(tweet, "conversation_id", required=False)
    attached = []
    for key in list_at(dict_at(tweet, "attachments"), "media_keys"):
        entry = media.get(key) if isinstance(key, str) else None
        if entry:
            attached.append(_v2_media(entry))
    # A tweet in someone else's conversation is a reply even when the page did not ask for
    # referenced_tweets (then its parent is unknown).
    in_conversation = conversation not in ("", tweet_id, platform_id)
    return CapturedItem(
        platform_id=platform_id,
        kind=Kind.REPLY if parent or in_conversation else Kind.POST,
        text=_tweet_text(text, links),
        created_at=created_at,
        captured_at=context.captured_at,
        raw=_raw(tweet),
        author_id=author_id,
        author_name=safe_text(str(user.get("name") or "")),
        author_handle=handle,
        author_is_organisation=context.is_own(author_id, handle),
        parent_id=parent,
        thread_id=conversation or ("" if parent else platform_id),
        edited_at=edited_at,
        language=_language(tweet),
        permalink=_permalink(handle, platform_id),
        media=tuple(m for m in attached if m.url),
    )


def _v2_media(entry: dict) -> CapturedMedia:
    variants = [v for v in entry.get("variants") or [] if isinstance(v, dict)]
    playable = [v for v in variants if isinstance(v.get("url"), str)]
    if entry.get("type") in _VIDEO_TYPES and playable:
        best = max(playable, key=_bitrate)
        return CapturedMedia(url=best["url"], mime_type=str(best.get("content_type") or ""))
    url = entry.get("url") or entry.get("preview_image_url") or ""
    url = url if isinstance(url, str) else ""
    return CapturedMedia(url=url, mime_type=_mime(url.split("?")[0]) if url else "")


def items_from_v1_statuses(
    statuses: Iterable[object], context: ReadContext
) -> Iterator[CapturedItem | SourceError]:
    """Tweets of an X API v1.1 statuses list (timelines, search `statuses`). Locations are
    like "item 3, created_at" counted from 1 within `statuses`."""
    for position, status in enumerate(statuses, 1):
        try:
            yield _v1_status(status, context)
        except _ITEM_ERRORS as error:
            yield _as_source_error(f"item {position}", error)


def _v1_status(status: object, context: ReadContext) -> CapturedItem:
    if not isinstance(status, dict):
        raise SourceError("status", f"expected an object, found {type(status).__name__}")
    tweet_id = id_at(status, "id_str", "id", required=True)
    user = dict_at(status, "user")
    author_id = id_at(user, "id_str", "id", required=False)
    handle = f"@{user['screen_name']}" if isinstance(user.get("screen_name"), str) else ""
    extended = dict_at(status, "extended_tweet")
    text = str_at(extended, "full_text") or str_at(status, "full_text") or str_at(status, "text")
    entities = dict_at(extended, "entities") or dict_at(status, "entities")
    parent = id_at(status, "in_reply_to_status_id_str", required=False)
    return CapturedItem(
        platform_id=tweet_id,
        kind=Kind.REPLY if parent else Kind.POST,
        text=_tweet_text(text, list_at(entities, "urls")),
        created_at=parse_time(status.get("created_at"), "created_at"),
        captured_at=context.captured_at,
        raw=_raw(status),
        author_id=author_id,
        author_name=safe_text(str(user.get("name") or "")),
        author_handle=handle,
        author_is_organisation=context.is_own(author_id, handle),
        parent_id=parent,
        thread_id="" if parent else tweet_id,
        language=_language(status),
        permalink=_permalink(handle, tweet_id),
        media=tuple(
            CapturedMedia(url=url, mime_type=mime) for url, mime in _entity_media_urls(status)
        ),
    )


READERS = module_readers(__name__)
