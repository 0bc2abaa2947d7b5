"""Any blog or news feed: RSS 0.9x, 1.0 (RDF), 2.0 and Atom, read with feedparser.

A feed is the organisation's own publication, so every entry is drawn up by it (an article).
feedparser reads a whole document at once: this format is not streamed. Feeds are small
(a few hundred entries at most), and a file larger than MAX_FEED_BYTES is refused with a
message rather than read into memory.

feedparser gives times as UTC; an entry without any date is rejected, since its time of
publication is not known. A malformed feed ("bozo") still gives what feedparser recovered,
and the fault is reported once, naming the file.
"""

import datetime
import re
import time
from collections.abc import Iterator

import feedparser
import orjson

from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle
from .clean import html_to_text, safe_text
from .formats import Found, ReadContext, Reader

__all__ = ["READERS", "FeedReader", "items_from_feed"]

MAX_FEED_BYTES = 200 * 1024**2
_ROOT = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?(rss|feed|RDF)[\s>]")
_WXR = b"http://wordpress.org/export/"
_SUFFIXES = (".xml", ".rss", ".atom", ".rdf", ".feed")
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


def _is_feed(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<") or _WXR in head:
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


class FeedReader(Reader):
    platform = "blog"
    name = "feed"
    label = "RSS or Atom feed"

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
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    except Exception as error:  # feedparser may fail in many ways on bad bytes
        yield SourceError(name, f"not a readable feed ({type(error).__name__}: {error})")
        return
    language = _language(parsed.get("feed", {}))
    for index, entry in enumerate(parsed.get("entries", [])):
        where = f"{name}, entry {index + 1}"
        try:
            yield _entry(entry, context, language)
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


def _entry(entry, context: ReadContext, language: str) -> CapturedItem:
    published = _time(entry, "published")
    updated = _time(entry, "updated")
    created = published or updated
    if created is None:
        raise SourceError("published", "no date of publication (nor of update)")
    link = _string(entry.get("link"))
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
                    url=_string(enclosure.get("href")), mime_type=_string(enclosure.get("type"))
                )
            )
    return CapturedItem(
        platform_id=platform_id[:200],
        kind=Kind.ARTICLE,
        text=html_to_text(html),
        created_at=created,
        captured_at=context.captured_at,
        raw=orjson.dumps(_plain(entry)).decode(),
        author_name=safe_text(_string(entry.get("author"))),
        author_is_organisation=True,
        edited_at=updated if published and updated and updated > published else None,
        title=html_to_text(_string(entry.get("title"))),
        language=_string(entry.get("language")) or language,
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


READERS = (FeedReader(),)
