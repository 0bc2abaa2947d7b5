"""WordPress: the WXR export ("Verktyg > Exportera") and saved REST API pages (/wp/v2/...).

Both formats give the same platform ids, so a site imported from its export and later from
its API stays one set of records: "post:<id>" for posts and pages (WordPress numbers both from
one table), "comment:<id>" for comments.

Everything the site's own authors publish is drawn up by the organisation. Comments are
received unless a registered author of the site wrote them. Only what the public could see is
imported: published posts and pages, approved comments, and pending ones (kept hidden).
Drafts, private posts, spam and trashed comments never were public and are left out; how many
is reported once, at the end of the file, so that the person importing sees it.

Times: `*_gmt` fields are UTC without a zone. When a `*_gmt` field is empty or
"0000-00-00 00:00:00" (WordPress writes that for items never published), the local time is
read as UTC too: neither the export nor the API pages name the site's time zone.
"""

import html
import mimetypes
import re
from collections.abc import Collection, Iterator
from xml.etree.ElementTree import ParseError

import orjson
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

# formats loads this module while it is itself being loaded: take json_array_items from the
# module at call time, not at import time.
from . import formats
from .base import CapturedItem, CapturedMedia, Kind, SourceError, SourceNotice
from .bundle import Bundle
from .clean import html_to_text, safe_text
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import parse_time

__all__ = [
    "READERS",
    "WordPressExportReader",
    "WordPressRestReader",
    "items_from_comments_page",
    "items_from_posts_page",
    "items_from_revisions_page",
]

WXR_NAMESPACE = "http://wordpress.org/export/"
# WXR's namespaces by family, not by exact URI: WordPress has written
# http://wordpress.org/export/1.0/ to .../1.2/, current versions write https://, and some
# plugins and wordpress.com other hosts. A URI is WXR's when it ends in export/<version>/
# (excerpt/ after it for the excerpt namespace), or when the document binds it to wp:.
_WXR_URI = re.compile(r"^https?://[^/]+(?:/[^/]+)*?/export/\d+(?:\.\d+)*/?(excerpt/?)?$")
_WXR_HEAD = re.compile(
    rb"xmlns:wp\s*=|<wp:wxr_version\b|https?://(?:[\w-]+\.)*wordpress\.(?:org|com)/export/"
)
_declared: dict[str, str] = {}  # namespace URI -> "wp" / "excerpt", as documents bind them
_NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
ZERO_DATE = "0000-00-00 00:00:00"
ARTICLE_TYPES = ("post", "page")
# A WXR attachment says it is one in this element; a plain byte search finds out whether
# the export has any, so that the extra pass collecting them is made only when needed.
_ATTACHMENT_MARKERS = (
    b"[attachment]]></wp:post_type>",
    b"<wp:post_type>attachment</wp:post_type>",
)
_SCAN_CHUNK = 4 * 1024 * 1024
_REST_SITE = re.compile(rb'"href"\s*:\s*"(https?://[^"\s]+?)(?:/wp-json/|/index\.php\?rest_route=)')
_REST_LINK = re.compile(rb'"link"\s*:\s*"(https?://[^/"\s]+)')


def _site_name(url: str) -> str:
    return re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE).rstrip("/")


class _Skipped:
    """What was left out because it never was public, reported once per file."""

    def __init__(self) -> None:
        self.posts = 0
        self.comments = 0

    def notice(self, name: str) -> SourceNotice | None:
        parts = []
        if self.posts == 1:
            parts.append("1 draft, private or trashed post")
        elif self.posts:
            parts.append(f"{self.posts:,} drafts, private or trashed posts")
        if self.comments == 1:
            parts.append("1 spam or trashed comment")
        elif self.comments:
            parts.append(f"{self.comments:,} spam or trashed comments")
        if not parts:
            return None
        return SourceNotice(name, f"not imported, never public: {' and '.join(parts)}")


# The WXR export.


def looks_like_wxr(head: bytes) -> bool:
    """Whether the first bytes of an XML file are a WordPress export (any WXR version,
    http or https namespace): the feed reader leaves such files to this one."""
    return b"<rss" in head and _WXR_HEAD.search(head) is not None


def _learn_namespace(prefix: str, uri: str) -> None:
    if prefix in ("wp", "excerpt"):
        _declared[uri] = prefix


def _key(tag: str) -> str:
    """ "wp:post_id", "content:encoded", "title": one name whatever the WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    prefix = _declared.get(uri)
    if prefix is None:
        match = _WXR_URI.match(uri)
        if match or uri.startswith(WXR_NAMESPACE):
            excerpt = (match and match.group(1)) or uri.rstrip("/").endswith("excerpt")
            prefix = "excerpt" if excerpt else "wp"
    if prefix:
        return f"{prefix}:{local}"
    return f"{_NAMESPACE_PREFIXES.get(uri, uri)}:{local}"


def _plain(fields: dict, key: str) -> str:
    """A name as WordPress stores it, with its HTML entities ("&laquo;", "&#8217;") decoded:
    authors of pingbacks and display names are HTML-escaped in both the export and the API."""
    return safe_text(html.unescape(_text(fields, key)))


def _fields(element) -> dict:
    """An element's children as a JSON-able object: the item's raw payload."""
    fields: dict = {}
    for child in element:
        key = _key(child.tag)
        if key == "wp:comment":
            continue
        if len(child):  # wp:postmeta, wp:commentmeta
            fields.setdefault(key, []).append({_key(c.tag): c.text or "" for c in child})
        elif key == "category":
            fields.setdefault(key, []).append({**child.attrib, "name": child.text or ""})
        else:
            fields[key] = child.text or ""
    return fields


def _text(fields: dict, key: str) -> str:
    value = fields.get(key, "")
    if not isinstance(value, str):
        raise SourceError(key, "expected text")
    return value.strip()


def _wxr_time(fields: dict, gmt_key: str, local_key: str) -> object:
    value = _text(fields, gmt_key)
    if value and value != ZERO_DATE:
        return parse_time(value, gmt_key)
    return parse_time(_text(fields, local_key), local_key)


def _number(value: str, key: str) -> str:
    if not value.isdecimal():
        raise SourceError(key, f"expected a number, found {value[:40]!r}")
    return str(int(value))


@register
class WordPressExportReader(Reader):
    platform = "wordpress"
    name = "wordpress-wxr"
    label = "WordPress export (WXR)"
    label_in_sentence = "a WordPress export"
    expects = "WordPress's export file (WXR, Tools > Export), an RSS file with the wp: namespace"

    def _files(self, bundle: Bundle) -> list[str]:
        """Every WXR file: a large site may be exported in several."""
        files = []
        for name in sorted(bundle.names()):
            if name.lower().endswith(".xml"):
                head = bundle.head(name, 8192)
                if looks_like_wxr(head):
                    files.append(name)
        return files

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            files = self._files(bundle)
            if not files:
                return None
            name = files[0]
            head = bundle.head(name, 64 * 1024).decode("utf-8", "replace")
        except (OSError, KeyError, ValueError):
            return None
        site = _first(r"<wp:base_blog_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", head) or _first(
            r"<channel>.*?<link>\s*([^<\s]+)\s*</link>", head
        )
        title = _first(r"<channel>.*?<title>(?:<!\[CDATA\[)?([^<\]]*)", head)
        account_ids = {site} if site else set()
        base = _first(r"<wp:base_site_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)", head)
        if base:
            account_ids.add(base)
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"WordPress export of {_site_name(site) if site else title or name}",
            account=site,
            account_ids=frozenset(account_ids),
            counts={"files": len(files)} if len(files) > 1 else {},
            details={"files": files},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        files = found.details.get("files") or self._files(bundle)
        if not files:
            yield SourceError(bundle.label, "no WordPress export (WXR) file found")
        for name in files:
            yield from self._read_file(bundle, name, context)

    def _read_file(
        self, bundle: Bundle, name: str, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        media: dict[str, list[CapturedMedia]] = {}
        if _has_attachments(bundle, name):
            try:
                for kind, element, _channel in _wxr_elements(bundle, name):
                    if kind == "item":
                        _collect_attachment(element, media)
            except SourceError:
                pass  # the main pass below reports the broken file
        site = _Site()
        skipped = _Skipped()
        try:
            for kind, element, _channel in _wxr_elements(bundle, name):
                if kind == "channel":
                    site.learn(element)
                    continue
                try:
                    fields = _fields(element)
                    where = f"{name}, item {fields.get('wp:post_id') or '?'}"
                except (TypeError, ValueError, AttributeError) as error:
                    yield SourceError(f"{name}, item", f"unreadable ({error})")
                    continue
                yield from _wxr_item(element, fields, where, site, media, skipped, context)
        except SourceError as error:
            yield SourceError(f"{name}, {error.location}", error.reason)
        notice = skipped.notice(name)
        if notice:
            yield notice


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.DOTALL)
    return match.group(1).strip() if match else ""


def _has_attachments(bundle: Bundle, name: str) -> bool:
    overlap = max(len(m) for m in _ATTACHMENT_MARKERS)
    tail = b""
    with bundle.open(name) as stream:
        while chunk := stream.read(_SCAN_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _ATTACHMENT_MARKERS):
                return True
            tail = window[-overlap:]
    return False


def _wxr_elements(bundle: Bundle, name: str):
    """("channel", element) for the channel's own children, ("item", element) for each item,
    each dropped from the tree once used so that memory stays flat."""
    depth = 0
    channel = None
    with bundle.open(name) as stream:
        try:
            for event, element in iterparse(stream, events=("start", "end", "start-ns")):
                if event == "start-ns":
                    _learn_namespace(*element)
                    continue
                if event == "start":
                    depth += 1
                    if depth == 2 and _key(element.tag) == "channel":
                        channel = element
                    continue
                if depth == 3 and channel is not None:
                    kind = "item" if element.tag == "item" else "channel"
                    yield kind, element, channel
                    element.clear()
                    channel.remove(element)
                depth -= 1
        except ParseError as error:
            raise SourceError("XML", f"the file is cut short or malformed ({error})") from None
        except DefusedXmlException as error:
            raise SourceError("XML", f"refused: {error}") from None
        except UnicodeDecodeError as error:
            raise SourceError("XML", f"wrong text encoding (byte {error.start})") from None
    if channel is None:
        raise SourceError("XML", "no <channel> element: not a WordPress export")


def _collect_attachment(element, media: dict[str, list[CapturedMedia]]) -> None:
    values = {}
    for child in element:
        key = _key(child.tag)
        if key in ("wp:post_type", "wp:post_parent", "wp:attachment_url", "wp:status"):
            values[key] = (child.text or "").strip()
    parent = values.get("wp:post_parent", "")
    url = values.get("wp:attachment_url", "")
    if values.get("wp:post_type") == "attachment" and parent not in ("", "0") and url:
        mime_type = mimetypes.guess_type(url.split("?")[0])[0] or ""
        media.setdefault(parent, []).append(CapturedMedia(url=url, mime_type=mime_type))


class _Site:
    """The channel's facts that items need: its authors and its language."""

    def __init__(self) -> None:
        self.language = ""
        self.authors: dict[str, tuple[str, str]] = {}  # login -> (id, display name)
        self.author_ids: set[str] = set()

    def learn(self, element) -> None:
        key = _key(element.tag)
        if key == "language":
            self.language = (element.text or "").strip()[:16]
        elif key == "wp:author":
            values = {_key(c.tag): (c.text or "").strip() for c in element}
            login = html.unescape(values.get("wp:author_login", ""))
            author_id = values.get("wp:author_id", "")
            name = html.unescape(values.get("wp:author_display_name", ""))
            self.authors[login] = (author_id, name)
            if author_id:
                self.author_ids.add(author_id)

    def is_author(self, user_id: str) -> bool:
        if user_id in ("", "0"):
            return False
        # WXR 1.0 has no list of authors: a registered user is then taken to be one.
        return user_id in self.author_ids if self.author_ids else True


def _wxr_item(element, fields, where, site, media, skipped, context):
    try:
        post_type = _text(fields, "wp:post_type")
        if post_type not in ARTICLE_TYPES:
            return  # attachments (media of their post), menu items, blocks, templates
        if _text(fields, "wp:status") != "publish":
            skipped.posts += 1
            return
        post_id = _number(_text(fields, "wp:post_id"), "wp:post_id")
        login = _plain(fields, "dc:creator")
        author_id, author_name = site.authors.get(login, ("", ""))
        created = _wxr_time(fields, "wp:post_date_gmt", "wp:post_date")
        edited = None
        if _text(fields, "wp:post_modified_gmt") not in ("", ZERO_DATE):
            modified = parse_time(_text(fields, "wp:post_modified_gmt"), "wp:post_modified_gmt")
            edited = modified if modified > created else None
        permalink = _text(fields, "link")
        post = CapturedItem(
            platform_id=f"post:{post_id}",
            kind=Kind.ARTICLE,
            text=html_to_text(_text(fields, "content:encoded")),
            created_at=created,
            captured_at=context.captured_at,
            raw=orjson.dumps(fields).decode(),
            author_id=author_id,
            author_name=safe_text(author_name or login),
            author_handle=safe_text(login),
            author_is_organisation=True,
            edited_at=edited,
            title=safe_text(html_to_text(_text(fields, "title"))),
            language=site.language,
            permalink=permalink,
            media=tuple(media.get(post_id, ())),
        )
    except SourceError as error:
        yield SourceError(f"{where}, {error.location}", error.reason)
        return
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        yield SourceError(where, f"unreadable ({error})")
        return
    yield post
    for comment in element:
        if _key(comment.tag) != "wp:comment":
            continue
        values = _fields(comment)
        label = f"{where}, comment {values.get('wp:comment_id') or '?'}"
        try:
            item = _wxr_comment(values, post, site, skipped, context)
        except SourceError as error:
            yield SourceError(f"{label}, {error.location}", error.reason)
            continue
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            yield SourceError(label, f"unreadable ({error})")
            continue
        if item is not None:
            yield item


def _wxr_comment(values, post, site, skipped, context) -> CapturedItem | None:
    approved = _text(values, "wp:comment_approved")
    if approved not in ("1", "0"):  # spam, trash, post-trashed
        skipped.comments += 1
        return None
    comment_id = _number(_text(values, "wp:comment_id"), "wp:comment_id")
    parent = _text(values, "wp:comment_parent") or "0"
    parent = _number(parent, "wp:comment_parent")
    user_id = _text(values, "wp:comment_user_id") or "0"
    return CapturedItem(
        platform_id=f"comment:{comment_id}",
        kind=Kind.COMMENT if parent == "0" else Kind.REPLY,
        text=html_to_text(_text(values, "wp:comment_content")),
        created_at=_wxr_time(values, "wp:comment_date_gmt", "wp:comment_date"),
        captured_at=context.captured_at,
        # The raw payload keeps the commenter's e-mail and address as the export has them;
        # the author fields never do.
        raw=orjson.dumps(values).decode(),
        author_id=user_id if user_id != "0" else "",
        author_name=_plain(values, "wp:comment_author"),
        author_is_organisation=site.is_author(user_id),
        parent_id=post.platform_id if parent == "0" else f"comment:{parent}",
        thread_id=post.platform_id,
        permalink=f"{post.permalink}#comment-{comment_id}" if post.permalink else "",
        hidden=approved == "0",
    )


# Saved REST API pages.


def _rendered(obj: dict, key: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, dict):
        value = value.get("rendered", "")
    if not isinstance(value, str):
        raise SourceError(f"{key}.rendered", f"expected text, found {type(value).__name__}")
    return value


def _rest_id(obj: dict, key: str) -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdecimal():
        raise SourceError(key, f"expected a number, found {value!r:.40}")
    return str(int(value))


def _rest_time(obj: dict, gmt_key: str, local_key: str):
    value = obj.get(gmt_key)
    if value and value != ZERO_DATE:
        return parse_time(value, gmt_key)
    return parse_time(obj.get(local_key), local_key)


def _embedded_author(obj: dict) -> str:
    embedded = obj.get("_embedded")
    if isinstance(embedded, dict):
        authors = embedded.get("author")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict):
            name = authors[0].get("name")
            return html.unescape(name) if isinstance(name, str) else ""
    return ""


def _featured_media(obj: dict) -> tuple[CapturedMedia, ...]:
    embedded = obj.get("_embedded")
    if not isinstance(embedded, dict):
        return ()
    media = embedded.get("wp:featuredmedia")
    if not isinstance(media, list):
        return ()
    found = []
    for entry in media:
        if isinstance(entry, dict) and isinstance(entry.get("source_url"), str):
            mime_type = entry.get("mime_type")
            found.append(
                CapturedMedia(
                    url=entry["source_url"],
                    mime_type=mime_type if isinstance(mime_type, str) else "",
                )
            )
    return tuple(found)


def _post_from_rest(obj: dict, context: ReadContext) -> CapturedItem | None:
    status = obj.get("status", "publish")
    if status != "publish":
        return None
    created = _rest_time(obj, "date_gmt", "date")
    edited = None
    if obj.get("modified_gmt") and obj.get("modified_gmt") != ZERO_DATE:
        modified = parse_time(obj["modified_gmt"], "modified_gmt")
        edited = modified if modified > created else None
    author = obj.get("author")
    link = obj.get("link") or ""
    if not isinstance(link, str):
        raise SourceError("link", "expected text")
    return CapturedItem(
        platform_id=f"post:{_rest_id(obj, 'id')}",
        kind=Kind.ARTICLE,
        text=html_to_text(_rendered(obj, "content")),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(obj).decode(),
        author_id=str(author) if isinstance(author, int) and not isinstance(author, bool) else "",
        author_name=safe_text(_embedded_author(obj)),
        author_is_organisation=True,
        edited_at=edited,
        title=html_to_text(_rendered(obj, "title")),
        permalink=link,
        media=_featured_media(obj),
    )


def _comment_from_rest(
    obj: dict, context: ReadContext, authors: Collection[str]
) -> CapturedItem | None:
    status = obj.get("status", "approved")
    if status not in ("approved", "hold", "unapproved", "0", "1"):
        return None
    comment_id = _rest_id(obj, "id")
    post = f"post:{_rest_id(obj, 'post')}"
    parent = _rest_id(obj, "parent") if obj.get("parent") not in (None, 0, "0") else "0"
    user = obj.get("author")
    user_id = str(user) if isinstance(user, int) and not isinstance(user, bool) and user else ""
    name = obj.get("author_name") or ""
    link = obj.get("link") or ""
    if not isinstance(name, str) or not isinstance(link, str):
        raise SourceError("author_name" if not isinstance(name, str) else "link", "expected text")
    return CapturedItem(
        platform_id=f"comment:{comment_id}",
        kind=Kind.COMMENT if parent == "0" else Kind.REPLY,
        text=html_to_text(_rendered(obj, "content")),
        created_at=_rest_time(obj, "date_gmt", "date"),
        captured_at=context.captured_at,
        raw=orjson.dumps(obj).decode(),
        author_id=user_id,
        author_name=safe_text(html.unescape(name)),
        author_is_organisation=bool(user_id) and user_id in authors,
        parent_id=post if parent == "0" else f"comment:{parent}",
        thread_id=post,
        permalink=link,
        hidden=status in ("hold", "unapproved", "0"),
    )


def _revision_from_rest(obj: dict, context: ReadContext) -> CapturedItem | None:
    slug = obj.get("slug") or ""
    if isinstance(slug, str) and "autosave" in slug:
        return None  # an autosave is an unsaved draft, never published
    saved = _rest_time(obj, "modified_gmt", "date_gmt")
    author = obj.get("author")
    return CapturedItem(
        platform_id=f"post:{_rest_id(obj, 'parent')}",
        kind=Kind.ARTICLE,
        text=html_to_text(_rendered(obj, "content")),
        created_at=_rest_time(obj, "date_gmt", "date"),
        captured_at=context.captured_at,
        raw=orjson.dumps(obj).decode(),
        author_id=str(author) if isinstance(author, int) and not isinstance(author, bool) else "",
        author_is_organisation=True,
        edited_at=saved,
        title=html_to_text(_rendered(obj, "title")),
    )


def _shape(obj) -> str:
    """What a REST object is: "comment", "revision" or "post" (posts and pages)."""
    if not isinstance(obj, dict):
        return ""
    if "post" in obj and "author_name" in obj:
        return "comment"
    if "content" not in obj or "id" not in obj:
        return ""  # users, categories, tags, media: not records
    if "parent" in obj and "type" not in obj and "status" not in obj:
        return "revision"
    if obj.get("type", "post") == "attachment":
        return ""
    return "post"


def _page_items(objects, converter, where: str) -> Iterator[CapturedItem | SourceError]:
    for index, obj in enumerate(objects):
        label = f"{where}, item {index}"
        if not isinstance(obj, dict):
            yield SourceError(label, f"expected an object, found {type(obj).__name__}")
            continue
        try:
            item = converter(obj)
        except SourceError as error:
            yield SourceError(f"{label}, {error.location}", error.reason)
            continue
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            yield SourceError(label, f"unreadable ({error})")
            continue
        if item is not None:
            yield item


def _as_list(obj) -> list:
    return obj if isinstance(obj, list) else [obj]


def items_from_posts_page(obj, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """A page of /wp/v2/posts or /wp/v2/pages (a list), or one post: for the live connector."""
    yield from _page_items(_as_list(obj), lambda o: _post_from_rest(o, context), "posts")


def items_from_comments_page(
    obj, context: ReadContext, *, authors: frozenset[str] = frozenset()
) -> Iterator[CapturedItem | SourceError]:
    """A page of /wp/v2/comments; `authors` are the user ids of the site's own authors."""
    yield from _page_items(
        _as_list(obj), lambda o: _comment_from_rest(o, context, authors), "comments"
    )


def items_from_revisions_page(obj, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """A page of /wp/v2/posts/<id>/revisions: each revision a version of its post, oldest
    first (the API lists newest first)."""
    objects = _as_list(obj)
    dated = [o for o in objects if isinstance(o, dict)]

    def order(o: dict):
        stamp = o.get("date_gmt") if isinstance(o.get("date_gmt"), str) else ""
        number = o.get("id") if isinstance(o.get("id"), int) else 0
        return (stamp, number)

    dated.sort(key=order)
    others = [o for o in objects if not isinstance(o, dict)]
    yield from _page_items(dated + others, lambda o: _revision_from_rest(o, context), "revisions")


@register
class WordPressRestReader(Reader):
    platform = "wordpress"
    name = "wordpress-rest"
    label = "WordPress REST API pages"
    label_in_sentence = "WordPress REST API pages"
    expects = "saved WordPress REST API responses (/wp/v2/posts, comments or revisions)"

    def _pages(self, bundle: Bundle) -> list[str]:
        return sorted(n for n in bundle.names() if n.lower().endswith(".json"))

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            pages = self._pages(bundle)
            heads = [bundle.head(name, 16 * 1024) for name in pages[:20]]
        except (OSError, KeyError, ValueError):
            return None
        heads = [h.replace(b"\\/", b"/") for h in heads]
        if not any(b'"date_gmt"' in h and b'"rendered"' in h for h in heads):
            return None
        site = ""
        for head in heads:
            match = _REST_SITE.search(head) or _REST_LINK.search(head)
            if match:
                site = match.group(1).decode("utf-8", "replace")
                break
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"WordPress REST API pages of {_site_name(site) or bundle.label}",
            account=site,
            account_ids=frozenset({site} if site else ()),
            counts={"pages": len(pages)},
            details={"pages": pages},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        pages = found.details.get("pages") or self._pages(bundle)
        # Revisions first (oldest versions before the current one), then posts (whose
        # authors tell which comments are the site's own), then comments.
        shaped: dict[str, list[str]] = {"revision": [], "post": [], "comment": []}
        for name in pages:
            shape, error = self._page_shape(bundle, name)
            if error is not None:
                yield error
            elif shape:
                shaped[shape].append(name)
        authors: set[str] = set()
        skipped = _Skipped()
        for shape in ("revision", "post", "comment"):
            for name in shaped[shape]:
                yield from self._read_page(bundle, name, shape, context, authors, skipped)
        notice = skipped.notice(bundle.label)
        if notice:
            yield notice

    def _page_shape(self, bundle: Bundle, name: str) -> tuple[str, SourceError | None]:
        try:
            with bundle.open(name) as stream:
                for obj in self._objects(bundle, name, stream):
                    return _shape(obj), None
        except SourceError as error:
            return "", SourceError(f"{name}, {error.location}", error.reason)
        except OSError as error:
            return "", SourceError(name, f"cannot be read ({error})")
        return "", None

    def _objects(self, bundle: Bundle, name: str, stream):
        head = bundle.head(name, 64).lstrip()
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:].lstrip()
        if head.startswith(b"{"):
            yield from formats.json_array_items(stream, "")
        elif head.startswith(b"["):
            yield from formats.json_array_items(stream, "item")
        else:
            raise SourceError("JSON", "not a saved API page (expected a JSON list or object)")

    def _read_page(self, bundle, name, shape, context, authors, skipped):
        objects = []
        try:
            with bundle.open(name) as stream:
                if shape == "revision":
                    # One post's revisions: a small page, sorted oldest first.
                    objects = list(self._objects(bundle, name, stream))
                    values = items_from_revisions_page(objects, context)
                    yield from _relabel(values, name)
                    return
                for index, obj in enumerate(self._objects(bundle, name, stream)):
                    label = f"{name}, item {index}"
                    if not isinstance(obj, dict):
                        yield SourceError(label, f"expected an object, found {type(obj).__name__}")
                        continue
                    try:
                        if shape == "post":
                            item = _post_from_rest(obj, context)
                            if item is not None and item.author_id:
                                authors.add(item.author_id)
                        else:
                            item = _comment_from_rest(obj, context, authors)
                    except SourceError as error:
                        yield SourceError(f"{label}, {error.location}", error.reason)
                        continue
                    except (KeyError, TypeError, ValueError, AttributeError) as error:
                        yield SourceError(label, f"unreadable ({error})")
                        continue
                    if item is None:
                        if shape == "post":
                            skipped.posts += 1
                        else:
                            skipped.comments += 1
                        continue
                    yield item
        except SourceError as error:
            yield SourceError(f"{name}, {error.location}", error.reason)
        except OSError as error:
            yield SourceError(name, f"cannot be read ({error})")


def _relabel(values, name: str):
    for value in values:
        if isinstance(value, SourceError):
            yield type(value)(f"{name}, {value.location.partition(', ')[2]}", value.reason)
        else:
            yield value


READERS = module_readers(__name__)
