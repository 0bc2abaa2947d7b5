"""Instagram: a professional account's data export and saved Graph API pages.

The export is Meta's "Download your information" JSON, with the same mojibake and the same
lack of platform ids as Facebook's: items get ids from their kind and creation second, for
the reason facebook.py gives. The Graph API pages share Facebook's page walking.
"""

import re
from collections.abc import Iterator

import orjson

from .base import CapturedItem, CapturedMedia, Kind, SourceError, SourceNotice
from .bundle import Bundle
from .facebook import (
    FILE_ERRORS,
    OWNER_FILE_LIMIT,
    ExportIds,
    GraphPlace,
    GraphReader,
    each,
    export_media,
    located,
    must_be_object,
    natural_order,
    place_of_page,
    raw_json,
    root_of,
    safe_head,
    stream_export_array,
    text_of,
    top_level,
    url_media,
)
from .fields import id_of, list_of, object_of
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import from_epoch, parse_time

__all__ = [
    "READERS",
    "InstagramExportReader",
    "InstagramGraphReader",
    "items_from_graph_page",
]

PLATFORM = "instagram"


# The Instagram export ("Download your information", JSON).

# (patterns, kind, id prefix): the files of what the account published. New exports keep
# them under your_instagram_activity/content/ (or .../media/), older ones under content/.
_CONTENT = (
    (
        (
            "*your_instagram_activity/content/posts_*.json",
            "*your_instagram_activity/media/posts_*.json",
            "*content/posts_*.json",
            "posts_*.json",  # the file sent alone
        ),
        Kind.POST,
        "dyi:post:",
    ),
    (
        (
            "*your_instagram_activity/content/stories.json",
            "*your_instagram_activity/media/stories.json",
            "*content/stories.json",
            "stories.json",
        ),
        Kind.STORY,
        "dyi:story:",
    ),
    (
        (
            "*your_instagram_activity/content/reels.json",
            "*your_instagram_activity/media/reels.json",
            "*content/reels.json",
            "reels.json",
        ),
        Kind.VIDEO,
        "dyi:reel:",
    ),
)
_COMMENTS = (
    "*comments/post_comments*.json",
    "*comments/reels_comments*.json",
    "post_comments*.json",
    "reels_comments*.json",
)
# A file of the export sent alone must look like one: Instagram's export writes these keys.
_EXPORT_MARKERS = (b'"creation_timestamp"', b'"string_map_data"', b'"ig_stories"', b'"uri"')
_ROOT_MARKERS = ("your_instagram_activity/", "content/", "comments/", "media/")


def _array_prefix(bundle: Bundle, name: str) -> str | None:
    """Where a file's list is: the top level ("item"), or the one key of an object
    ({"ig_stories": [...]} -> "ig_stories.item"); None when it is neither."""
    shape, keys = top_level(safe_head(bundle, name, 512))
    if shape == "array":
        return "item"
    if shape == "object" and keys:
        key = sorted(keys)[0]
        if re.fullmatch(r"[A-Za-z0-9_]+", key):
            return f"{key}.item"
    return None


def _looks_exported(bundle: Bundle, name: str) -> bool:
    head = safe_head(bundle, name, 4096)
    return any(marker in head for marker in _EXPORT_MARKERS)


def _export_owner(bundle: Bundle) -> tuple[str, str]:
    """(username, display name) from personal_information/personal_information.json."""
    name = bundle.first("*personal_information/personal_information.json")
    if name is None:
        return "", ""
    try:
        data = orjson.loads(bundle.read_bytes(name, OWNER_FILE_LIMIT))
        fields = data["profile_user"][0]["string_map_data"]
    except (orjson.JSONDecodeError, LookupError, TypeError, *FILE_ERRORS):
        return "", ""
    if not isinstance(fields, dict):
        return "", ""

    def value(key: str) -> str:
        entry = fields.get(key)
        text = entry.get("value") if isinstance(entry, dict) else None
        return text_of(text, key, mojibake=True).strip() if isinstance(text, str) else ""

    return value("Username").lstrip("@"), value("Name")


@register
class InstagramExportReader(Reader):
    """The JSON "Download your information" export of an Instagram account: its posts,
    stories, reels, and the comments it wrote. Comments by others are not in it."""

    platform = PLATFORM
    name = "instagram-export"
    label = "Instagram export"
    label_in_sentence = "an Instagram export"
    expects = (
        'Instagram\'s "Download your information" in JSON: the zip or folder with '
        "your_instagram_activity/content/posts_1.json, or that file alone"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        content = []
        for patterns, kind, prefix in _CONTENT:
            for name in natural_order(bundle.find(*patterns)):
                array = _array_prefix(bundle, name)
                if array and ("/" in name or _looks_exported(bundle, name)):
                    content.append((name, array, kind, prefix))
        comments = []
        for name in natural_order(bundle.find(*_COMMENTS)):
            array = _array_prefix(bundle, name)
            if array and ("/" in name or _looks_exported(bundle, name)):
                comments.append((name, array))
        if not content and not comments:
            return None
        username, display_name = _export_owner(bundle)
        first = content[0][0] if content else comments[0][0]
        account = f"@{username}" if username else ""
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"Instagram export of {account}" if account else self.label,
            account=account,
            account_ids=frozenset(filter(None, {username, display_name})),
            details={
                "content": content,
                "comments": comments,
                "root": root_of(first, *_ROOT_MARKERS),
                "username": username,
                "name": display_name,
            },
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        root = found.details.get("root", "")
        owner = (found.details.get("username", ""), found.details.get("name", ""))
        ids: dict[str, ExportIds] = {}
        for name, array, kind, prefix in found.details.get("content", []):
            counter = ids.setdefault(prefix, ExportIds(prefix))
            yield from stream_export_array(
                bundle,
                name,
                array,
                lambda obj, _i, kind=kind, counter=counter: _export_content(
                    obj, kind, bundle, root, owner, counter, context
                ),
            )
        counter = ExportIds("dyi:comment:")
        for name, array in found.details.get("comments", []):
            yield from stream_export_array(
                bundle, name, array, lambda obj, _i: _export_comment(obj, owner, counter, context)
            )


def _export_content(obj, kind, bundle, root, owner, ids, context) -> tuple[CapturedItem, list]:
    """A post ({"media": [...], "title", "creation_timestamp"}) or a story or reel (one
    media entry, or a post-shaped entry). A single-picture post keeps its caption and time
    in its only media entry."""
    obj = must_be_object(obj)
    if "media" in obj:
        entries = list_of(obj["media"], "media")
        keys = [f"media[{index}]" for index in range(len(entries))]
    else:
        entries, keys = [obj], [""]
    first = object_of(entries[0], keys[0] or "media") if entries else {}
    text = text_of(obj.get("title"), "title", mojibake=True)
    if not text and first is not obj:
        text = text_of(first.get("title"), _at(keys[0], "title"), mojibake=True)
    if obj.get("creation_timestamp") is not None:
        created = from_epoch(obj["creation_timestamp"], "creation_timestamp")
    else:
        key = _at(keys[0] if keys else "media[0]", "creation_timestamp")
        created = from_epoch(first.get("creation_timestamp"), key)
    media: list[CapturedMedia] = []
    problems = []
    for key, entry in zip(keys, entries, strict=True):
        entry = object_of(entry, key or "media")
        try:
            media.append(export_media(bundle, root, entry.get("uri"), _at(key, "uri")))
        except SourceError as problem:
            problems.append(
                SourceNotice(
                    problem.location, f"{problem.reason}; the post was imported without the file"
                )
            )
    username, display_name = _owner_or_channel(owner, context)
    item = CapturedItem(
        platform_id=ids.next(int(created.timestamp())),
        kind=kind,
        text=text,
        created_at=created,
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_name=display_name,
        author_handle=username,
        author_is_organisation=True,  # the export's own posts
        media=tuple(media),
    )
    return item, problems


def _owner_or_channel(owner: tuple[str, str], context: ReadContext) -> tuple[str, str]:
    """(username, display name) of the export's owner, or else the channel's account."""
    username, name = owner
    if not name and not username:
        return context.account, context.account_name
    return username or context.account, name or context.account_name


def _at(key: str, part: str) -> str:
    return f"{key}.{part}" if key else part


def _string_map_value(fields: dict, key: str, part: str):
    entry = object_of(fields.get(key), f"string_map_data.{key}")
    return entry.get(part)


def _export_comment(obj, owner, ids, context) -> tuple[CapturedItem, list]:
    obj = must_be_object(obj)
    fields = object_of(obj.get("string_map_data"), "string_map_data")
    if not fields:
        raise SourceError("string_map_data", "missing")
    created = from_epoch(
        _string_map_value(fields, "Time", "timestamp"), "string_map_data.Time.timestamp"
    )
    text = text_of(
        _string_map_value(fields, "Comment", "value"),
        "string_map_data.Comment.value",
        mojibake=True,
    )
    username, display_name = _owner_or_channel(owner, context)
    item = CapturedItem(
        platform_id=ids.next(int(created.timestamp())),
        kind=Kind.COMMENT,
        text=text,
        created_at=created,
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_name=display_name,
        author_handle=username,
        author_is_organisation=True,  # the export lists the comments its owner wrote
    )
    return item, []


# Saved Instagram Graph API pages.

_IG_TIME = re.compile(rb'"timestamp"\s*:\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"')
_MEDIA_KEYS = {
    "caption",
    "media_type",
    "media_url",
    "permalink",
    "children",
    "media_product_type",
    "shortcode",
    "thumbnail_url",
}
_PRODUCT_KINDS = {"STORY": Kind.STORY, "REELS": Kind.VIDEO}


def _instagram_media_files(obj: dict) -> tuple[CapturedMedia, ...]:
    urls: list[str] = []

    def add(entry: object) -> None:
        if not isinstance(entry, dict):
            return
        for key in ("media_url", "thumbnail_url"):
            url = entry.get(key)
            if isinstance(url, str) and url.startswith(("http://", "https://")) and url not in urls:
                urls.append(url)

    children = obj.get("children")
    if isinstance(children, dict) and isinstance(children.get("data"), list) and children["data"]:
        for child in children["data"]:
            add(child)  # an album's pictures and videos belong to the one post
    else:
        add(obj)
    return tuple(url_media(url) for url in urls)


def _instagram_element(
    obj: dict, place: GraphPlace, context: ReadContext
) -> Iterator[CapturedItem | SourceError]:
    obj = must_be_object(obj)
    if set(obj) & _MEDIA_KEYS or (place.edge == "media" and "text" not in obj):
        yield from _media_tree(obj, context)
        return
    if "text" not in obj and place.edge not in ("comments", "replies"):
        raise SourceError("", "neither a media object nor a comment")
    parent, is_reply, thread = "", False, ""
    if place.edge == "comments":
        parent = thread = place.object_id
    elif place.edge == "replies":
        parent, is_reply = place.object_id, True
    yield from _comment_tree(obj, context, parent=parent, is_reply=is_reply, thread=thread)


def _media_tree(obj: dict, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    media_id = id_of(obj.get("id"), "id", required=True)
    username = text_of(obj.get("username"), "username")
    owner_id = id_of(object_of(obj.get("owner"), "owner").get("id"), "owner.id")
    # /{ig-user}/media lists only the account's own media; when the object names its owner,
    # the owner decides.
    own = context.is_own(username, owner_id) if (username or owner_id) else True
    product = obj.get("media_product_type")
    yield CapturedItem(
        platform_id=media_id,
        kind=_PRODUCT_KINDS.get(product, Kind.POST) if isinstance(product, str) else Kind.POST,
        text=text_of(obj.get("caption"), "caption"),
        created_at=parse_time(obj.get("timestamp"), "timestamp"),
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_id=owner_id,
        author_handle=username,
        author_is_organisation=own,
        permalink=text_of(obj.get("permalink"), "permalink"),
        media=_instagram_media_files(obj),
    )
    comments = object_of(obj.get("comments"), "comments")
    yield from each(
        list_of(comments.get("data"), "comments.data"),
        "comments.data",
        lambda c: _comment_tree(
            must_be_object(c), context, parent=media_id, is_reply=False, thread=media_id
        ),
    )


def _comment_tree(
    obj: dict, context: ReadContext, *, parent: str, is_reply: bool, thread: str
) -> Iterator[CapturedItem | SourceError]:
    comment_id = id_of(obj.get("id"), "id", required=True)
    media_id = id_of(object_of(obj.get("media"), "media").get("id"), "media.id")
    explicit = id_of(obj.get("parent_id"), "parent_id")
    if explicit:
        parent, is_reply = explicit, True
    elif not parent and media_id:
        parent = media_id
    thread = thread or media_id
    if parent == comment_id:
        raise SourceError("parent_id", "the comment names itself as its parent")
    sender = object_of(obj.get("from"), "from")
    username = text_of(obj.get("username"), "username") or text_of(
        sender.get("username"), "from.username"
    )
    author_id = id_of(sender.get("id"), "from.id") or id_of(
        object_of(obj.get("user"), "user").get("id"), "user.id"
    )
    yield CapturedItem(
        platform_id=comment_id,
        kind=Kind.REPLY if is_reply else Kind.COMMENT,
        text=text_of(obj.get("text"), "text"),
        created_at=parse_time(obj.get("timestamp"), "timestamp"),
        captured_at=context.captured_at,
        raw=raw_json(obj),
        author_id=author_id,
        author_handle=username,
        author_is_organisation=bool(username or author_id) and context.is_own(username, author_id),
        parent_id=parent,
        thread_id=thread,
        hidden=bool(obj.get("hidden")) if isinstance(obj.get("hidden"), bool) else False,
    )
    replies = object_of(obj.get("replies"), "replies")
    yield from each(
        list_of(replies.get("data"), "replies.data"),
        "replies.data",
        lambda r: _comment_tree(
            must_be_object(r), context, parent=comment_id, is_reply=True, thread=thread
        ),
    )


def items_from_graph_page(
    obj: dict, context: ReadContext, place: GraphPlace | None = None
) -> Iterator[CapturedItem | SourceError]:
    """The items of one fetched Instagram Graph response: a page of /{ig-user}/media,
    /{media}/comments or /{comment}/replies (`data` + `paging`), or a single media or
    comment. The live connector passes `place` (the object and edge it asked for)."""
    if place is None:
        place = place_of_page(obj)
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        for index, element in enumerate(obj["data"]):
            yield from located(
                lambda element=element: _instagram_element(element, place, context),
                f"item {index}",
            )
    elif isinstance(obj, dict) and isinstance(obj.get("error"), dict):
        yield SourceError("error", f"a Graph API error response ({obj['error'].get('message')})")
    else:
        yield from located(lambda: _instagram_element(obj, place, context), "object")


def _user_object(bundle: Bundle, name: str, keys: set[str]) -> tuple[str, frozenset[str]]:
    """A saved /{ig-user} object ({"id", "username", "followers_count"}) names the account."""
    if "username" not in keys or "timestamp" in keys or "text" in keys or _MEDIA_KEYS & keys:
        return "", frozenset()
    try:
        obj = orjson.loads(bundle.read_bytes(name, OWNER_FILE_LIMIT))
    except (orjson.JSONDecodeError, *FILE_ERRORS):
        return "", frozenset()
    if not isinstance(obj, dict) or not isinstance(obj.get("username"), str):
        return "", frozenset()
    values = [obj.get(k) for k in ("username", "name", "id")]
    values = [str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
    return f"@{values[0]}", frozenset(values)


@register
class InstagramGraphReader(GraphReader):
    """Saved Instagram Graph API responses: pages of /{ig-user}/media, /{media}/comments and
    /{comment}/replies, single media and comments, as one JSON file or a folder or zip."""

    platform = PLATFORM
    name = "instagram-graph"
    label = "Instagram Graph API pages"
    label_in_sentence = "Instagram Graph API pages"
    expects = 'saved Instagram Graph API responses of media, comments or replies ({"data": [...]})'

    def is_page(self, head: bytes) -> bool:
        return bool(_IG_TIME.search(head)) and b'"created_time"' not in head

    def owner(self, bundle: Bundle, name: str, keys) -> tuple[str, frozenset[str]]:
        return _user_object(bundle, name, keys)

    def element(self, *args, **kwargs):
        return _instagram_element(*args, **kwargs)


READERS = module_readers(__name__)
