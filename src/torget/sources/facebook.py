"""Facebook: a Page's "Download your information" export and saved Graph API pages.

Meta's Graph API writes Facebook and Instagram responses the same way (a `data` list with
`paging`, "+0000" times, error objects), so the code that walks saved Graph pages and the
small helpers both platforms' exports need live here; instagram.py imports them.

Two facts shape the export reader (docs/platforms/facebook.md):

- The export's text is mojibake: Facebook writes each UTF-8 byte as its own character
  ("KÃ¶p" for "Köp"); `undo_mojibake` reverses exactly that, and ftfy repairs the rest.
- Its items carry no platform id. Each gets one made from its kind and the second it was
  created ("dyi:post:1712345678"): that second never changes when the text is edited, so a
  newer export of an edited post becomes a new version of the same record, where an id made
  from the text would make it a second record. Items created in the same second are told
  apart by their order in the file ("dyi:post:1712345678-2"), which the platform keeps.
"""

import io
import mimetypes
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import ijson
import orjson

# formats.py imports this module before it has defined json_array_items, so that function
# is looked up on the module when called.
from . import fields, formats
from .base import CapturedItem, CapturedMedia, Kind, SourceError, SourceNotice
from .bundle import Bundle, BundleError, UnsafePath
from .clean import repair_mojibake, safe_text
from .fields import flag_of, id_of, list_of, object_of
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import from_epoch, parse_time

__all__ = [
    "READERS",
    "FacebookExportReader",
    "FacebookGraphReader",
    "GraphPlace",
    "items_from_graph_page",
    "place_of_page",
]

PLATFORM = "facebook"

# What may go wrong inside one element; each becomes one SourceError and reading goes on.
ELEMENT_ERRORS = (SourceError, KeyError, TypeError, ValueError, AttributeError, IndexError)
# What may go wrong opening or reading a file of the bundle (a zip member's CRC, a vanished file).
FILE_ERRORS = (OSError, EOFError, zipfile.BadZipFile, BundleError, KeyError)
HEAD_BYTES = 16 * 1024
SINGLE_OBJECT_LIMIT = 16 * 1024**2  # a single Graph object (not a page) is read whole
OWNER_FILE_LIMIT = 4 * 1024**2
DETECT_FILES = 20  # how many saved pages detection looks at


# Helpers shared with instagram.py.


def raw_json(obj: object) -> str:
    """The element exactly as read, as JSON text (stored unchanged with each version)."""
    return orjson.dumps(obj).decode()


def text_of(value: object, key: str, *, mojibake: bool = False) -> str:
    """fields.text_of, with Meta's export mojibake undone when asked."""
    text = fields.text_of(value, key)
    return safe_text(undo_mojibake(text)) if mojibake and text else text


def undo_mojibake(value: str) -> str:
    """Meta's exports write every UTF-8 byte as the character of that number: reversing
    exactly that is exact and fast (ftfy takes a hundred times longer on 200,000 items);
    text it does not fit (already correct, or mixed) goes to ftfy's `repair_mojibake`."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return repair_mojibake(value)


def mime_for(name: str) -> str:
    """The MIME type a file name or URL's path suggests ("" when it says nothing)."""
    path = urlsplit(name).path if "://" in name else name
    return mimetypes.guess_type(PurePosixPath(path).name)[0] or ""


def url_media(url: str) -> CapturedMedia:
    """Meta's CDN signs media URLs with query parameters that change on every fetch
    (oh=, oe=, _nc_*): they are left out, so an unchanged post is not a new version each
    time. The raw payload keeps the URL exactly as fetched."""
    parts = urlsplit(url)
    if parts.query and parts.hostname and parts.hostname.endswith(SIGNING_CDNS):
        url = parts._replace(query="").geturl()
    return CapturedMedia(url=url, mime_type=mime_for(url))


SIGNING_CDNS = ("fbcdn.net", "cdninstagram.com")


def export_media(bundle: Bundle, root: str, uri: object, key: str) -> CapturedMedia:
    """A media file named in an export (relative to the export's root), as a local file."""
    if not isinstance(uri, str) or not uri.strip():
        raise SourceError(key, "expected the file's name inside the export")
    if uri.startswith(("http://", "https://")):
        return url_media(uri)
    try:
        path = bundle.local_path(root + uri.lstrip("/"))
    except UnsafePath as refused:  # hidden, linked, outside the export (sources/confine.py)
        raise SourceError(key, f"the file {refused}") from None
    except (KeyError, OSError, ValueError):
        raise SourceError(key, f"the file {uri[:200]!r} is not in the export") from None
    return CapturedMedia(path=str(path), mime_type=mime_for(uri))


def natural_order(names: Iterable[str]) -> list[str]:
    """posts_2.json before posts_10.json, as the platform numbers its parts."""
    return sorted(
        names, key=lambda n: [int(p) if p.isdecimal() else p for p in re.split(r"(\d+)", n)]
    )


def root_of(name: str, *markers: str) -> str:
    """The folder an export's paths are relative to: the part of `name` before the first
    marker ("your_facebook_activity/"), so a zip with a top folder reads like one without."""
    lowered = name.lower()
    for marker in markers:
        at = lowered.find(marker)
        if at == 0 or (at > 0 and lowered[at - 1] == "/"):
            return name[:at]
    return ""


def with_location(error: SourceError, where: str) -> SourceError:
    return fields.within(where, error)


def element_error(error: Exception, where: str) -> SourceError:
    if isinstance(error, SourceError):
        return with_location(error, where)
    if isinstance(error, KeyError):
        return SourceError(f"{where}, {error.args[0] if error.args else 'key'}", "missing")
    return SourceError(where, f"unusable ({type(error).__name__}: {str(error)[:200]})")


class ExportIds:
    """Ids for export items, which carry none: a prefix and the second the item was
    created, with "-2", "-3" for further items of the same second in file order."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.last: int | None = None
        self.repeat = 0

    def next(self, created_second: int) -> str:
        if created_second == self.last:
            self.repeat += 1
        else:
            self.last, self.repeat = created_second, 0
        suffix = f"-{self.repeat + 1}" if self.repeat else ""
        return f"{self.prefix}{created_second}{suffix}"


def stream_export_array(
    bundle: Bundle,
    name: str,
    prefix: str,
    element: Callable[[object, int], tuple[CapturedItem, list[SourceError]]],
) -> Iterator[CapturedItem | SourceError]:
    """Every element of one export file's array, through `element`; a bad element becomes
    one SourceError naming the file and item, a truncated file one naming the file."""
    index = -1
    try:
        with bundle.open(name) as stream:
            for index, obj in enumerate(formats.json_array_items(stream, prefix)):
                where = f"{name}, item {index}"
                try:
                    item, problems = element(obj, index)
                except ELEMENT_ERRORS as error:
                    yield element_error(error, where)
                    continue
                yield item
                for problem in problems:
                    yield with_location(problem, where)
    except SourceError as error:
        after = f", after item {index}" if index >= 0 else ""
        yield SourceError(f"{name}{after}", error.reason)
    except FILE_ERRORS as error:
        yield SourceError(name, f"cannot be read ({error})")


def top_level(head: bytes) -> tuple[str, set[str]]:
    """The shape of a JSON file's top level ("object", "array" or "") and the keys the head
    shows, from its first bytes alone."""
    shape, keys = "", set()
    try:
        for prefix, event, value in ijson.parse(io.BytesIO(head)):
            if prefix == "":
                if event == "start_map":
                    shape = "object"
                elif event == "start_array":
                    return "array", keys
                elif event == "map_key":
                    keys.add(value)
    except (ijson.common.JSONError, ValueError, UnicodeError):
        pass  # the head ends mid-value, or the file is not JSON: what was seen is enough
    return shape, keys


def safe_head(bundle: Bundle, name: str, count: int = HEAD_BYTES) -> bytes:
    try:
        return bundle.head(name, count)
    except FILE_ERRORS:
        return b""


# Saved Graph API pages, shared with instagram.py.

# The paging URL of a saved page names the object and edge it lists:
# "https://graph.facebook.com/v11.0/19292868552_10158407654328553/comments?...". Graph API
# responses may escape the slashes ("https:\/\/graph.facebook.com\/...").
PAGING_URL = re.compile(
    rb"graph\.facebook\.com\\?/(?:v\d+\.\d+\\?/)?([0-9A-Za-z_.-]+)\\?/([a-z_]+)\?"
)


@dataclass(frozen=True)
class GraphPlace:
    """What a saved page lists, when its paging URL says so: the object (a page, a post, a
    media) and the edge ("feed", "posts", "comments", "replies", "media")."""

    object_id: str = ""
    edge: str = ""


def graph_place(bundle: Bundle, name: str) -> GraphPlace:
    """Read the file in pieces for its paging URL (it may come after the data)."""
    found = None
    tail = b""
    try:
        with bundle.open(name) as stream:
            while chunk := stream.read(256 * 1024):
                window = tail + chunk
                for found in PAGING_URL.finditer(window):  # noqa: B007
                    pass
                tail = window[-512:]
    except FILE_ERRORS:
        return GraphPlace()
    if found is None:
        return GraphPlace()
    return GraphPlace(found.group(1).decode(), found.group(2).decode())


def place_of_page(obj: object) -> GraphPlace:
    """The object and edge a fetched page's paging URLs name (GraphPlace() if none)."""
    paging = obj.get("paging") if isinstance(obj, dict) else None
    if isinstance(paging, dict):
        for key in ("next", "previous"):
            link = paging.get(key)
            match = PAGING_URL.search(link.encode()) if isinstance(link, str) else None
            if match:
                return GraphPlace(match.group(1).decode(), match.group(2).decode())
    return GraphPlace()


def graph_json_names(bundle: Bundle) -> list[str]:
    return natural_order(n for n in bundle.names() if n.lower().endswith(".json"))


ElementReader = Callable[[dict, GraphPlace, ReadContext], Iterator[CapturedItem | SourceError]]


def read_graph_files(
    bundle: Bundle, names: list[str], element: ElementReader, context: ReadContext
) -> Iterator[CapturedItem | SourceError]:
    """Every saved Graph response in `names`: pages (`data` + `paging`) are streamed element
    by element, single objects read whole (they are small), error responses reported."""
    for name in names:
        whole = _small_file(bundle, name)
        if whole is not None:
            yield from _graph_whole(name, *whole, element, context)
            continue
        shape, keys = top_level(safe_head(bundle, name))
        place = graph_place(bundle, name)
        if shape == "object" and "data" in keys:
            yield from _graph_array(bundle, name, "data.item", place, element, context)
        elif shape == "array":
            yield from _graph_array(bundle, name, "item", place, element, context)
        else:
            yield from _graph_object(bundle, name, place, element, context)


WHOLE_FILE_LIMIT = 4 * 1024**2  # saved pages this small are read and parsed in one go


def _small_file(bundle: Bundle, name: str) -> tuple[bytes, object] | None:
    """(bytes, parsed JSON) of a small, well-formed file; None for a large or broken one,
    which the streaming path reads (and reports where it breaks). Reading a small page once
    with orjson is several times faster than opening it three times and streaming it."""
    try:
        if bundle.size(name) > WHOLE_FILE_LIMIT:
            return None
        data = bundle.read_bytes(name, WHOLE_FILE_LIMIT)
        return data, orjson.loads(data)
    except (orjson.JSONDecodeError, *FILE_ERRORS):
        return None


def _graph_whole(name, data, obj, element, context):
    place = GraphPlace()
    for found in PAGING_URL.finditer(data):  # the last paging URL, as graph_place finds it
        place = GraphPlace(found.group(1).decode(), found.group(2).decode())
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        elements = obj["data"]
    elif isinstance(obj, list):
        elements = obj
    else:
        if isinstance(obj, dict) and isinstance(obj.get("error"), dict):
            message = obj["error"].get("message")
            yield SourceError(name, f"a Graph API error response, not data ({str(message)[:200]})")
            return
        yield from located(lambda: element(obj, place, context), name)
        return
    for index, item in enumerate(elements):
        yield from located(lambda item=item: element(item, place, context), f"{name}, item {index}")


def _graph_array(bundle, name, prefix, place, element, context):
    index = -1
    try:
        with bundle.open(name) as stream:
            for index, obj in enumerate(formats.json_array_items(stream, prefix)):
                yield from located(
                    lambda obj=obj: element(obj, place, context), f"{name}, item {index}"
                )
    except SourceError as error:
        after = f", after item {index}" if index >= 0 else ""
        yield SourceError(f"{name}{after}", error.reason)
    except FILE_ERRORS as error:
        yield SourceError(name, f"cannot be read ({error})")


def _graph_object(bundle, name, place, element, context):
    try:
        obj = orjson.loads(bundle.read_bytes(name, SINGLE_OBJECT_LIMIT))
    except orjson.JSONDecodeError as error:
        yield SourceError(name, f"not valid JSON ({str(error)[:200]})")
        return
    except FILE_ERRORS as error:
        yield SourceError(name, f"cannot be read ({error})")
        return
    if isinstance(obj, dict) and isinstance(obj.get("error"), dict):
        message = obj["error"].get("message")
        yield SourceError(name, f"a Graph API error response, not data ({str(message)[:200]})")
        return
    yield from located(lambda: element(obj, place, context), name)


def located(
    produce: Callable[[], Iterator[CapturedItem | SourceError]], where: str
) -> Iterator[CapturedItem | SourceError]:
    """The items of one element, each error's location prefixed with where it is; an
    exception that ends the element becomes one more error."""
    try:
        for value in produce():
            yield with_location(value, where) if isinstance(value, SourceError) else value
    except ELEMENT_ERRORS as error:
        yield element_error(error, where)


def each(
    values: list, where: str, produce: Callable[[object], Iterator[CapturedItem | SourceError]]
) -> Iterator[CapturedItem | SourceError]:
    """Nested elements (comments in a post, replies in a comment), each on its own."""
    for index, value in enumerate(values):
        yield from located(lambda value=value: produce(value), f"{where}[{index}]")


def must_be_object(obj: object) -> dict:
    if not isinstance(obj, dict):
        raise SourceError("", f"expected a JSON object, found {type(obj).__name__}")
    return obj


# The Facebook export ("Download your information", JSON).

# "*your_posts*.json" finds the file in its folders and alone (your_posts_1.json sent by
# itself); comments alone only at the top ("comments.json"), where the content decides.
_POSTS_PATTERNS = ("*your_posts*.json",)
_COMMENTS_PATTERNS = (
    "*your_facebook_activity/comments_and_reactions/comments*.json",
    "*comments_and_reactions/comments*.json",
    "*comments/comments*.json",
    "comments*.json",
)
_ROOT_MARKERS = ("your_facebook_activity/", "posts/", "comments_and_reactions/", "comments/")


def _export_owner(bundle: Bundle) -> tuple[str, str, frozenset[str]]:
    """(display name, username, every identifier) from the export's profile or page file.

    New exports keep it in personal_information/profile_information/profile_information.json,
    older ones in profile_information/profile_information.json; Pages may write a
    page_information file. Best effort: an export without one is still read.
    """
    name = bundle.first(
        "*profile_information/profile_information.json",
        "*profile_information.json",
        "*page_information*.json",
        "*page_info.json",
    )
    if name is None:
        return "", "", frozenset()
    try:
        data = orjson.loads(bundle.read_bytes(name, OWNER_FILE_LIMIT))
    except (orjson.JSONDecodeError, *FILE_ERRORS):
        return "", "", frozenset()
    if not isinstance(data, dict):
        return "", "", frozenset()
    full_name = username = ""
    links = []
    for section in data.values():
        if isinstance(section, list) and section and isinstance(section[0], dict):
            section = section[0]
        if not isinstance(section, dict):
            continue
        value = section.get("name")
        if isinstance(value, dict):
            value = value.get("full_name")
        if isinstance(value, str) and not full_name:
            full_name = safe_text(undo_mojibake(value.strip()))
        if isinstance(section.get("username"), str) and not username:
            username = section["username"].strip()
        for key in ("profile_uri", "url", "page_url"):
            if isinstance(section.get(key), str):
                links.append(section[key])
    return full_name, username, frozenset(filter(None, {full_name, username, *links}))


@register
class FacebookExportReader(Reader):
    """The JSON "Download your information" export of a Page (or profile): its posts and the
    comments it wrote. Others' comments on the Page are not in it (use the Graph API)."""

    platform = PLATFORM
    name = "facebook-export"
    label = "Facebook export"
    label_in_sentence = "a Facebook export"
    expects = (
        'Facebook\'s "Download your information" in JSON: the zip or folder with '
        "your_facebook_activity/posts/your_posts_1.json, or that file alone"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        posts = natural_order(
            n
            for n in bundle.find(*_POSTS_PATTERNS)
            if safe_head(bundle, n, 64).lstrip()[:1] == b"["
        )
        comments = {}
        for name in natural_order(bundle.find(*_COMMENTS_PATTERNS)):
            head = safe_head(bundle, name, 512)
            if b'"comments_v2"' in head:
                comments[name] = "comments_v2.item"
            elif b'"comments"' in head:
                comments[name] = "comments.item"
        if not posts and not comments:
            return None
        full_name, username, identifiers = _export_owner(bundle)
        account = username or full_name
        first = (posts or list(comments))[0]
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"Facebook export of {account}" if account else "Facebook export",
            account=account,
            account_ids=identifiers,
            details={
                "posts": posts,
                "comments": comments,
                "root": root_of(first, *_ROOT_MARKERS),
                "name": full_name,
                "username": username,
            },
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        root = found.details.get("root", "")
        owner = (found.details.get("name", ""), found.details.get("username", ""))
        post_ids = ExportIds("dyi:post:")
        for name in found.details.get("posts", []):
            yield from stream_export_array(
                bundle,
                name,
                "item",
                lambda obj, _i: _export_post(obj, bundle, root, owner, post_ids, context),
            )
        comment_ids = ExportIds("dyi:comment:")
        for name, prefix in found.details.get("comments", {}).items():
            yield from stream_export_array(
                bundle,
                name,
                prefix,
                lambda obj, _i: _export_comment(obj, owner, comment_ids, context),
            )


def _owner_or_channel(owner: tuple[str, str], context: ReadContext) -> tuple[str, str]:
    """(name, username) of the export's owner; when the export does not say (a single file
    sent alone), the channel's account: an export is always the account's own."""
    name, username = owner
    if not name and not username:
        return context.account_name, context.account
    return name or context.account_name, username or context.account


def _export_post(obj, bundle, root, owner, ids, context) -> tuple[CapturedItem, list]:
    obj = must_be_object(obj)
    created = from_epoch(obj.get("timestamp"), "timestamp")
    text, edited = "", None
    for index, entry in enumerate(list_of(obj.get("data"), "data")):
        entry = object_of(entry, f"data[{index}]")
        if "post" in entry and not text:
            text = text_of(entry["post"], f"data[{index}].post", mojibake=True)
        if entry.get("update_timestamp") is not None:
            updated = from_epoch(entry["update_timestamp"], f"data[{index}].update_timestamp")
            if updated > created:
                edited = updated
    media, problems = [], []
    for a, attachment in enumerate(list_of(obj.get("attachments"), "attachments")):
        attachment = object_of(attachment, f"attachments[{a}]")
        for d, entry in enumerate(list_of(attachment.get("data"), f"attachments[{a}].data")):
            entry = object_of(entry, f"attachments[{a}].data[{d}]")
            if "media" not in entry:
                continue  # a link, a place, a poll: kept in raw
            key = f"attachments[{a}].data[{d}].media"
            uri = object_of(entry["media"], key).get("uri")
            try:
                media.append(export_media(bundle, root, uri, f"{key}.uri"))
            except SourceError as problem:
                # The post is kept without the file (an export made without media).
                problems.append(
                    SourceNotice(
                        problem.location,
                        f"{problem.reason}; the post was imported without the file",
                    )
                )
    name, username = _owner_or_channel(owner, context)
    item = CapturedItem(
        platform_id=ids.next(int(created.timestamp())),
        kind=Kind.POST,
        text=text,
        created_at=created,
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_name=name,
        author_handle=username,
        author_is_organisation=True,  # the export's own posts
        edited_at=edited,
        title=text_of(obj.get("title"), "title", mojibake=True),
        media=tuple(media),
    )
    return item, problems


def _export_comment(obj, owner, ids, context) -> tuple[CapturedItem, list]:
    obj = must_be_object(obj)
    comment = {}
    for index, entry in enumerate(list_of(obj.get("data"), "data")):
        entry = object_of(entry, f"data[{index}]")
        if "comment" in entry:
            comment = object_of(entry["comment"], f"data[{index}].comment")
            break
    if comment.get("timestamp") is not None:
        created = from_epoch(comment["timestamp"], "data[0].comment.timestamp")
    else:
        created = from_epoch(obj.get("timestamp"), "timestamp")
    name, username = _owner_or_channel(owner, context)
    author = text_of(comment.get("author"), "data[0].comment.author", mojibake=True)
    item = CapturedItem(
        platform_id=ids.next(int(created.timestamp())),
        kind=Kind.COMMENT,
        text=text_of(comment.get("comment"), "data[0].comment.comment", mojibake=True),
        created_at=created,
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_name=author or name,
        author_handle=username,
        author_is_organisation=True,  # the export lists the comments its owner wrote
        title=text_of(obj.get("title"), "title", mojibake=True),
    )
    return item, []


# Saved Facebook Graph API pages.

_GRAPH_TIME = re.compile(rb'"created_time"\s*:\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"')
_POST_KEYS = {"status_type", "attachments", "full_picture", "story", "shares", "is_published"}
_COMMENT_KEYS = {"comment_count", "attachment", "can_hide", "can_remove", "parent", "like_count"}


_LINK_PARTS = re.compile(r"^https?://[^/?#]*([^?#]*)(?:\?([^#]*))?")
_QUERY_IDS = re.compile(r"(?:^|&)(comment_id|reply_comment_id|story_fbid|id)=([^&]*)")


def _permalink_ids(link: str) -> tuple[str, str, str, str]:
    """(page id, post id, comment id, reply id) from a permalink_url such as
    https://www.facebook.com/19292868552/posts/10158407654328553/?comment_id=1&reply_comment_id=2
    (page id only when the path shows it as a number)."""
    if not link:
        return "", "", "", ""
    match = _LINK_PARTS.match(link)
    if match is None:  # not an http(s) address: the general parser says what it can
        parts = urlsplit(link)
        path_text, query_text = parts.path, parts.query
    else:
        path_text, query_text = match.group(1) or "", match.group(2) or ""
    # Only the parameters that matter, first value of each (as parse_qs would give them).
    query: dict[str, list[str]] = {}
    for key, value in _QUERY_IDS.findall(query_text):
        query.setdefault(key, [value])
    path = [p for p in path_text.split("/") if p]
    page = post = ""
    if len(path) >= 3 and path[1] == "posts":
        page, post = path[0], path[2]
    elif path and path[0] in ("permalink.php", "story.php"):
        post, page = query.get("story_fbid", [""])[0], query.get("id", [""])[0]
    if not page.isdecimal():
        page = ""
    if not post.isdecimal():
        post = ""
    comment = query.get("comment_id", [""])[0]
    reply = query.get("reply_comment_id", [""])[0]
    return page, post, comment if comment.isdecimal() else "", reply if reply.isdecimal() else ""


def _facebook_media(obj: dict) -> tuple[CapturedMedia, ...]:
    urls: list[str] = []

    def add(url: object) -> None:
        if isinstance(url, str) and url.startswith(("http://", "https://")) and url not in urls:
            urls.append(url)

    def attachment(entry: object) -> None:
        if not isinstance(entry, dict):
            return
        media = entry.get("media")
        if isinstance(media, dict):
            add(media.get("source"))
            image = media.get("image")
            if isinstance(image, dict):
                add(image.get("src"))
        sub = entry.get("subattachments")
        if isinstance(sub, dict) and isinstance(sub.get("data"), list):
            for child in sub["data"]:
                attachment(child)

    add(obj.get("full_picture"))
    attachments = obj.get("attachments")
    if isinstance(attachments, dict) and isinstance(attachments.get("data"), list):
        for entry in attachments["data"]:
            attachment(entry)
    attachment(obj.get("attachment"))
    return tuple(url_media(url) for url in urls)


def _is_comment(obj: dict, place: GraphPlace, nested: bool) -> bool:
    if nested:
        return True
    link = obj.get("permalink_url")
    if isinstance(link, str) and "comment_id=" in link:
        return True
    keys = set(obj)
    if keys & _POST_KEYS:
        return False
    if keys & _COMMENT_KEYS:
        return True
    return place.edge in ("comments", "replies")


def _facebook_element(
    obj: dict, place: GraphPlace, context: ReadContext
) -> Iterator[CapturedItem | SourceError]:
    obj = must_be_object(obj)
    if _is_comment(obj, place, nested=False):
        parent = place.object_id if place.edge in ("comments", "replies") else ""
        yield from _comment_tree(obj, context, parent=parent, parent_is_comment=False, thread="")
    else:
        yield from _post_tree(obj, context)


def _post_tree(obj: dict, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    post_id = id_of(obj.get("id"), "id", required=True)
    page_id = post_id.split("_")[0] if "_" in post_id else ""
    sender = object_of(obj.get("from"), "from")
    author_id = id_of(sender.get("id"), "from.id")
    author_name = text_of(sender.get("name"), "from.name")
    if sender:
        own = context.is_own(author_id, author_name) or (bool(page_id) and author_id == page_id)
    else:
        # Without `from` (the /posts edge, or /feed without asking for it) the post is taken
        # to be the Page's own: docs/platforms/facebook.md says to ask for `from`.
        author_id, own = page_id, True
    yield CapturedItem(
        platform_id=post_id,
        kind=Kind.POST,
        text=text_of(obj.get("message"), "message"),
        created_at=parse_time(obj.get("created_time"), "created_time"),
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_id=author_id,
        author_name=author_name,
        author_is_organisation=own,
        title=text_of(obj.get("story"), "story"),
        permalink=text_of(obj.get("permalink_url"), "permalink_url"),
        hidden=flag_of(obj.get("is_hidden"), "is_hidden"),
        media=_facebook_media(obj),
    )
    comments = object_of(obj.get("comments"), "comments")
    yield from each(
        list_of(comments.get("data"), "comments.data"),
        "comments.data",
        lambda c: _comment_tree(
            must_be_object(c), context, parent=post_id, parent_is_comment=False, thread=post_id
        ),
    )


def _comment_tree(
    obj: dict, context: ReadContext, *, parent: str, parent_is_comment: bool, thread: str
) -> Iterator[CapturedItem | SourceError]:
    link = text_of(obj.get("permalink_url"), "permalink_url")
    page, post, comment, reply = _permalink_ids(link)
    comment_id = id_of(obj.get("id"), "id")
    if not comment_id:
        if not (post and (reply or comment)):
            raise SourceError("id", "missing, and no permalink_url names the comment")
        comment_id = f"{post}_{reply or comment}"
    explicit = id_of(object_of(obj.get("parent"), "parent").get("id"), "parent.id")
    is_reply = parent_is_comment
    if explicit:
        parent, is_reply = explicit, True
    elif parent_is_comment:
        pass
    elif reply and post and comment:
        parent, is_reply = f"{post}_{comment}", True
    elif not parent and page and post:
        parent = f"{page}_{post}"
    if not thread and page and post:
        thread = f"{page}_{post}"
    if parent == comment_id:
        raise SourceError("parent", "the comment names itself as its parent")
    page_id = thread.split("_")[0] if "_" in thread else page
    sender = object_of(obj.get("from"), "from")
    author_id = id_of(sender.get("id"), "from.id")
    author_name = text_of(sender.get("name"), "from.name")
    own = bool(author_id or author_name) and (
        context.is_own(author_id, author_name) or (bool(page_id) and author_id == page_id)
    )
    yield CapturedItem(
        platform_id=comment_id,
        kind=Kind.REPLY if is_reply else Kind.COMMENT,
        text=text_of(obj.get("message"), "message"),
        created_at=parse_time(obj.get("created_time"), "created_time"),
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_id=author_id,
        author_name=author_name,
        author_is_organisation=own,
        parent_id=parent,
        thread_id=thread,
        permalink=link,
        hidden=flag_of(obj.get("is_hidden"), "is_hidden"),
        media=_facebook_media(obj),
    )
    replies = object_of(obj.get("comments"), "comments")
    yield from each(
        list_of(replies.get("data"), "comments.data"),
        "comments.data",
        lambda r: _comment_tree(
            must_be_object(r), context, parent=comment_id, parent_is_comment=True, thread=thread
        ),
    )


def items_from_graph_page(
    obj: dict, context: ReadContext, place: GraphPlace | None = None
) -> Iterator[CapturedItem | SourceError]:
    """The items of one fetched Facebook Graph response: a page of /{page}/feed, /posts or
    /{post}/comments (`data` + `paging`), or a single post or comment. The live connector
    passes `place` (the object and edge it asked for); a saved page's paging URL gives it."""
    if place is None:
        place = place_of_page(obj)
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        for index, element in enumerate(obj["data"]):
            yield from located(
                lambda element=element: _facebook_element(element, place, context), f"item {index}"
            )
    elif isinstance(obj, dict) and isinstance(obj.get("error"), dict):
        yield SourceError("error", f"a Graph API error response ({obj['error'].get('message')})")
    else:
        yield from located(lambda: _facebook_element(obj, place, context), "object")


def _page_object(bundle: Bundle, name: str, keys: set[str]) -> tuple[str, frozenset[str]]:
    """A saved /{page} object ({"id", "name", "username"}) names the account."""
    if not ({"username", "fan_count", "category"} & keys) or "created_time" in keys:
        return "", frozenset()
    try:
        obj = orjson.loads(bundle.read_bytes(name, OWNER_FILE_LIMIT))
    except (orjson.JSONDecodeError, *FILE_ERRORS):
        return "", frozenset()
    if not isinstance(obj, dict):
        return "", frozenset()
    values = [obj.get(k) for k in ("username", "name", "id")]
    values = [str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
    return (values[0] if values else ""), frozenset(values)


class GraphReader(Reader):
    """Saved Graph API responses of one Meta platform. Detection looks at the first bytes of
    each JSON file: a page of the platform's shape counts; an object naming the account (the
    page or the user) gives the account and is not read as content."""

    platform = PLATFORM
    account_kind = "page"

    def is_page(self, head: bytes) -> bool:
        raise NotImplementedError

    def owner(self, bundle: Bundle, name: str, keys) -> tuple[str, frozenset[str]]:
        raise NotImplementedError

    def element(self, *args, **kwargs):
        raise NotImplementedError

    def detect(self, bundle: Bundle) -> Found | None:
        names = graph_json_names(bundle)
        recognised = 0
        account, identifiers, owner_files = "", frozenset(), []
        for name in names[:DETECT_FILES]:
            head = safe_head(bundle, name)
            shape, keys = top_level(head)
            if shape and self.is_page(head):
                recognised += 1
            elif shape == "object" and not account:
                account, identifiers = self.owner(bundle, name, keys)
                if account:
                    owner_files.append(name)
        if not recognised:
            return None
        files = [n for n in names if n not in owner_files]
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"{self.label} of {account}" if account else self.label,
            account=account,
            account_ids=identifiers,
            counts={"saved responses": len(files)},
            details={"files": files},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        yield from read_graph_files(bundle, found.details["files"], self.element, context)


@register
class FacebookGraphReader(GraphReader):
    """Saved Facebook Graph API responses: pages of /{page}/feed, /{page}/posts and
    /{post}/comments, single posts and comments, as one JSON file or a folder or zip."""

    name = "facebook-graph"
    label = "Facebook Graph API pages"
    label_in_sentence = "Facebook Graph API pages"
    expects = (
        'saved Graph API responses of a page\'s feed or comments ({"data": [...], "paging": ...})'
    )

    def is_page(self, head: bytes) -> bool:
        return bool(_GRAPH_TIME.search(head))

    def owner(self, bundle: Bundle, name: str, keys) -> tuple[str, frozenset[str]]:
        return _page_object(bundle, name, keys)

    def element(self, *args, **kwargs):
        return _facebook_element(*args, **kwargs)


READERS = module_readers(__name__)
