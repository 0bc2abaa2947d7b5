"""The hashed forms of the archive (docs/integrity.md): a version's canonical content and a
chain entry's hash, each in every form the archive has used, so that old entries keep
verifying under the rules they were made with."""

from __future__ import annotations

import datetime
import hashlib

import orjson

GENESIS = "0" * 64

# Version 1 covered what a record says; version 2 covers everything that matters to it as a
# public record: who, when, which way, where, in reply to what, and the raw payload's hash.
CONTENT_VERSION = 2
# Form 1 of a chain entry hashed the event; form 2 also hashes the record's state after it.
CHAIN_FORM = 2

# Fields of a version-2 content that the record row repeats: verify compares them.
RECORD_FIELDS_V2 = (
    "platform_id",
    "kind",
    "author",
    "created_at",
    "direction",
    "parent_platform_id",
    "permalink",
    "title",
    "text",
)


def utc_stamp(at: datetime.datetime) -> str:
    """A moment as hashed: UTC, ISO 8601 with microseconds."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.UTC)
    return at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def raw_sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def canonical_content(
    *,
    platform_id: str,
    kind: str,
    author_id: str,
    author_name: str,
    author_handle: str,
    created_at: datetime.datetime,
    direction: str,
    parent_platform_id: str,
    permalink: str,
    title: str,
    text: str,
    media: list[dict],
    raw: str,
) -> bytes:
    """The canonical form (version 2) of a record's version; its SHA-256 is the version hash."""
    return orjson.dumps(
        {
            "v": CONTENT_VERSION,
            "platform_id": platform_id,
            "kind": kind,
            "author": {"id": author_id, "name": author_name, "handle": author_handle},
            "created_at": utc_stamp(created_at),
            "direction": direction,
            "parent_platform_id": parent_platform_id,
            "permalink": permalink,
            "title": title,
            "text": text,
            "media": media,
            "raw_sha256": raw_sha256(raw),
        },
        option=orjson.OPT_SORT_KEYS,
    )


def same_content(old: dict, new: dict) -> bool:
    """Whether a new capture says what a kept version says, in the kept version's own terms:
    the raw payload (counters, fetch times) and the form's number are not what a record says,
    and a version-1 content is compared only on what version 1 covered."""
    ignored = ("v", "raw_sha256")
    for key, value in old.items():
        if key in ignored:
            continue
        if key == "media" and isinstance(value, list):
            found = new.get("media")
            if not isinstance(found, list) or len(found) != len(value):
                return False
            for was, now in zip(value, found, strict=True):
                if any(now.get(k) != part for k, part in was.items() if k != "stored"):
                    return False
        elif new.get(key) != value:
            return False
    return True


def chain_hash(
    prev_hash: str,
    version_sha256: str,
    seq: int,
    event: str,
    platform_id: str,
    at: datetime.datetime,
    *,
    form: int = 1,
    state: str = "",
) -> str:
    """An entry's hash (docs/integrity.md). Form 1: SHA-256(previous + version + seq, event,
    platform id, time); form 2 adds the record's state after the event."""
    stamp = utc_stamp(at)
    if form == 1:
        payload = f"{prev_hash}{version_sha256}{seq}|{event}|{platform_id}|{stamp}"
    else:
        payload = (
            f"v{form}|{prev_hash}|{version_sha256}|{seq}|{event}|{platform_id}|{stamp}|{state}"
        )
    return hashlib.sha256(payload.encode()).hexdigest()
