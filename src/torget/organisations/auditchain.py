"""The audit log as a hash chain: each event hashes its fields and the previous event's hash,
so that an event deleted, changed or slipped in is named by `torget verify`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import orjson
from django.db import IntegrityError, transaction

from torget.archive.chain import GENESIS, utc_stamp

from .models import AuditEvent

# The chain's first event, written by migration 0003 when events from before the chain
# exist: its `after` holds their count, the last id and one hash over them all.
ANCHOR_ACTION = "audit.chain_started"
HASHED = (
    "organisation_id",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
)
RETRIES = 20
BATCH = 5000


def _json(value: Any) -> Any:
    # As the database gives it back: what json makes of it (tuples become lists, and so on).
    return None if value is None else json.loads(json.dumps(value))


def event_payload(fields: dict[str, Any]) -> bytes:
    """The canonical bytes of an event's hashed fields (without seq and prev_hash)."""
    values = {name: fields.get(name) for name in HASHED}
    values["before"], values["after"] = _json(values["before"]), _json(values["after"])
    values["at"] = utc_stamp(fields["at"])
    return orjson.dumps(values, option=orjson.OPT_SORT_KEYS)


def event_hash(fields: dict[str, Any], *, seq: int, prev_hash: str) -> str:
    digest = hashlib.sha256(f"audit|{seq}|{prev_hash}|".encode())
    digest.update(event_payload(fields))
    return digest.hexdigest()


def legacy_digest(rows: Iterator[dict[str, Any]]) -> tuple[int, int, str]:
    """(count, last id, hash) over the events written before the chain, in id order."""
    digest, count, last = hashlib.sha256(), 0, 0
    for row in rows:
        digest.update(f"{row['id']}|".encode())
        digest.update(event_payload(row))
        digest.update(b"\n")
        count, last = count + 1, row["id"]
    return count, last, digest.hexdigest()


def _head() -> tuple[int, str]:
    last = (
        AuditEvent.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "entry_hash")
        .first()
    )
    return last if last else (0, GENESIS)


def append(event: AuditEvent) -> AuditEvent:
    """Save a new event as the chain's next link, inside the caller's transaction. A second
    writer that read the same head is refused by the unique seq and tries the new head."""
    fields = {name: getattr(event, name) for name in HASHED}
    fields["at"] = event.at
    for attempt in range(RETRIES):
        seq, prev = _head()
        event.seq, event.prev_hash = seq + 1, prev
        event.entry_hash = event_hash(fields, seq=seq + 1, prev_hash=prev)
        try:
            with transaction.atomic():
                event.save()
            return event
        except IntegrityError:
            event.pk = None
            if attempt == RETRIES - 1:
                raise
    return event


def head() -> tuple[int, str]:
    """The audit chain's last link: (seq, hash); (0, 64 zeros) when it is empty."""
    return _head()


def verify() -> Iterator[tuple[str, str, str]]:
    """Yield (what, expected, found) for every break in the audit chain, reading it in
    bounded batches in seq order."""
    values = ("id", "seq", "prev_hash", "entry_hash", "at", *HASHED)
    prev, expected_seq, anchor = GENESIS, 1, None
    last_seq = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last_seq).order_by("seq").values(*values)[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            seq, where = row["seq"], f"audit event {row['seq']} (id {row['id']}, {row['action']})"
            if seq != expected_seq:
                missing = (
                    f"{expected_seq}" if seq == expected_seq + 1 else (f"{expected_seq}–{seq - 1}")
                )
                yield (f"audit events {missing}", "present", "deleted (gap in the audit chain)")
            if row["prev_hash"] != prev:
                yield (f"{where} link to the previous event", prev, row["prev_hash"] or "")
            actual = event_hash(row, seq=seq, prev_hash=row["prev_hash"] or "")
            if actual != row["entry_hash"]:
                yield (f"{where} hash (changed after it was written)", actual, row["entry_hash"])
            if seq == 1 and row["action"] == ANCHOR_ACTION:
                anchor = row
            prev, expected_seq = row["entry_hash"], seq + 1
        last_seq = rows[-1]["seq"]
    yield from _verify_legacy(anchor)


def _verify_legacy(anchor: dict | None) -> Iterator[tuple[str, str, str]]:
    values = ("id", "at", *HASHED)
    unchained = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    facts = (anchor or {}).get("after") or {}
    last_id = int(facts.get("legacy_last_id", 0))

    def legacy_rows() -> Iterator[dict]:
        after = 0
        while True:
            rows = list(unchained.filter(id__gt=after, id__lte=last_id).values(*values)[:BATCH])
            if not rows:
                return
            yield from rows
            after = rows[-1]["id"]

    if anchor is not None:
        count, _last, digest = legacy_digest(legacy_rows())
        if (count, digest) != (facts.get("legacy_rows"), facts.get("legacy_sha256")):
            yield (
                "audit events from before the chain",
                f"{facts.get('legacy_rows')} events with hash {facts.get('legacy_sha256')}",
                f"{count} events with hash {digest}",
            )
    for row in unchained.filter(id__gt=last_id).values("id", "action")[:100]:
        yield (
            f"audit event id {row['id']} ({row['action']})",
            "a link in the audit chain",
            "none (written behind Torget's back)",
        )
