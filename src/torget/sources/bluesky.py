"""Bluesky: the repository export (a CAR file) and saved XRPC API pages, as captured items.

The repository export ("Exportera mina data" in the app, or com.atproto.sync.getRepo) is a
CARv1 file: a header naming the signed commit, then content-addressed blocks in no fixed
order. The commit points at a Merkle Search Tree (MST) whose keys are "collection/rkey" and
whose values are the records. The reader indexes where each block lies (one pass over the
block headers, never the block contents), walks the tree in key order and decodes only the
post records, one at a time: memory holds the table of block positions (about 150 bytes a
block), never the posts.

Every record in a repository belongs to its one account (the DID): all posts are drawn up.
Likes, reposts, follows and the like are counted but not archived: they are not records the
organisation wrote.

The API pages are JSON: app.bsky.feed.getPostThread, getAuthorFeed, getPosts,
com.atproto.repo.getRecord and listRecords. `items_from_xrpc_page` turns one page into items
for the live connector; the reader reads a saved page, or a folder or zip of them.
"""

import base64
import datetime
import hashlib
import io
import re
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

import cbor2
import ijson
import orjson

from . import fields
from .base import CapturedItem, CapturedMedia, Kind, SourceError
from .bundle import Bundle
from .clean import safe_text
from .fields import str_at
from .formats import Found, ReadContext, Reader, json_array_items, module_readers, register
from .times import parse_time

__all__ = [
    "READERS",
    "RepositoryReader",
    "XrpcReader",
    "check_datetime",
    "item_from_post_view",
    "items_from_thread",
    "items_from_xrpc_page",
]

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
PROFILE_KEY = "app.bsky.actor.profile/self"
OTHER_RECORDS = "other records (not archived)"
# Images are served by Bluesky's CDN from the author's DID and the blob's CID; the AppView's
# own views (XRPC pages) give exactly these addresses, so both sources name a picture alike.
IMAGE_URL = "https://cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg"
VIDEO_URL = "https://video.bsky.app/watch/{did}/{cid}/playlist.m3u8"
VIDEO_MIME = "application/vnd.apple.mpegurl"
PERMALINK = "https://bsky.app/profile/{did}/post/{rkey}"
MAX_ID = fields.MAX_ID  # the archive's limit on platform ids, parents and threads

# Repository blocks are small (a record or a tree node; blobs are not in the CAR); a section
# declaring more than this is damage, not data.
MAX_SECTION_BYTES = 8 * 1024**2
MAX_HEADER_BYTES = 64 * 1024
# The MST of a million records is about 12 levels deep (fanout 4); much deeper is damage.
MAX_TREE_DEPTH = 128
# Counting records at detection reads only block headers and tree nodes (about a second for
# 200,000 posts); beyond this size detection does not count.
DETECT_COUNT_LIMIT = 256 * 1024**2
DETECT_IN_MEMORY_LIMIT = 32 * 1024**2  # a CAR inside a zip is counted in memory up to this
MAX_THREAD_DEPTH = 1000
MAX_PAGE_BYTES = 64 * 1024**2
SHA2_256 = 0x12
CID_LINK_TAG = 42
_RECORD_KEY = re.compile(r"^[a-zA-Z][a-zA-Z0-9.-]*[a-zA-Z0-9]/[a-zA-Z0-9._:~-]{1,512}$")
_AT_URI_DID = re.compile(rb'"uri"\s*:\s*"at://(did:[a-z]+:[a-zA-Z0-9._:%-]+)/')

# The atproto datetime syntax (https://atproto.com/specs/lexicon#datetime): ISO 8601 and
# RFC 3339 at once, seconds required, a zone required. Torget also accepts a time without a
# zone (some clients wrote them; Torget's rule: zone-less times are UTC), nothing looser.
_DATETIME = re.compile(
    r"^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]"
    r"(\.[0-9]{1,20})?(Z|[+-][0-2][0-9]:[0-5][0-9])?$"
)


def check_datetime(value, key: str = "createdAt") -> datetime.datetime:
    """A createdAt as the atproto spec writes it, to aware UTC; SourceError otherwise.

    Stricter than `times.parse_time`, which also takes space separators, "+0000", date-only
    and untrimmed text: a record's time that breaks the spec this way is damage, not a style.
    """
    if value is None:
        raise SourceError(key, "missing")
    if not isinstance(value, str):
        raise SourceError(key, f"expected a date and time as text, found {type(value).__name__}")
    if not _DATETIME.match(value) or value.endswith("-00:00"):
        if value == "":
            raise SourceError(key, "missing")
        raise SourceError(key, f"not an atproto date and time: {value[:40]!r}")
    if value.startswith("0000"):
        raise SourceError(key, f"the year 0 cannot be stored: {value[:40]!r}")
    return parse_time(value, key)


# CIDs and DAG-CBOR.


class Cid(bytes):
    """A content identifier's binary form; str() is its usual text form (base32 "bafy…")."""

    __slots__ = ()

    def __str__(self) -> str:
        if len(self) == 34 and self[0] == SHA2_256 and self[1] == 32:  # CIDv0
            return _base58(self)
        return "b" + base64.b32encode(self).decode("ascii").lower().rstrip("=")

    __repr__ = __str__


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_B58[rest])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """An unsigned LEB128 varint at `at`: (value, position after it)."""
    value = shift = 0
    for position in range(at, min(at + 9, len(data))):
        byte = data[position]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position + 1
        shift += 7
    if len(data) - at >= 9:
        raise ValueError("a varint longer than 9 bytes")
    raise EOFError("a varint cut short")


def _cid_end(data: bytes, at: int) -> int:
    """Where the binary CID starting at `at` ends."""
    if data[at : at + 2] == b"\x12\x20":  # CIDv0: a bare sha2-256 multihash
        end = at + 34
    else:
        version, position = _varint(data, at)
        if version != 1:
            raise ValueError(f"unknown CID version {version}")
        _codec, position = _varint(data, position)
        _hash, position = _varint(data, position)
        length, position = _varint(data, position)
        if length > 128:
            raise ValueError("a CID with a hash longer than 128 bytes")
        end = position + length
    if end > len(data):
        raise EOFError("a CID cut short")
    return end


def _tag_hook(tag, _immutable=False):
    # cbor2 6 calls tag_hook(tag, immutable); it is only called for tags it does not know.
    if tag.tag == CID_LINK_TAG and isinstance(tag.value, bytes) and tag.value[:1] == b"\x00":
        cid = tag.value[1:]
        if _cid_end(cid, 0) != len(cid):
            raise ValueError("a CID link with trailing bytes")
        return Cid(cid)
    raise ValueError(f"CBOR tag {tag.tag} is not allowed in DAG-CBOR")


def _decode(block: bytes):
    """One DAG-CBOR block; ValueError (not cbor2's own error class) if it is not one."""
    try:
        return cbor2.loads(block, tag_hook=_tag_hook, max_depth=64, strict_hashable_types=True)
    except cbor2.CBORError as error:
        raise ValueError(f"not DAG-CBOR ({str(error)[:200]})") from None


def _json_model(value, depth: int = 0):
    """A decoded DAG-CBOR value in the atproto JSON data model ({"$link"}, {"$bytes"})."""
    if depth > 64:
        raise ValueError("nested too deeply")
    if isinstance(value, Cid):
        return {"$link": str(value)}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii").rstrip("=")}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("a map with a key that is not text")
        return {k: _json_model(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_model(v, depth + 1) for v in value]
    raise ValueError(f"a {type(value).__name__} value, not in the atproto data model")


# The CAR file.


class _CarFile:
    """A CARv1 file: its roots and, after `index()`, where each block lies in it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        stream.seek(0, 2)
        self.size = stream.tell()
        stream.seek(0)
        head = stream.read(MAX_HEADER_BYTES + 16)
        self.roots, self.data_start = _car_header(head)
        # CID bytes -> (offset << 24) | length: one int per block keeps the index small.
        self.blocks: dict[bytes, int] = {}
        self.cut_short_at: int | None = None
        self.damage = ""
        self.missing_nodes = 0

    def index(self, stop_at: bytes | None = None) -> bool:
        """Record where each block lies; True if `stop_at` was found (then it stops)."""
        position, stream = self.data_start, self.stream
        while position < self.size:
            stream.seek(position)
            chunk = stream.read(160)
            try:
                length, data_at = _varint(chunk, 0)
                cid_end = _cid_end(chunk, data_at)
            except EOFError:
                self.cut_short_at = position
                return False
            except ValueError as error:
                self.damage = f"unreadable block header at byte {position:,} ({error})"
                return False
            if length == 0 or length > MAX_SECTION_BYTES or cid_end - data_at > length:
                self.damage = f"a block at byte {position:,} declares {length:,} bytes"
                return False
            end = position + data_at + length
            if end > self.size:
                self.cut_short_at = position
                return False
            cid = chunk[data_at:cid_end]
            offset = position + cid_end
            self.blocks[cid] = (offset << 24) | (end - offset)
            position = end
            if stop_at is not None and cid == stop_at:
                return True
        return False

    def block(self, cid: bytes) -> bytes | None:
        """The block's bytes, checked against its hash; None if the file lacks it."""
        entry = self.blocks.get(cid)
        if entry is None:
            return None
        self.stream.seek(entry >> 24)
        data = self.stream.read(entry & 0xFFFFFF)
        if not _hash_matches(cid, data):
            raise ValueError(f"block {Cid(cid)} does not match its hash: the file is damaged")
        return data

    def walk(self, root: bytes) -> Iterator[tuple[str, Cid] | SourceError]:
        """The tree's (key, record CID) in key order; an error for each unreadable node.
        Nodes the file lacks are counted in `missing_nodes`, for one message at the end."""
        stack: list[tuple] = [(root, 0)]
        visits, last = 0, ""
        while stack:
            top = stack.pop()
            if len(top) == 3:  # an entry: (key, value CID, None)
                key, value, _ = top
                if key <= last:
                    yield SourceError(f"record {key}", "out of order in the tree; skipped")
                    continue
                last = key
                yield key, value
                continue
            cid, depth = top
            visits += 1
            if visits > len(self.blocks) or depth > MAX_TREE_DEPTH:
                yield SourceError("tree", "the tree revisits its nodes: the file is damaged")
                return
            try:
                data = self.block(cid)
                if data is None:
                    self.missing_nodes += 1
                    continue
                children = _tree_node(_decode(data), depth)
            except (ValueError, TypeError, KeyError, RecursionError, EOFError) as error:
                yield SourceError(f"tree node {Cid(cid)}", str(error)[:300])
                continue
            stack.extend(reversed(children))


def _car_header(head: bytes) -> tuple[list[Cid], int]:
    length, at = _varint(head, 0)
    if length == 0 or length > MAX_HEADER_BYTES:
        raise ValueError("not a CAR header")
    if at + length > len(head):
        raise EOFError("the CAR header is cut short")
    header = _decode(head[at : at + length])
    if not isinstance(header, dict) or header.get("version") != 1:
        raise ValueError("not a CARv1 header")
    roots = header.get("roots")
    if not isinstance(roots, list) or not roots or not all(isinstance(r, Cid) for r in roots):
        raise ValueError("a CAR header without roots")
    return roots, at + length


def _hash_matches(cid: bytes, data: bytes) -> bool:
    if cid[:2] == b"\x12\x20":
        return cid[2:] == hashlib.sha256(data).digest()
    _version, at = _varint(cid, 0)
    _codec, at = _varint(cid, at)
    code, at = _varint(cid, at)
    length, at = _varint(cid, at)
    if code == SHA2_256 and length == 32:
        return cid[at:] == hashlib.sha256(data).digest()
    return True  # another hash function: not checked (atproto uses sha2-256 only)


def _tree_node(node, depth: int) -> list[tuple]:
    """An MST node's children in key order: subtrees (cid, depth) and entries (key, cid, None).

    Keys are prefix-compressed: each entry keeps `p` bytes of the previous key in the node
    and adds `k`.
    """
    if not isinstance(node, dict) or not isinstance(node.get("e"), list):
        raise ValueError("not a tree node (no entry list)")
    children: list[tuple] = []
    left = node.get("l")
    if left is not None:
        if not isinstance(left, Cid):
            raise ValueError("a left subtree that is not a link")
        children.append((left, depth + 1))
    previous = b""
    for entry in node["e"]:
        if not isinstance(entry, dict):
            raise ValueError("a tree entry that is not a map")
        prefix, suffix, value, right = (
            entry.get("p"),
            entry.get("k"),
            entry.get("v"),
            entry.get("t"),
        )
        if (
            not isinstance(prefix, int)
            or isinstance(prefix, bool)
            or not 0 <= prefix <= len(previous)
        ):
            raise ValueError("a tree entry with a bad prefix length")
        if not isinstance(suffix, bytes) or not isinstance(value, Cid):
            raise ValueError("a tree entry without a key or a value link")
        key = previous[:prefix] + suffix
        previous = key
        children.append((key.decode("utf-8", "replace"), value, None))
        if right is not None:
            if not isinstance(right, Cid):
                raise ValueError("a right subtree that is not a link")
            children.append((right, depth + 1))
    return children


# Posts, from a repository record or an API view alike.


def _uri(obj, key: str) -> str:
    """The at:// URI of a strong reference ({uri, cid}) under `key`, or ""."""
    ref = obj.get(key) if isinstance(obj, dict) else None
    if ref is None:
        return ""
    uri = ref.get("uri") if isinstance(ref, dict) else None
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise SourceError(f"{key}.uri", "expected an at:// URI")
    if len(uri) > MAX_ID:
        raise SourceError(f"{key}.uri", f"longer than {MAX_ID} characters")
    return uri


def _rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _blob_cid(blob) -> str:
    """The CID of a blob: {"$type": "blob", "ref": {"$link"}} or the legacy {"cid"}."""
    if not isinstance(blob, dict):
        return ""
    ref = blob.get("ref")
    if isinstance(ref, dict) and isinstance(ref.get("$link"), str):
        return ref["$link"]
    return blob["cid"] if isinstance(blob.get("cid"), str) else ""


def _media(embed, did: str, key: str = "embed") -> list[CapturedMedia]:
    """Pictures and videos of a post's embed (the record's own, not the API's view of it)."""
    if not isinstance(embed, dict):
        return []
    kind = embed.get("$type", "")
    quoted_did = quote(did, safe=":")
    if kind == "app.bsky.embed.recordWithMedia":
        return _media(embed.get("media"), did, f"{key}.media")
    media = []
    if kind == "app.bsky.embed.images":
        images = embed.get("images")
        if not isinstance(images, list):
            raise SourceError(f"{key}.images", "expected a list")
        for image in images:
            blob = image.get("image") if isinstance(image, dict) else None
            cid = _blob_cid(blob)
            if cid:
                mime = blob.get("mimeType")
                media.append(
                    CapturedMedia(
                        url=IMAGE_URL.format(did=quoted_did, cid=quote(cid, safe="")),
                        mime_type=mime[:200] if isinstance(mime, str) else "",
                    )
                )
    elif kind == "app.bsky.embed.video":
        cid = _blob_cid(embed.get("video"))
        if cid:
            media.append(
                CapturedMedia(
                    url=VIDEO_URL.format(did=quoted_did, cid=quote(cid, safe="")),
                    mime_type=VIDEO_MIME,
                )
            )
    return media


def _post(
    uri: str,
    record,
    *,
    raw: str,
    context: ReadContext,
    own: bool,
    handle: str = "",
    name: str = "",
) -> CapturedItem:
    """One post record ({text, createdAt, reply, embed, langs, facets}) as an item."""
    if not isinstance(record, dict):
        raise SourceError("record", "expected an object")
    if len(uri) > MAX_ID:
        raise SourceError("uri", f"longer than {MAX_ID} characters")
    did = uri[5:].split("/", 1)[0]
    reply = record.get("reply")
    if reply is not None and not isinstance(reply, dict):
        raise SourceError("reply", "expected an object with root and parent")
    parent = _uri(reply, "parent") if reply else ""
    root = _uri(reply, "root") if reply else ""
    langs = record.get("langs")
    language = (
        langs[0][:16] if isinstance(langs, list) and langs and isinstance(langs[0], str) else ""
    )
    return CapturedItem(
        platform_id=uri,
        kind=Kind.REPLY if parent else Kind.POST,
        text=str_at(record, "text"),
        created_at=check_datetime(record.get("createdAt"), "createdAt"),
        captured_at=context.captured_at,
        raw=raw,
        author_id=did,
        author_name=safe_text(name[:300]),
        author_handle=safe_text(handle[:300]),
        author_is_organisation=own,
        parent_id=parent,
        thread_id=root or parent,
        language=language,
        permalink=PERMALINK.format(did=did, rkey=quote(_rkey(uri), safe="")),
        media=tuple(_media(record.get("embed"), did)),
    )


# The repository reader.


@register
class RepositoryReader(Reader):
    platform = PLATFORM
    name = "bluesky-car"
    label = "Bluesky repository export (CAR)"
    label_in_sentence = "a Bluesky repository export"
    expects = (
        "a Bluesky repository export (a .car file from com.atproto.sync.getRepo or the "
        "app's Export my data)"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            files = _car_files(bundle)
            if not files:
                return None
            return self._describe(bundle, files)
        except (OSError, ValueError, KeyError, EOFError, SourceError):
            return None

    def _describe(self, bundle: Bundle, files: list[str]) -> Found:
        name, size = files[0], bundle.size(files[0])
        with bundle.open(name) as stream:
            if isinstance(stream, io.BufferedReader):  # a file on disk: seeking is free
                return self._describe_car(files, stream, count=size <= DETECT_COUNT_LIMIT)
            if size <= DETECT_IN_MEMORY_LIMIT:
                # A zip member unpacks again from its start at every seek backwards.
                return self._describe_car(files, io.BytesIO(stream.read()), count=True)
            return self._describe_car(files, stream, count=False)

    def _describe_car(self, files: list[str], stream: IO[bytes], *, count: bool) -> Found | None:
        """A Found only for an AT Protocol repository: a CAR whose root is a signed commit
        (version 2 or 3, a DID) and whose records are Bluesky's (app.bsky.*). Any other CAR
        (IPFS content, another application's repository) is not a Bluesky export."""
        car = _CarFile(stream)
        root = car.roots[0]
        if count:
            car.index()
        elif not car.index(stop_at=root):
            return None  # getRepo writes the commit first: without it, not a repository
        try:
            commit = _commit(car, root)
        except (SourceError, ValueError, TypeError, EOFError, RecursionError):
            return None
        if not count:
            return self._found(files, commit["did"], "", {})
        display_name, counts, bluesky = "", {"posts": 0, OTHER_RECORDS: 0}, 0
        for entry in car.walk(commit["data"]):
            if isinstance(entry, SourceError):
                continue
            key, value = entry
            bluesky += key.startswith("app.bsky.")
            if key.startswith(POST_COLLECTION + "/"):
                counts["posts"] += 1
            else:
                counts[OTHER_RECORDS] += 1
                if key == PROFILE_KEY:
                    display_name = _display_name(car, value)
        if counts["posts"] + counts[OTHER_RECORDS] and not bluesky:
            return None  # a repository of another AT Protocol application
        return self._found(files, commit["did"], display_name, counts)

    def _found(self, files: list[str], did: str, display_name: str, counts: dict) -> Found:
        shown = f"{did} ({display_name})" if did and display_name else did or files[0]
        return Found(
            platform=PLATFORM,
            format=self.name,
            description=f"Bluesky repository export of {shown}",
            account=did,
            account_ids=frozenset(filter(None, {did, display_name})),
            counts=counts,
            total=counts.get("posts") if counts else None,
            details={"files": files, "did": did, "name": display_name},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        expected = found.details.get("did", "")
        handles = _handles_beside(bundle)
        for name in found.details.get("files") or _car_files(bundle):
            try:
                path = bundle.local_path(name)
                stream = path.open("rb")
            except (OSError, KeyError) as error:
                yield SourceError(name, f"cannot be read ({error})")
                continue
            with stream:
                yield from self._read_file(name, stream, expected, context, handles)

    def _read_file(
        self,
        name: str,
        stream: IO[bytes],
        expected: str,
        context: ReadContext,
        handles: dict[str, str],
    ) -> Iterator[CapturedItem | SourceError]:
        car = None
        try:
            car = _CarFile(stream)
            car.index()
            commit = _commit(car, car.roots[0])
        except SourceError as error:
            if car is not None and car.cut_short_at is not None:
                yield SourceError(
                    name, f"the file is cut short at byte {car.cut_short_at:,}: {error.reason}"
                )
            else:
                yield SourceError(f"{name}, {error.location}", error.reason)
            return
        except (ValueError, TypeError, EOFError, RecursionError) as error:
            yield SourceError(name, f"not a readable repository export ({error})")
            return
        did = commit["did"]
        if expected and did != expected:
            yield SourceError(name, f"the repository of {did}, not of {expected}; skipped")
            return
        # The author of every post: the profile record's display name, and the handle from
        # a DID document or describeRepo answer saved beside the repository (a repository
        # does not hold its handle).
        display_name = handle = ""
        counted = car.missing_nodes  # the walk below counts what is missing once
        for entry in car.walk(commit["data"]):
            if not isinstance(entry, SourceError) and entry[0] == PROFILE_KEY:
                display_name = _display_name(car, entry[1])
                break
        car.missing_nodes = counted
        handle = handles.get(did, "")
        missing = 0
        for entry in car.walk(commit["data"]):
            if isinstance(entry, SourceError):
                yield SourceError(f"{name}, {entry.location}", entry.reason)
                continue
            key, value = entry
            if not key.startswith(POST_COLLECTION + "/"):
                continue
            try:
                if not _RECORD_KEY.match(key):
                    raise SourceError("key", f"not a record key: {key[:80]!r}")
                data = car.block(value)
                if data is None:
                    missing += 1
                    continue
                record = _json_model(_decode(data))
                uri = f"at://{did}/{key}"
                raw = orjson.dumps({"uri": uri, "cid": str(value), "value": record}).decode()
                yield _post(
                    uri,
                    record,
                    raw=raw,
                    context=context,
                    own=True,
                    handle=handle,
                    name=display_name,
                )
            except SourceError as error:
                yield SourceError(f"{name}, {key}, {error.location}", error.reason)
            except (
                ValueError,
                TypeError,
                KeyError,
                AttributeError,
                EOFError,
                RecursionError,
            ) as error:
                yield SourceError(f"{name}, {key}", f"unreadable record ({str(error)[:200]})")
        lost = _count(missing, "post") + _count(car.missing_nodes, "tree node")
        lost_words = " and ".join(lost)
        if car.cut_short_at is not None:
            yield SourceError(
                name,
                f"the file is cut short at byte {car.cut_short_at:,}"
                + (f"; {lost_words} (and what lies under them) could not be read" if lost else ""),
            )
        elif car.damage:
            yield SourceError(name, car.damage)
        elif lost:
            yield SourceError(name, f"{lost_words} not in the file (a partial export)")


def _count(number: int, noun: str) -> list[str]:
    return [f"{number:,} {noun}{'s' * (number != 1)}"] if number else []


def _car_files(bundle: Bundle) -> list[str]:
    names = sorted(n for n in bundle.names() if n.lower().endswith(".car"))
    if not names and len(bundle.names()) == 1:
        only = bundle.names()[0]
        if not only.lower().endswith((".json", ".jsonl", ".zip", ".js", ".csv", ".xml", ".html")):
            try:
                _car_header(bundle.head(only, MAX_HEADER_BYTES + 16))
            except (ValueError, EOFError, TypeError):
                return []
            names = [only]
    return names


_HANDLE = re.compile(r"^[a-zA-Z0-9.-]{1,253}$")


def _handles_beside(bundle: Bundle) -> dict[str, str]:
    """DID -> handle, from small JSON files next to the repository: a DID document
    ({"id": did, "alsoKnownAs": ["at://handle"]}), or com.atproto.repo.describeRepo's answer
    ({"did", "handle", "didDoc"})."""
    found: dict[str, str] = {}
    for name in bundle.names():
        if not name.lower().endswith(".json") or bundle.size(name) > 1024**2:
            continue
        try:
            document = orjson.loads(bundle.read_bytes(name, 1024**2))
        except (orjson.JSONDecodeError, OSError, KeyError, ValueError):
            continue
        if not isinstance(document, dict):
            continue
        did = document.get("did") or document.get("id")
        handle = document.get("handle")
        if not isinstance(handle, str):
            doc = document.get("didDoc") if isinstance(document.get("didDoc"), dict) else document
            aliases = doc.get("alsoKnownAs")
            handle = (
                next(
                    (a[5:] for a in aliases or [] if isinstance(a, str) and a.startswith("at://")),
                    None,
                )
                if isinstance(aliases, list)
                else None
            )
        if isinstance(did, str) and did.startswith("did:") and isinstance(handle, str):
            handle = handle.strip().lstrip("@")
            if _HANDLE.match(handle):
                found[did] = handle
    return found


def _commit(car: _CarFile, root: bytes) -> dict:
    """The signed commit: {did, version 3 (rev) or 2 (prev), data: the tree's root}."""
    data = car.block(root)
    if data is None:
        raise SourceError("commit", f"the commit block {Cid(root)} is not in the file")
    commit = _decode(data)
    if not isinstance(commit, dict):
        raise SourceError("commit", "not a commit object")
    version, did, tree = commit.get("version"), commit.get("did"), commit.get("data")
    if version not in (2, 3):
        raise SourceError("commit", f"unknown repository version {version!r} (2 and 3 are known)")
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > 160:
        raise SourceError("commit.did", "expected a DID")
    if not isinstance(tree, Cid):
        raise SourceError("commit.data", "expected a link to the record tree")
    return commit


def _display_name(car: _CarFile, cid: bytes) -> str:
    try:
        data = car.block(cid)
        profile = _decode(data) if data is not None else None
    except (ValueError, TypeError, EOFError, RecursionError):
        return ""
    name = profile.get("displayName") if isinstance(profile, dict) else None
    return safe_text(name.strip()[:300]) if isinstance(name, str) else ""


# The XRPC page reader.


def item_from_post_view(view, context: ReadContext, *, raw: str | None = None) -> CapturedItem:
    """An app.bsky.feed.defs#postView ({uri, cid, author, record, embed, indexedAt})."""
    if not isinstance(view, dict):
        raise SourceError("post", "expected an object")
    uri = view.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://did:") or len(uri) > MAX_ID:
        raise SourceError("post.uri", "expected an at:// URI")
    author = view.get("author")
    if not isinstance(author, dict):
        raise SourceError("post.author", "expected an object")
    did, handle, name = author.get("did"), author.get("handle"), author.get("displayName")
    did = did if isinstance(did, str) else ""
    handle = handle if isinstance(handle, str) else ""
    name = name if isinstance(name, str) else ""
    if did and not uri.startswith(f"at://{did}/"):
        raise SourceError("post.author.did", "not the DID in the post's URI")
    try:
        return _post(
            uri,
            view.get("record"),
            raw=raw if raw is not None else orjson.dumps(view).decode(),
            context=context,
            own=context.is_own(did, handle),
            handle=handle,
            name=name,
        )
    except SourceError as error:
        raise SourceError(f"post.record.{error.location}", error.reason) from None


def items_from_thread(thread, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """A getPostThread thread: its parents upwards, the post, and its replies downwards."""
    node, depth = thread.get("parent") if isinstance(thread, dict) else None, 0
    while isinstance(node, dict) and depth < MAX_THREAD_DEPTH:
        depth += 1
        yield from _thread_post(node, context, f"parent {depth}")
        node = node.get("parent")
    stack = [(thread, 0, "thread")]
    while stack:
        node, depth, where = stack.pop()
        yield from _thread_post(node, context, where)
        replies = node.get("replies") if isinstance(node, dict) else None
        if not isinstance(replies, list):
            continue
        if depth >= MAX_THREAD_DEPTH:
            yield SourceError(where, f"replies deeper than {MAX_THREAD_DEPTH} levels; skipped")
            continue
        for index in range(len(replies) - 1, -1, -1):
            stack.append((replies[index], depth + 1, f"{where}, reply {index}"))


# Whatever else a malformed element can raise; SourceError is caught before these.
_UNREADABLE = (TypeError, ValueError, KeyError, AttributeError, RecursionError)


def _thread_post(node, context: ReadContext, where: str) -> Iterator[CapturedItem | SourceError]:
    if not isinstance(node, dict):
        yield SourceError(where, "expected an object")
        return
    kind = node.get("$type", "app.bsky.feed.defs#threadViewPost")
    if kind != "app.bsky.feed.defs#threadViewPost" or "post" not in node:
        return  # notFoundPost, blockedPost: the API says nothing about their content
    try:
        yield item_from_post_view(node["post"], context)
    except SourceError as error:
        yield SourceError(f"{where}, {error.location}", error.reason)
    except _UNREADABLE as error:  # orjson's nesting limit, for one
        yield SourceError(where, f"unreadable ({str(error)[:200]})")


def _feed_item(entry, context: ReadContext, where: str) -> Iterator[CapturedItem | SourceError]:
    """A getAuthorFeed / getTimeline entry ({post, reply, reason}); another's post reposted
    by the account is not the account's record and is left out."""
    try:
        if not isinstance(entry, dict):
            raise SourceError("", "expected an object")
        reason = entry.get("reason")
        post = entry.get("post")
        if (
            isinstance(reason, dict)
            and reason.get("$type") == "app.bsky.feed.defs#reasonRepost"
            and isinstance(post, dict)
            and isinstance(post.get("author"), dict)
            and not context.is_own(post["author"].get("did"), post["author"].get("handle"))
        ):
            return
        yield item_from_post_view(post, context, raw=orjson.dumps(entry).decode())
    except SourceError as error:
        yield SourceError(", ".join(filter(None, [where, error.location])), error.reason)
    except _UNREADABLE as error:  # orjson's nesting limit, for one
        yield SourceError(where or "page", f"unreadable ({str(error)[:200]})")


def _record_entry(entry, context: ReadContext, where: str) -> Iterator[CapturedItem | SourceError]:
    """A com.atproto.repo record ({uri, cid, value}); posts only."""
    try:
        if not isinstance(entry, dict):
            raise SourceError("", "expected an object")
        uri = entry.get("uri")
        if not isinstance(uri, str) or not uri.startswith("at://did:") or len(uri) > MAX_ID:
            raise SourceError("uri", "expected an at:// URI")
        collection = uri[5:].split("/")[1] if uri.count("/") >= 4 else ""
        if collection != POST_COLLECTION:
            return
        did = uri[5:].split("/", 1)[0]
        yield _post(
            uri,
            entry.get("value"),
            raw=orjson.dumps(entry).decode(),
            context=context,
            own=context.is_own(did),
        )
    except SourceError as error:
        yield SourceError(", ".join(filter(None, [where, error.location])), error.reason)
    except _UNREADABLE as error:  # orjson's nesting limit, for one
        yield SourceError(where or "page", f"unreadable ({str(error)[:200]})")


def _page_shape(obj_or_keys) -> str:
    keys = list(obj_or_keys)
    for key in keys:
        if key in ("thread", "feed", "posts", "records"):
            return key
    if "uri" in keys and "value" in keys:
        return "record"
    return ""


def items_from_xrpc_page(obj: dict, context: ReadContext) -> Iterator[CapturedItem | SourceError]:
    """Items of one fetched XRPC response: getPostThread, getAuthorFeed (or getTimeline),
    getPosts, listRecords or getRecord. The live connector calls this on each page."""
    if not isinstance(obj, dict):
        yield SourceError("page", "expected a JSON object")
        return
    shape = _page_shape(obj)
    if shape == "thread":
        yield from items_from_thread(obj["thread"], context)
    elif shape == "record":
        yield from _record_entry(obj, context, "")
    elif shape:
        entries = obj[shape]
        if not isinstance(entries, list):
            yield SourceError(shape, "expected a list")
            return
        for index, entry in enumerate(entries):
            yield from _page_entry(shape, entry, context, index)
    else:
        yield SourceError("page", "not a Bluesky API response this reader knows")


def _page_entry(shape: str, entry, context: ReadContext, index: int):
    where = f"{shape} item {index}"
    if shape == "feed":
        return _feed_item(entry, context, where)
    if shape == "records":
        return _record_entry(entry, context, where)
    return _posts_entry(entry, context, where)


def _posts_entry(entry, context: ReadContext, where: str) -> Iterator[CapturedItem | SourceError]:
    try:
        yield item_from_post_view(entry, context)
    except SourceError as error:
        yield SourceError(f"{where}, {error.location}", error.reason)
    except _UNREADABLE as error:  # orjson's nesting limit, for one
        yield SourceError(where, f"unreadable ({str(error)[:200]})")


def _sniff(head: bytes) -> str:
    """The shape of a page from its first bytes: the first top-level key that decides it."""
    keys: list[str] = []
    try:
        for prefix, event, value in ijson.parse(head):
            if prefix == "" and event == "map_key":
                keys.append(value)
                shape = _page_shape(keys)
                if shape and shape != "record":
                    return shape
    except (ijson.common.JSONError, UnicodeDecodeError, ValueError):
        pass
    shape = _page_shape(keys)
    if shape == "record" and b'"at://' not in head:
        return ""
    return shape


def _looks_like_bluesky(head: bytes) -> bool:
    return b"at://did:" in head or b"app.bsky." in head


@register
class XrpcReader(Reader):
    platform = PLATFORM
    name = "bluesky-xrpc"
    label = "Bluesky API pages (XRPC JSON)"
    label_in_sentence = "Bluesky API pages"
    expects = "saved Bluesky XRPC responses (getAuthorFeed, getPostThread, getPosts, listRecords)"

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            pages = sorted(n for n in bundle.names() if n.lower().endswith(".json"))
            shapes, accounts = [], set()
            for name in pages[:5]:
                head = bundle.head(name, 16 * 1024)
                shape = _sniff(head) if _looks_like_bluesky(head) else ""
                shapes.append(shape)
                # listRecords pages hold one repository's records: that DID is the account.
                match = _AT_URI_DID.search(head) if shape == "records" else None
                accounts.add(match.group(1).decode() if match else "")
        except (OSError, ValueError, KeyError):
            return None
        if not any(shapes):
            return None
        account = accounts.pop() if len(accounts) == 1 else ""
        return Found(
            platform=PLATFORM,
            format=self.name,
            description="Bluesky API pages" + (f" of {account}" if account else ""),
            account=account,
            account_ids=frozenset(filter(None, {account})),
            counts={"page" if len(pages) == 1 else "pages": len(pages)},
            details={"pages": pages},
        )

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        for name in found.details.get("pages", []):
            for value in self._read_page(bundle, name, context):
                if isinstance(value, SourceError):
                    value = SourceError(
                        ", ".join(filter(None, [name, value.location])), value.reason
                    )
                yield value

    def _read_page(
        self, bundle: Bundle, name: str, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        try:
            shape = _sniff(bundle.head(name, 16 * 1024))
            if shape in ("feed", "posts", "records"):
                with bundle.open(name) as stream:
                    index = 0
                    try:
                        for entry in json_array_items(stream, f"{shape}.item"):
                            yield from _page_entry(shape, entry, context, index)
                            index += 1
                    except SourceError as error:
                        yield SourceError(f"after {shape} item {index - 1}", error.reason)
                return
            if not shape:
                yield SourceError("", "not a Bluesky API response this reader knows")
                return
            data = bundle.read_bytes(name, MAX_PAGE_BYTES)
        except (OSError, ValueError) as error:
            yield SourceError("", f"cannot be read ({str(error)[:200]})")
            return
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            yield SourceError("", f"not valid JSON ({str(error)[:200]})")
            return
        yield from items_from_xrpc_page(obj, context)


READERS = module_readers(__name__)
