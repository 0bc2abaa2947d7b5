"""Proof that nothing in the archive was changed: recompute every version hash and every
channel's hash chain, and name each break precisely."""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson
from django.db import connection

from torget.channels.models import Channel
from torget.ingest.pipeline import GENESIS, chain_hash

from .models import IntegrityEntry, Record, RecordVersion


@dataclass(frozen=True)
class Problem:
    channel: str
    what: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.channel}: {self.what}: expected {self.expected}, found {self.found}"


# Chain events whose hash is not a record version's: event -> a function giving the
# (record id, sha256) pairs the channel holds for it. Supervision registers "evidence".
NON_VERSION_EVENTS: dict[str, Callable[[Channel], set[tuple[int, str]]]] = {}

# Records whose versions were deleted for good under a disposal decision: each function gives
# record id -> the version hashes a tombstone vouches for. Disposal registers its tombstones.
TOMBSTONES: list[Callable[[Channel], dict[int, set[str]]]] = []


def _tombstoned(channel: Channel) -> dict[int, set[str]]:
    vouched: dict[int, set[str]] = {}
    for source in TOMBSTONES:
        for rid, hashes in source(channel).items():
            vouched.setdefault(rid, set()).update(hashes)
    return vouched


def verify_channel(channel: Channel) -> Iterator[Problem]:
    """Yield every break in the channel's records, versions and chain (streaming)."""
    label = f"{channel.organisation.slug}/{channel.slug}"
    yield from _verify_versions(channel, label)
    yield from _verify_chain(channel, label)


def _verify_versions(channel: Channel, label: str) -> Iterator[Problem]:
    records = Record.objects.filter(channel=channel).values_list(
        "id", "platform_id", "current_sha256", "text", "version_count"
    )
    current = {
        rid: (pid, sha, text, count)
        for rid, pid, sha, text, count in records.iterator(chunk_size=5000)
    }
    latest: dict[int, tuple[int, str, str]] = {}
    versions = (
        RecordVersion.objects.filter(record__channel=channel)
        .values_list("record_id", "number", "sha256", "content")
        .order_by("record_id", "number")
    )
    for rid, number, sha, content in versions.iterator(chunk_size=5000):
        pid = current.get(rid, ("?",))[0]
        actual = hashlib.sha256(content.encode()).hexdigest()
        if actual != sha:
            yield Problem(label, f"record {pid} (id {rid}) version {number} content", sha, actual)
        try:
            text = orjson.loads(content).get("text", "")
        except orjson.JSONDecodeError:
            text = None
        latest[rid] = (number, sha, text)
    tombstoned = _tombstoned(channel)
    for rid, (pid, sha, text, count) in current.items():
        if rid not in latest and sha in tombstoned.get(rid, ()):
            continue  # disposed for good: the tombstone keeps the hashes
        if rid not in latest:
            yield Problem(label, f"record {pid} (id {rid})", "at least one version", "none")
            continue
        number, last_sha, last_text = latest[rid]
        if number != count:
            yield Problem(label, f"record {pid} (id {rid}) version count", str(number), str(count))
        if last_sha != sha:
            yield Problem(label, f"record {pid} (id {rid}) current version hash", last_sha, sha)
        if last_text is not None and last_text != text:
            yield Problem(
                label, f"record {pid} (id {rid}) text", repr(last_text[:60]), repr(text[:60])
            )


def _verify_chain(channel: Channel, label: str) -> Iterator[Problem]:
    platform_ids = dict(Record.objects.filter(channel=channel).values_list("id", "platform_id"))
    known = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.record_id, v.sha256 FROM archive_recordversion v "
            "JOIN archive_record r ON r.id = v.record_id WHERE r.channel_id = %s",
            [channel.pk],
        )
        known = set(cursor.fetchall())
    others = {event: held(channel) for event, held in NON_VERSION_EVENTS.items()}
    tombstoned = _tombstoned(channel)
    prev, expected_seq = GENESIS, 1
    entries = (
        IntegrityEntry.objects.filter(channel=channel)
        .order_by("seq")
        .values_list("seq", "at", "event", "record_id", "version_sha256", "prev_hash", "entry_hash")
    )
    for seq, at, event, rid, sha, prev_hash, entry_hash in entries.iterator(chunk_size=5000):
        where = f"chain entry {seq} ({event} of record {platform_ids.get(rid, rid)})"
        if seq != expected_seq:
            yield Problem(label, f"chain sequence before entry {seq}", str(expected_seq), str(seq))
        if prev_hash != prev:
            yield Problem(label, f"{where} link to the previous entry", prev, prev_hash)
        actual = chain_hash(prev_hash, sha, seq, event, platform_ids.get(rid, ""), at)
        if actual != entry_hash:
            yield Problem(label, f"{where} hash", actual, entry_hash)
        if event in others:
            if (rid, sha) not in others[event]:
                yield Problem(label, f"{where} {event}", f"a kept {event} with hash {sha}", "none")
        elif (rid, sha) not in known and sha not in tombstoned.get(rid, ()):
            yield Problem(
                label, f"{where} version", f"a stored version with hash {sha}", "no such version"
            )
        prev, expected_seq = entry_hash, seq + 1
