"""Any blog or news feed: RSS 0.9x, 1.0 (RDF), 2.0, Atom and JSON Feed (1.0 and 1.1).

A feed is the organisation's own publication, so every entry is drawn up by it (an article).
Two ways in:

- a feed of up to STREAM_FROM bytes (what sites publish: a few hundred entries) is read with
  feedparser, which reads a whole document at once and copes with every malformed feed;
- a larger file (an archive of years of a news feed) is streamed with XML `iterparse`, one
  entry at a time in flat memory, at about ten times feedparser's rate. If it is not
  well-formed before its first entry it goes to feedparser after all (up to MAX_FEED_BYTES);
  if it breaks off later, the entries before the break are kept and the break is reported.

Whatever the format: blank lines or a byte-order mark before `<?xml` are ignored; relative
links are resolved against the entry's or the feed's xml:base, else against the feed's own
link (JSON Feed: `home_page_url`); an author named once for the whole feed is the author of
every entry that names none.

feedparser gives times as UTC; an entry without any date is rejected, since its time of
publication is not known. A malformed feed ("bozo") still gives what feedparser recovered,
and the fault is reported once, naming the file.
"""

import datetime
import re
import time
import urllib.parse
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

import feedparser
import orjson
from defusedxml import DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import iterparse as DefusedIterParse

from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle
from .clean import html_to_text, safe_text
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import parse_time

__all__ = ["READERS", "FeedReader", "items_from_feed"]

MAX_FEED_BYTES = 200 * 1024**2
STREAM_FROM = 5 * 1024**2
_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(rss|feed|RDF)[\s>]")
_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed", ".json")
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1(?:\.\d+)?/?"')
_JSON_TITLE = re.compile(r'"title"\s*:\s*"((?:[^"\\]|\\.){1,300})"')
_JSON_LINK = re.compile(r'"(?:home_page_url|feed_url)"\s*:\s*"(https?://[^"\s]+)"')
MAX_JSON_FEED_BYTES = 64 * 1024**2
_TITLE = re.compile(r"<title[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]]+)", re.IGNORECASE)
_RSS_LINK = re.compile(r"<link>\s*(?:<!\[CDATA\[)?\s*(https?://[^<\]\s]+)", re.IGNORECASE)
_ATOM_LINK = re.compile(r"<(?:\w+:)?link\b[^>]*>", re.IGNORECASE)
# feedparser looks for an e-mail address in author names with a regular expression that takes
# time growing with the square of the name's length: a name of 100,000 letters takes a
# minute, of a megabyte hours. No real author name is this long; such a feed is refused.
MAX_AUTHOR_CHARS = 1000
_LONG_AUTHOR = re.compile(
    rb"<(?:[\w.-]+:)?(?:author|creator|name|managingEditor|webMaster|contributor|publisher"
    rb"|email|owner)\b[^>]*>\s*(?:<!\[CDATA\[)?[^<\]]{%d}" % MAX_AUTHOR_CHARS,
    re.IGNORECASE,
)
_LONG_AUTHOR_TEXT = re.compile(_LONG_AUTHOR.pattern.decode(), re.IGNORECASE)
_ATTRIBUTE = re.compile(r'(\w+)\s*=\s*["\']([^"\']*)["\']')


def _is_wxr(head: bytes) -> bool:
    from .wordpress import looks_like_wxr  # wordpress is loaded after this module

    return looks_like_wxr(head)


def _is_json_feed(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and bool(_JSON_FEED.search(head))


def _is_feed(head: bytes) -> bool:
    if _is_json_feed(head):
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<") or _is_wxr(head):
        return False
    # The root element comes after the XML declaration, comments and a DOCTYPE.
    return bool(_ROOT.search(head))


def _links(head: str) -> set[str]:
    """The site's and the feed's own address, as the head of the document gives them."""
    links: set[str] = set()
    head = re.split(r"<(?:entry|item)[\s>]", head, maxsplit=1)[0]
    match = _RSS_LINK.search(head)
    if match:
        links.add(match.group(1))
    for tag in _ATOM_LINK.findall(head)[:5]:
        attributes = dict(_ATTRIBUTE.findall(tag))
        href = attributes.get("href", "")
        if href.startswith(("http://", "https://")) and attributes.get("rel", "alternate") in (
            "alternate",
            "self",
        ):
            links.add(href)
    # The site itself too ("https://exempla.se/nyheter/feed" -> "https://exempla.se").
    links |= {re.match(r"https?://[^/]+", link).group(0) for link in links}
    return links


@register
class FeedReader(Reader):
    platform = "blog"
    name = "feed"
    label = "RSS or Atom feed"
    label_in_sentence = "an RSS, Atom or JSON feed"
    expects = "an RSS 2.0, RSS 1.0, Atom or JSON Feed (1.0 or 1.1) file"

    def _files(self, bundle: Bundle) -> list[str]:
        names = bundle.names()
        candidates = (
            names if len(names) == 1 else [n for n in names if n.lower().endswith(_SUFFIXES)]
        )
        return sorted(n for n in candidates if _is_feed(bundle.head(n, 4096)))

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            files = self._files(bundle)
            if not files:
                return None
            head = bundle.head(files[0], 16 * 1024).decode("utf-8", "replace")
        except (OSError, KeyError, ValueError):
            return None
        if head.lstrip("\ufeff \t\r\n").startswith("{"):  # JSON Feed
            title = _JSON_TITLE.search(head)
            links = set(_JSON_LINK.findall(head))
            links |= {re.match(r"https?://[^/]+", link).group(0) for link in links}
            home = re.search(r'"home_page_url"\s*:\s*"(https?://[^"\s]+)"', head)
            account = home.group(1) if home else min(links, key=len, default="")
            name = orjson.loads(f'"{title.group(1)}"').strip() if title else files[0]
        else:
            title = _TITLE.search(head)
            links = _links(head)
            site = _RSS_LINK.search(head)
            account = site.group(1) if site else min(links, key=len, default="")
            name = title.group(1).strip() if title else files[0]
        return Found(
            platform=self.platform,
            format=self.name,
            description=f"Feed {safe_text(name)[:200]!r}",
            account=account,
            account_ids=frozenset(links),
            counts={"feeds": len(files)} if len(files) > 1 else {},
            details={"files": files},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        files = found.details.get("files") or self._files(bundle)
        for name in files:
            try:
                size = bundle.size(name)
                if _is_json_feed(bundle.head(name, 4096)):
                    if size > MAX_JSON_FEED_BYTES:
                        yield SourceError(
                            name,
                            f"the JSON feed is {size / 1024**2:,.0f} MB; files over "
                            f"{MAX_JSON_FEED_BYTES // 1024**2} MB are refused. Split it.",
                        )
                        continue
                    data = bundle.read_bytes(name, MAX_JSON_FEED_BYTES)
                    yield from items_from_json_feed(data, context, name=name)
                    continue
                if size > STREAM_FROM:
                    yield from self._streamed(bundle, name, size, context)
                    continue
                if size > MAX_FEED_BYTES:
                    yield SourceError(
                        name,
                        f"the feed is {size / 1024**2:,.0f} MB; feeds are read whole, and "
                        f"files over {MAX_FEED_BYTES // 1024**2} MB are refused. Split it, "
                        "or import the site's export instead.",
                    )
                    continue
                data = bundle.read_bytes(name, MAX_FEED_BYTES)
            except (OSError, KeyError, ValueError) as error:
                yield SourceError(name, f"cannot be read ({error})")
                continue
            yield from items_from_feed(data, context, name=name)

    def _streamed(self, bundle: Bundle, name: str, size: int, context: ReadContext):
        yielded = False
        try:
            with bundle.open(name) as stream:
                for value in stream_feed(stream, context, name=name):
                    yielded = True
                    yield value
            return
        except (ParseError, EntitiesForbidden, DTDForbidden) as error:
            if yielded:
                yield SourceError(
                    name, f"the feed breaks off ({error}); the entries before the break were read"
                )
                return
            problem = error
        except OSError as error:
            yield SourceError(name, f"cannot be read ({error})")
            return
        if size > MAX_FEED_BYTES:
            yield SourceError(
                name,
                f"not well-formed XML ({problem}), and too large to be "
                f"read whole (over {MAX_FEED_BYTES // 1024**2} MB)",
            )
            return
        yield from items_from_feed(bundle.read_bytes(name, MAX_FEED_BYTES), context, name=name)


ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}"
_ENTRY_TAGS = {"item", f"{RSS1}item", f"{ATOM}entry"}


def stream_feed(
    stream, context: ReadContext, *, name: str = "feed"
) -> Iterator[CapturedItem | SourceError]:
    """Entries of a well-formed feed, one at a time; ParseError when it is not well-formed."""
    feed = _FeedFacts()
    index = 0
    events = DefusedIterParse(_SkipLeadingSpace(stream), events=("start", "end"), forbid_dtd=True)
    root = None
    depth = 0
    in_entry = False
    for event, element in events:
        if root is None:
            root = element
            feed.base = element.get(XML_BASE, "")
        if event == "start":
            depth += 1
            if element.tag in _ENTRY_TAGS:
                in_entry = True
            continue
        depth -= 1
        tag = element.tag
        if in_entry and tag not in _ENTRY_TAGS:
            continue
        if tag in _ENTRY_TAGS:
            in_entry = False
            index += 1
            try:
                yield _streamed_entry(element, context, feed)
            except SourceError as error:
                yield SourceError(f"{name}, entry {index}, {error.location}", error.reason)
            element.clear()
            root.clear()  # drop what is done: memory stays flat
        elif depth <= 2:  # the feed's (Atom) or the channel's (RSS) own elements
            feed.learn(element)


XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class _FeedFacts:
    """What the feed says once for all its entries: language, link (the base of relative
    links) and author."""

    def __init__(self) -> None:
        self.language = ""
        self.base = ""
        self.link = ""
        self.author = ""

    def learn(self, element) -> None:
        tag = element.tag
        if tag == "language" and not self.language and element.text:
            self.language = element.text.strip()[:16]
        elif tag in ("link", f"{RSS1}link") and not self.link and element.text:
            self.link = element.text.strip()
        elif tag == f"{ATOM}link" and not self.link:
            if element.get("rel", "alternate") == "alternate" and element.get("href"):
                self.link = element.get("href")
        elif tag == f"{ATOM}author" and not self.author:
            self.author = _child_text(element, f"{ATOM}name")
        elif tag in (f"{DC}creator", "managingEditor", "author") and not self.author:
            self.author = safe_text((element.text or "").strip())

    def absolute(self, url: str, own_base: str = "") -> str:
        return resolve_link(url, own_base, self.base, self.link)


def resolve_link(url: str, *bases: str) -> str:
    """A link made absolute against the first base that is itself absolute (an entry's
    xml:base, the feed's, the feed's own link); left as it is when none is."""
    if not url or urllib.parse.urlsplit(url).scheme:
        return url
    base = ""
    for candidate in bases:
        if candidate:
            base = urllib.parse.urljoin(candidate, base) if base else candidate
            if urllib.parse.urlsplit(base).scheme:
                break
    if not urllib.parse.urlsplit(base).scheme:
        return url
    return urllib.parse.urljoin(base, url)


class _SkipLeadingSpace:
    """A stream without the blank lines (and byte-order mark) some sites write before
    `<?xml`, which an XML parser refuses."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._head = b""
        while True:
            chunk = stream.read(4096)
            if not chunk:
                break
            stripped = chunk.lstrip(b" \t\r\n")
            if stripped.startswith(b"\xef\xbb\xbf"):
                stripped = stripped[3:].lstrip(b" \t\r\n")
            if stripped:
                self._head = stripped
                break

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            if size is not None and 0 <= size < len(data):
                data, self._head = data[:size], data[size:]
            return data
        return self._stream.read(size)


def _child_text(element, *tags: str) -> str:
    for tag in tags:
        child = element.find(tag)
        if child is not None:
            text = "".join(child.itertext()) if len(child) else (child.text or "")
            if text.strip():
                return safe_text(text.strip())
    return ""


def _streamed_entry(element, context: ReadContext, feed: _FeedFacts) -> CapturedItem:
    atom = element.tag.startswith(ATOM)
    own_base = element.get(XML_BASE, "")
    if atom:
        link = ""
        for candidate in element.findall(f"{ATOM}link"):
            if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                link = feed.absolute(candidate.get("href"), own_base)
                break
        platform_id = _child_text(element, f"{ATOM}id") or link
        published = _child_text(element, f"{ATOM}published")
        updated = _child_text(element, f"{ATOM}updated")
        html = _child_text(element, f"{ATOM}content", f"{ATOM}summary")
        title = _child_text(element, f"{ATOM}title")
        author = _child_text(element, f"{ATOM}author/{ATOM}name")
        enclosures = [
            (feed.absolute(e.get("href", ""), own_base), e.get("type", ""))
            for e in element.findall(f"{ATOM}link")
            if e.get("rel") == "enclosure"
        ]
    else:
        ns = RSS1 if element.tag.startswith(RSS1) else ""
        link = feed.absolute(_child_text(element, f"{ns}link"), own_base)
        platform_id = (
            _child_text(element, "guid")
            or element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "")
            or link
        )
        published = _child_text(element, "pubDate", f"{DC}date")
        updated = ""
        html = _child_text(element, CONTENT, f"{ns}description")
        title = _child_text(element, f"{ns}title")
        author = _child_text(element, "author", f"{DC}creator")
        enclosures = [
            (feed.absolute(e.get("url", ""), own_base), e.get("type", ""))
            for e in element.findall("enclosure")
        ]
    author = author or feed.author
    created = parse_time(published or updated, "published") if published or updated else None
    if created is None:
        raise SourceError("published", "no date of publication (nor of update)")
    edited = parse_time(updated, "updated") if updated else None
    if not platform_id:
        raise SourceError("id", "no id (guid) and no link: the entry cannot be told apart")
    raw = {
        "id": platform_id,
        "link": link,
        "title": title,
        "published": published,
        "updated": updated,
        "author": author,
        "content": html,
        "enclosures": [{"href": h, "type": t} for h, t in enclosures],
    }
    return CapturedItem(
        platform_id=platform_id[:200],
        kind=Kind.ARTICLE,
        text=html_to_text(html),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(raw).decode(),
        author_name=author,
        author_is_organisation=True,
        edited_at=edited if edited and edited > created else None,
        title=html_to_text(title),
        language=feed.language,
        permalink=link,
        media=tuple(CapturedMedia(url=h, mime_type=t) for h, t in enclosures if h),
    )


def items_from_feed(
    data: bytes, context: ReadContext, *, name: str = "feed"
) -> Iterator[CapturedItem | SourceError]:
    """The entries of one feed document (bytes as fetched): for files and the live
    connector alike."""
    if b"<!ENTITY" in data:
        # No feed needs its own entities; an entity declaration is how XML bombs start.
        yield SourceError(name, "refused: the document declares XML entities")
        return
    if _has_long_author(data):
        yield SourceError(
            name, f"refused: an author name is longer than {MAX_AUTHOR_CHARS:,} characters"
        )
        return
    data = data.lstrip(b" \t\r\n")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:].lstrip(b" \t\r\n")
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    except Exception as error:  # feedparser may fail in many ways on bad bytes
        yield SourceError(name, f"not a readable feed ({type(error).__name__}: {error})")
        return
    feed = parsed.get("feed", {})
    facts = _FeedFacts()
    facts.language = _language(feed)
    facts.link = _string(feed.get("link")) if hasattr(feed, "get") else ""
    facts.author = _string(feed.get("author")) if hasattr(feed, "get") else ""
    for index, entry in enumerate(parsed.get("entries", [])):
        where = f"{name}, entry {index + 1}"
        try:
            yield _entry(entry, context, facts)
        except SourceError as error:
            yield SourceError(f"{where}, {error.location}", error.reason)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
            yield SourceError(where, f"unreadable ({error})")
    if parsed.get("bozo"):
        error = parsed.get("bozo_exception")
        reason = str(error).strip().splitlines()[0][:300] if error and str(error).strip() else ""
        yield SourceError(
            name,
            f"the feed is malformed ({type(error).__name__}: {reason}); "
            "what could be recovered was read",
        )


def _has_long_author(data: bytes) -> bool:
    head = data[:256]
    if b"\x00" not in head:
        return bool(_LONG_AUTHOR.search(data))
    # UTF-16 or UTF-32, which feedparser also reads: look at the text.
    encoding = "utf-32" if b"\x00\x00" in head else "utf-16"
    text = data.decode(encoding, "replace")
    return bool(_LONG_AUTHOR_TEXT.search(text))


def _language(feed) -> str:
    value = feed.get("language") if hasattr(feed, "get") else None
    return value[:16] if isinstance(value, str) else ""


def _time(entry, key: str) -> datetime.datetime | None:
    # dict.get: feedparser's own get() answers "updated" with "published" when there is none.
    value = dict.get(entry, f"{key}_parsed")
    if not isinstance(value, time.struct_time):
        return None
    return datetime.datetime(*value[:6], tzinfo=datetime.UTC)


def _entry(entry, context: ReadContext, feed: _FeedFacts) -> CapturedItem:
    published = _time(entry, "published")
    updated = _time(entry, "updated")
    created = published or updated
    if created is None:
        raise SourceError("published", "no date of publication (nor of update)")
    link = feed.absolute(_string(entry.get("link")))
    platform_id = _string(entry.get("id")) or link
    if not platform_id:
        raise SourceError("id", "no id (guid) and no link: the entry cannot be told apart")
    html = ""
    contents = entry.get("content")
    if isinstance(contents, list) and contents:
        html = "\n".join(_string(c.get("value")) for c in contents if hasattr(c, "get"))
    if not html:
        html = _string(entry.get("summary"))
    media = []
    for enclosure in entry.get("enclosures") or []:
        if hasattr(enclosure, "get") and _string(enclosure.get("href")):
            media.append(
                CapturedMedia(
                    url=feed.absolute(_string(enclosure.get("href"))),
                    mime_type=_string(enclosure.get("type")),
                )
            )
    return CapturedItem(
        platform_id=platform_id[:200],
        kind=Kind.ARTICLE,
        text=html_to_text(html),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(_plain(entry)).decode(),
        author_name=safe_text(_string(entry.get("author")) or feed.author),
        author_is_organisation=True,
        edited_at=updated if published and updated and updated > published else None,
        title=html_to_text(_string(entry.get("title"))),
        language=_string(entry.get("language")) or feed.language,
        permalink=link,
        media=tuple(media),
    )


def _string(value) -> str:
    return safe_text(value) if isinstance(value, str) else ""


def _plain(value):
    """The entry as feedparser read it, as JSON: dates as ISO text, the rest as is."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple) and not isinstance(value, time.struct_time):
        return [_plain(v) for v in value]
    if isinstance(value, time.struct_time):
        return datetime.datetime(*value[:6], tzinfo=datetime.UTC).isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


READERS = module_readers(__name__)


# JSON Feed (https://jsonfeed.org/version/1.1): a JSON object with `items`.


def items_from_json_feed(
    data: bytes, context: ReadContext, *, name: str = "feed.json"
) -> Iterator[CapturedItem | SourceError]:
    """The items of a JSON Feed 1.0 or 1.1 document."""
    try:
        document = orjson.loads(data.lstrip(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as error:
        yield SourceError(name, f"not valid JSON ({error}); correct the file or save it again")
        return
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        yield SourceError(name, "not a JSON Feed: it has no list of items")
        return
    facts = _FeedFacts()
    facts.link = _string(document.get("home_page_url")) or _string(document.get("feed_url"))
    facts.language = _string(document.get("language"))[:16]
    facts.author = _json_feed_author(document)
    for index, entry in enumerate(document["items"], 1):
        where = f"{name}, item {index}"
        try:
            yield _json_feed_item(entry, context, facts)
        except SourceError as error:
            yield SourceError(f"{where}, {error.location}", error.reason)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
            yield SourceError(where, f"unreadable ({error})")


def _json_feed_author(obj: dict) -> str:
    """1.1 writes `authors` (a list), 1.0 `author` (one object)."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [_string(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n)


def _json_feed_item(entry: object, context: ReadContext, feed: _FeedFacts) -> CapturedItem:
    if not isinstance(entry, dict):
        raise SourceError("item", f"expected an object, found {type(entry).__name__}")
    raw_id = entry.get("id")
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)  # 1.0 allowed numbers; 1.1 asks for text
    link = feed.absolute(_string(entry.get("url")))
    platform_id = _string(raw_id).strip() or link
    if not platform_id:
        raise SourceError("id", "missing: the item cannot be told apart from the others")
    published = entry.get("date_published")
    modified = entry.get("date_modified")
    if not published and not modified:
        raise SourceError("date_published", "missing (and no date_modified): add the date")
    created = parse_time(published or modified, "date_published" if published else "date_modified")
    edited = parse_time(modified, "date_modified") if modified and published else None
    html = _string(entry.get("content_html"))
    text = html_to_text(html) if html else safe_text(_string(entry.get("content_text")).strip())
    if not text:
        text = safe_text(_string(entry.get("summary")).strip())
    media = []
    for key in ("image", "banner_image"):
        if _string(entry.get(key)):
            media.append(CapturedMedia(url=feed.absolute(_string(entry.get(key)))))
    for attachment in entry.get("attachments") or []:
        if isinstance(attachment, dict) and _string(attachment.get("url")):
            media.append(
                CapturedMedia(
                    url=feed.absolute(_string(attachment.get("url"))),
                    mime_type=_string(attachment.get("mime_type"))[:200],
                )
            )
    return CapturedItem(
        platform_id=platform_id[:200],
        kind=Kind.ARTICLE,
        text=text,
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(entry).decode(),
        author_name=_json_feed_author(entry) or feed.author,
        author_is_organisation=True,
        edited_at=edited if edited and edited > created else None,
        title=html_to_text(_string(entry.get("title"))),
        language=_string(entry.get("language"))[:16] or feed.language,
        permalink=link or feed.absolute(_string(entry.get("external_url"))),
        media=tuple(media),
    )
