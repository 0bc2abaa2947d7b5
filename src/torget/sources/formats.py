"""The registry of export and API formats, and what every platform reader shares.

A reader is one format of one platform (the X archive, X API v2 pages, ...). It has two
methods and knows nothing about the database:

- `detect(bundle)` looks cheaply (names, a manifest, the first bytes) and returns a `Found`
  that says what the export is and whose, or None when the bundle is not in its format;
- `read(bundle, found, context)` streams `CapturedItem`s, and a `SourceError` (naming the
  file, item or key, and the reason) for each part it cannot use, then goes on.

Readers are registered with the `@register` class decorator (one instance each, a name may
be registered once); `readers()` gives them in the order of PLATFORM_MODULES and, within a
module, of their definition: exports come before API pages. Tests replace the set with
`replaced_readers(...)` (or by setting `READERS` with monkeypatch). The interchange format
is handled by the command itself.
"""

import contextlib
import functools
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

import ijson

from .base import CapturedItem, SourceError
from .bundle import Bundle

__all__ = [
    "Found",
    "ReadContext",
    "Reader",
    "detect",
    "json_array_items",
    "normalise_account",
    "readers",
    "register",
    "replaced_readers",
]

# One module per platform; each exposes READERS, a tuple of Reader instances.
PLATFORM_MODULES = (
    "facebook",
    "instagram",
    "x",
    "youtube",
    "linkedin",
    "tiktok",
    "mastodon",
    "bluesky",
    "wordpress",
    "feed",
)


@dataclass
class Found:
    """What a reader recognised: "X archive of @exempla, 4,212 posts, 311 messages"."""

    platform: str  # a channels.models.Platform value
    format: str  # the reader's name, e.g. "x-archive"
    description: str  # "X archive of @exempla"
    # The account the export belongs to, as the platform names it (handle, page name, DID),
    # and every other identifier of it the export shows (numeric id, display name).
    account: str = ""
    account_ids: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)  # {"posts": 4212, ...}, in order
    total: int | None = None  # the items expected, for the progress bar; None if unknown
    # Reader-specific facts found during detection (file names, the manifest), for read().
    details: dict = field(default_factory=dict)

    def summary(self) -> str:
        parts = [self.description]
        parts += [
            f"{count:,} {what if count != 1 else singular(what)}"
            for what, count in self.counts.items()
        ]
        return ", ".join(parts)


def singular(what: str) -> str:
    """ "posts" -> "post", "deleted posts" -> "deleted post", "boosts (not archived)" ->
    "boost (not archived)", "other activities" -> "other activity", "statuses" -> "status"."""
    head, paren, rest = what.partition(" (")
    words = head.split(" ")
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith(("uses", "sses")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words[:-1], last]) + paren + rest


@dataclass(frozen=True)
class ReadContext:
    captured_at: datetime
    # Identifiers of the organisation's own account (normalised with normalise_account):
    # the channel's address, plus what the export says about its owner. An item whose author
    # matches is drawn up by the organisation; everything else is received.
    own: frozenset[str] = frozenset()
    # The channel the import goes into, as its register names it: a handle or address and a
    # display name. An export that is the account's own but names no author (a single file
    # of Facebook's export) is written by this account.
    account: str = ""
    account_name: str = ""

    def is_own(self, *identifiers: str | None) -> bool:
        return any(i and normalise_account(i) in self.own for i in identifiers)


class Reader:
    platform: str = ""
    name: str = ""  # "x-archive"
    label: str = ""  # "X archive", for messages
    # The label as a sentence names it ("an X archive", "X API v2 pages"), and the layout the
    # reader expects, in plain words, for the message when a file is not in it.
    label_in_sentence: str = ""
    expects: str = ""

    def described(self) -> str:
        if self.label_in_sentence:
            return self.label_in_sentence
        article = "an" if self.label[:1] in "AEIOUX" else "a"
        return f"{article} {self.label}"

    def detect(self, bundle: Bundle) -> Found | None:
        raise NotImplementedError

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        raise NotImplementedError


_URL_PREFIX = re.compile(r"^[a-z]+://(www\.|m\.|mobile\.)?", re.IGNORECASE)
_PLATFORM_HOSTS = {
    "x.com",
    "twitter.com",
    "youtube.com",
    "facebook.com",
    "instagram.com",
    "tiktok.com",
    "linkedin.com",
    "bsky.app",
    "threads.net",
}
_PROFILE_PATHS = ("profile/", "channel/", "company/", "in/", "user/", "c/", "pages/")


@functools.lru_cache(maxsize=65536)
def normalise_account(value: str) -> str:
    """One comparable form of a handle, page name, URL or id: "https://x.com/Exempla" and
    "@exempla" and "Exempla" all become "exempla"; "@info@social.exempla.se" keeps its
    instance; Bluesky DIDs stay as they are."""
    text = value.strip()
    if text.startswith("did:"):
        return text.lower()
    if _URL_PREFIX.match(text):
        rest = _URL_PREFIX.sub("", text).split("?")[0].split("#")[0].strip("/")
        host, _, path = rest.partition("/")
        for prefix in _PROFILE_PATHS:
            if path.lower().startswith(prefix):
                path = path[len(prefix) :]
        segment = path.split("/")[0] if path else host
        if (
            segment.startswith("@")
            and host.lower() not in _PLATFORM_HOSTS
            and "@" not in segment[1:]
        ):
            segment = f"{segment}@{host}"  # Mastodon: https://host/@user -> user@host
        text = segment
    text = text.lstrip("@").lower()
    return re.sub(r"[^0-9a-z@._:-]", "", text.replace(" ", ""))


_REGISTRY: dict[str, Reader] = {}


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator: one instance of the reader joins the registry. A second reader with
    the same name is refused: `--format` must name exactly one."""
    reader = cls()
    if not reader.name or not reader.platform:
        raise ValueError(f"{cls.__name__} needs a name and a platform to be registered")
    if reader.name in _REGISTRY:
        raise ValueError(f"a reader named {reader.name!r} is already registered")
    _REGISTRY[reader.name] = reader
    return cls


def module_readers(module: str) -> tuple[Reader, ...]:
    """The registered readers defined in one module, in the order they were defined."""
    return tuple(r for r in _REGISTRY.values() if type(r).__module__ == module)


def _load() -> tuple[Reader, ...]:
    ordered: list[Reader] = []
    for module_name in PLATFORM_MODULES:
        module = importlib.import_module(f"{__package__}.{module_name}")
        ordered.extend(module_readers(module.__name__))
    return tuple(ordered)


_loaded: tuple[Reader, ...] | None = None
_replaced: list[tuple[Reader, ...]] = []


def readers() -> tuple[Reader, ...]:
    """Every reader, loaded on first use: the platform modules import this module, so it
    cannot import them while it is itself being imported."""
    global _loaded
    if _replaced:
        return _replaced[-1]
    overridden = globals().get("READERS")  # set by a test with monkeypatch
    if overridden is not None:
        return overridden
    if _loaded is None:
        _loaded = _load()
    return _loaded


@contextlib.contextmanager
def replaced_readers(*replacement: Reader) -> Iterator[None]:
    """Within the block, `readers()` is exactly `replacement` (for tests)."""
    _replaced.append(tuple(replacement))
    try:
        yield
    finally:
        _replaced.pop()


def __getattr__(name: str):
    if name == "READERS":
        return readers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def reader_named(name: str) -> Reader:
    for reader in readers():
        if reader.name == name:
            return reader
    known = ", ".join(r.name for r in readers())
    raise KeyError(f"unknown format {name!r}; known formats: {known}")


def detect(bundle: Bundle, platform: str | None = None) -> tuple[Reader, Found] | None:
    """The first reader that recognises the bundle (only that platform's, if given)."""
    for reader in readers():
        if platform and reader.platform != platform:
            continue
        try:
            found = reader.detect(bundle)
        except (SourceError, OSError, ValueError, KeyError):
            found = None
        if found is not None:
            return reader, found
    return None


class _SkipPrefix:
    """A stream that starts after the first `marker` (X archives: "window.YTD.tweets.part0 =")."""

    def __init__(self, stream: IO[bytes], marker: bytes, limit: int = 4096) -> None:
        head = stream.read(limit)
        at = head.find(marker)
        if at < 0:
            raise SourceError("start of file", f"expected {marker.decode()!r} near the start")
        self._pending = head[at + len(marker) :]
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn whether it reads bytes
            return b""
        if self._pending:
            data, self._pending = self._pending, b""
            if size < 0:
                return data + self._stream.read()
            return data
        return self._stream.read(size)


def json_array_items(
    stream: IO[bytes], prefix: str = "item", *, after: bytes | None = None
) -> Iterator[object]:
    """Stream the elements of a JSON array one at a time (ijson), never the whole file.

    `prefix` is ijson's path to the elements ("item" for a top-level array,
    "data.item" for {"data": [...]}); `after` skips a JavaScript assignment first.
    Numbers come out as int or float (not Decimal). A malformed or truncated file raises
    SourceError after the good elements before it have been yielded.
    """
    source = _SkipPrefix(stream, after) if after else stream
    try:
        yield from ijson.items(source, prefix, use_float=True)
    except ijson.common.IncompleteJSONError as error:
        raise SourceError(
            "JSON", f"the file is cut short or malformed ({_first_line(error)})"
        ) from None
    except ijson.common.JSONError as error:
        raise SourceError("JSON", f"not valid JSON ({_first_line(error)})") from None
    except UnicodeDecodeError as error:
        raise SourceError("JSON", f"not UTF-8 text (byte {error.start})") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
