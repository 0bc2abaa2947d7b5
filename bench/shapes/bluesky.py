"""Bluesky shapes for the importer benchmark: a repository CAR export and getAuthorFeed pages.

The CAR is a valid CARv1 with a v3 commit and a two-level Merkle Search Tree: leaves of 64
records under one root node whose entries separate them. A real repository's tree has more
levels (its shape follows the keys' hashes), but it is read the same way: nodes with a left
subtree and prefix-compressed entries, each with a record link and a right subtree. Records
and leaves are written to the file as they are made; only the root's entries (one per 64
records) are held until the end, because the header names the commit, which depends on them.
"""

import base64
import datetime
import hashlib
import json
import random
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import cbor2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import comment_text

DID = "did:plc:exemplakommun4bench2xyz"
HANDLE = "exempla.bsky.social"
LEAF_SIZE = 64
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_START = datetime.datetime(2024, 1, 8, 7, 30, tzinfo=datetime.UTC)


def _cid(data: bytes, codec: int = 0x71) -> bytes:
    """CIDv1, sha2-256: DAG-CBOR (0x71) for records and nodes, raw (0x55) for blobs."""
    return bytes([0x01, codec, 0x12, 0x20]) + hashlib.sha256(data).digest()


def _link(cid: bytes) -> cbor2.CBORTag:
    return cbor2.CBORTag(42, b"\x00" + cid)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _dag_cbor(value) -> bytes:
    # cbor2's canonical form sorts map keys by length, then bytes: DAG-CBOR's order.
    return cbor2.dumps(value, canonical=True)


def _section(out: IO[bytes], data: bytes) -> bytes:
    cid = _cid(data)
    out.write(_varint(len(cid) + len(data)) + cid + data)
    return cid


def tid(moment: datetime.datetime, clock: int = 0) -> str:
    """A record key in the TID form: microseconds and a clock id, base32-sortable."""
    micros = int(moment.timestamp() * 1_000_000)
    value = (micros << 10) | (clock & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _node(left: bytes | None, entries: list[tuple[bytes, bytes, bytes | None]]) -> dict:
    """An MST node: entries (key, value CID, right subtree CID) with prefix-compressed keys."""
    encoded, previous = [], b""
    for key, value, right in entries:
        prefix = 0
        while prefix < min(len(key), len(previous)) and key[prefix] == previous[prefix]:
            prefix += 1
        encoded.append(
            {
                "p": prefix,
                "k": key[prefix:],
                "v": _link(value),
                "t": _link(right) if right else None,
            }
        )
        previous = key
    return {"l": _link(left) if left else None, "e": encoded}


def write_car(
    path: Path,
    did: str,
    records: Iterable[tuple[str, dict | bytes]],
    rev: str = "",
) -> Path:
    """Write a repository CAR of `records` ("collection/rkey", record or its DAG-CBOR bytes),
    which must come in key order."""
    body_path = path.with_name(path.name + ".body")
    left: bytes | None = None
    root_entries: list[tuple[bytes, bytes, bytes | None]] = []
    group: list[tuple[bytes, bytes]] = []

    def flush(body: IO[bytes]) -> None:
        nonlocal left
        if not group:
            return
        if left is None and not root_entries:
            left = _section(body, _dag_cbor(_node(None, [(k, v, None) for k, v in group])))
        else:
            first, rest = group[0], group[1:]
            right = (
                _section(body, _dag_cbor(_node(None, [(k, v, None) for k, v in rest])))
                if rest
                else None
            )
            root_entries.append((first[0], first[1], right))
        group.clear()

    with body_path.open("wb") as body:
        for key, record in records:
            data = record if isinstance(record, bytes) else _dag_cbor(record)
            group.append((key.encode(), _section(body, data)))
            if len(group) == LEAF_SIZE:
                flush(body)
        flush(body)
    root = _dag_cbor(_node(left, root_entries))
    commit = _dag_cbor(
        {
            "did": did,
            "version": 3,
            "data": _link(_cid(root)),
            "rev": rev or tid(datetime.datetime.now(datetime.UTC)),
            "prev": None,
            "sig": bytes(64),
        }
    )
    header = _dag_cbor({"roots": [_link(_cid(commit))], "version": 1})
    with path.open("wb") as out:
        out.write(_varint(len(header)) + header)
        _section(out, commit)
        _section(out, root)
        with body_path.open("rb") as body:
            shutil.copyfileobj(body, out, 1024 * 1024)
    body_path.unlink()
    return path


def _stamp(moment: datetime.datetime, rng: random.Random) -> str:
    """createdAt as clients write it: mostly UTC with Z, some with a Swedish offset."""
    if rng.random() < 0.2:
        local = moment.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
        return local.isoformat(timespec="milliseconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _posts(count: int, seed: int) -> Iterator[tuple[str, dict, datetime.datetime]]:
    """(rkey, record, time): one post in twenty-one starts a thread, the rest reply in it."""
    rng = random.Random(seed)
    moment = _START
    root = parent = None
    for index in range(count):
        moment += datetime.timedelta(seconds=rng.randrange(20, 600), microseconds=index % 997)
        rkey = tid(moment, index)
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        fake_cid = "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52]
        if index % 21 == 0:
            record = {
                "$type": "app.bsky.feed.post",
                "text": "Information från kommunen: " + comment_text(rng),
                "createdAt": _stamp(moment, rng),
                "langs": ["sv"],
            }
            root = parent = {"uri": uri, "cid": fake_cid}
            if rng.random() < 0.3:
                picture = hashlib.sha256(f"bild {index}".encode()).digest()
                record["embed"] = {
                    "$type": "app.bsky.embed.images",
                    "images": [
                        {
                            "alt": "Bild från kommunen",
                            "image": {
                                "$type": "blob",
                                "ref": _link(bytes([0x01, 0x55, 0x12, 0x20]) + picture),
                                "mimeType": "image/jpeg",
                                "size": 120_000 + index,
                            },
                        }
                    ],
                }
        else:
            record = {
                "$type": "app.bsky.feed.post",
                "text": comment_text(rng) + " /Sara, kommunikatör",
                "createdAt": _stamp(moment, rng),
                "langs": ["sv"],
                "reply": {"root": root, "parent": parent},
            }
            parent = {"uri": uri, "cid": fake_cid}
        yield rkey, record, moment


def write_repository(directory: Path, count: int) -> Path:
    """A repository export of `count` posts, with a profile and some likes (not archived)."""

    def records() -> Iterator[tuple[str, dict]]:
        yield (
            "app.bsky.actor.profile/self",
            {"$type": "app.bsky.actor.profile", "displayName": "Exempla kommun"},
        )
        for index in range(max(count // 50, 1)):
            moment = _START + datetime.timedelta(minutes=index)
            yield (
                f"app.bsky.feed.like/{tid(moment, index)}",
                {
                    "$type": "app.bsky.feed.like",
                    "subject": {
                        "uri": f"at://did:plc:medborgare{index:014d}/app.bsky.feed.post/3kaaa",
                        "cid": "bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
                    },
                    "createdAt": _stamp(moment, random.Random(index)),
                },
            )
        for rkey, record, _moment in _posts(count, seed=11):
            yield f"app.bsky.feed.post/{rkey}", record

    return write_car(directory / "repo.car", DID, records())


def write_author_feed(directory: Path, count: int) -> Path:
    """app.bsky.feed.getAuthorFeed pages of 100 posts each, as a client saves them."""
    folder = directory / "bluesky-pages"
    folder.mkdir(parents=True, exist_ok=True)
    author = {"did": DID, "handle": HANDLE, "displayName": "Exempla kommun"}
    page, number = [], 0

    def save(last: bool) -> None:
        nonlocal number
        number += 1
        body = {"feed": page}
        if not last:
            body["cursor"] = f"cursor-{number}"
        (folder / f"author-feed-{number:05d}.json").write_text(
            json.dumps(body, ensure_ascii=False, default=_json_link), encoding="utf-8"
        )
        page.clear()

    for rkey, record, moment in _posts(count, seed=13):
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        page.append(
            {
                "post": {
                    "uri": uri,
                    "cid": "bafyrei" + hashlib.sha256(uri.encode()).hexdigest()[:52],
                    "author": author,
                    "record": record,
                    "replyCount": 0,
                    "repostCount": 0,
                    "likeCount": 0,
                    "indexedAt": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                    "labels": [],
                }
            }
        )
        if len(page) == 100:
            save(last=False)
    save(last=True)
    return folder


def _json_link(value):
    if isinstance(value, cbor2.CBORTag) and value.tag == 42:
        cid = value.value[1:]
        return {"$link": "b" + base64.b32encode(cid).decode().lower().rstrip("=")}
    raise TypeError(type(value).__name__)


SHAPES = {"bluesky-car": write_repository, "bluesky-xrpc": write_author_feed}
