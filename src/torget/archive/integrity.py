"""Proof that nothing in the archive was changed: recompute every version hash, compare every
record with its latest version and its latest chain event, walk every channel's hash chain,
check the media and evidence files on disk, the audit log's chain and the sealed heads, and
name each break precisely (docs/integrity.md).

Everything is read in bounded batches in id or seq order: memory stays flat however large
the archive is.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
from django.db import connection

from torget.channels.models import Channel

from . import blobs
from .chain import GENESIS, RECORD_FIELDS_V2, chain_hash, raw_sha256, utc_stamp
from .models import ChainEvent, State

BATCH = 2000


@dataclass(frozen=True)
class Problem:
    channel: str
    what: str
    expected: str
    found: str
    # What kind of break it is (docs/integrity.md lists them), for people and for tests.
    code: str = ""

    def __str__(self) -> str:
        return (
            f"{self.channel}: {self.what}: expected {self.expected}, found {self.found}"
            f" [{self.code}]"
        )


# Chain events whose hash is not a record version's: event -> a function giving the
# (record id, sha256) pairs the given records hold for it. Supervision registers "evidence".
NON_VERSION_EVENTS: dict[str, Callable[[Channel, list[int]], set[tuple[int, str]]]] = {}

# Records whose versions were deleted for good under a disposal decision: each function gives
# record id -> the version hashes a tombstone vouches for, for the given record ids.
TOMBSTONES: list[Callable[..., dict[int, set[str]]]] = []

# Media hashes whose files were deleted on purpose (child sexual abuse material: only the
# hash is kept), for the given record ids. Supervision registers one.
PURGED_MEDIA: list[Callable[[list[int]], set[str]]] = []

# Evidence files disposed of under a disposal decision (their path emptied on purpose), among
# the given evidence ids. Disposal registers its tombstones.
DISPOSED_EVIDENCE: list[Callable[[list[int]], set[int]]] = []

# Further checks of a channel (the removal evidence files on disk): each yields Problems.
CHANNEL_CHECKS: list[Callable[[Channel, str], Iterator[Problem]]] = []

VERSION_EVENTS = {
    ChainEvent.CAPTURED,
    ChainEvent.EDITED,
    ChainEvent.DELETED,
    ChainEvent.REAPPEARED,
    ChainEvent.REMOVED,
    ChainEvent.HIDDEN,
    ChainEvent.UNHIDDEN,
    ChainEvent.DISPOSED,
    ChainEvent.RESTORED,
}
NEW_VERSION_EVENTS = {ChainEvent.CAPTURED, ChainEvent.EDITED}
KNOWN_EVENTS = set(ChainEvent.values)

# Form-1 entries did not hash the state: the states a record may be in after each event
# under the rules of the code that wrote them (hidden and disposal were not chained then).
FORM1_STATES = {
    ChainEvent.CAPTURED: {State.LIVE, State.HIDDEN, State.DISPOSED},
    ChainEvent.EDITED: {State.EDITED, State.HIDDEN, State.REMOVED, State.DISPOSED},
    ChainEvent.REAPPEARED: {State.LIVE, State.EDITED, State.HIDDEN, State.DISPOSED},
    ChainEvent.DELETED: {State.DELETED, State.DISPOSED},
    ChainEvent.REMOVED: {State.REMOVED, State.DISPOSED},
    ChainEvent.EVIDENCE: set(State.values),
}


def label_of(channel: Channel) -> str:
    return f"{channel.organisation.slug}/{channel.slug}"


def _tombstoned(channel: Channel, record_ids: list[int]) -> dict[int, set[str]]:
    vouched: dict[int, set[str]] = {}
    for source in TOMBSTONES:
        for rid, hashes in source(channel, record_ids=record_ids).items():
            vouched.setdefault(rid, set()).update(hashes)
    return vouched


def _aware(value) -> datetime.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite through a raw cursor
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _in(ids: Iterable) -> tuple[str, list]:
    ids = list(ids)
    return ", ".join(["%s"] * len(ids)) or "NULL", ids


def verify_channel(channel: Channel, *, seals: dict | None = None) -> Iterator[Problem]:
    """Yield every break in the channel's records, versions, chain and files (streaming).
    `seals` (from `sealed_heads`) adds the check of the chain against its sealed heads."""
    label = label_of(channel)
    yield from _verify_records(channel, label)
    yield from _verify_chain(channel, label, (seals or {}).get(channel.pk))
    for check in CHANNEL_CHECKS:
        yield from check(channel, label)


# --- records and versions -----------------------------------------------------------------------

RECORD_SQL = (
    "SELECT id, platform_id, kind, parent_id, parent_platform_id, author_platform_id, "
    "author_name, author_handle, author_is_organisation, direction, created_at, state, text, "
    "title, permalink, version_count, current_sha256, organisation_id, channel_id "
    "FROM archive_record WHERE channel_id = %s AND platform_id > %s ORDER BY platform_id LIMIT %s"
)


class _FileCheck:
    """Media files checked once per run (a bounded memory of the ones already read)."""

    def __init__(self, size: int = 20_000) -> None:
        self.seen: OrderedDict[str, str] = OrderedDict()
        self.size = size

    def problem(self, sha: str) -> str:
        if sha in self.seen:
            self.seen.move_to_end(sha)
            return self.seen[sha]
        try:
            with blobs.open_blob(sha) as handle:
                digest = hashlib.sha256()
                while chunk := handle.read(blobs.CHUNK):
                    digest.update(chunk)
            found = digest.hexdigest()
            problem = "" if found == sha else f"a file with hash {found} (replaced)"
        except (OSError, FileNotFoundError):
            problem = "no file (deleted from the disk)"
        self.seen[sha] = problem
        if len(self.seen) > self.size:
            self.seen.popitem(last=False)
        return problem


def _verify_records(channel: Channel, label: str) -> Iterator[Problem]:
    # Keyset batches along the (channel, platform id) unique index: no sort, no scan of other
    # channels, and memory bounded by the batch however large the channel is.
    files = _FileCheck()
    after = ""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(RECORD_SQL, [channel.pk, after, BATCH])
            records = cursor.fetchall()
        if not records:
            return
        yield from _verify_batch(channel, label, records, files)
        after = records[-1][1]


def _verify_batch(channel: Channel, label: str, records: list, files: _FileCheck):
    ids = [row[0] for row in records]
    marks, params = _in(ids)
    versions: dict[int, list[tuple]] = {}
    entries: dict[int, list[tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT record_id, number, sha256, content, raw FROM archive_recordversion "  # noqa: S608
            f"WHERE record_id IN ({marks}) ORDER BY record_id, number",
            params,
        )
        for row in cursor.fetchall():
            versions.setdefault(row[0], []).append(row[1:])
        cursor.execute(
            f"SELECT record_id, seq, event, version_sha256, form, state, channel_id "  # noqa: S608
            f"FROM archive_integrityentry WHERE record_id IN ({marks}) ORDER BY record_id, seq",
            params,
        )
        for row in cursor.fetchall():
            entries.setdefault(row[0], []).append(row[1:])
        parent_ids = sorted({row[3] for row in records if row[3] is not None})
        parents = {}
        if parent_ids:
            marks_p, params_p = _in(parent_ids)
            cursor.execute(
                f"SELECT id, channel_id, platform_id FROM archive_record WHERE id IN ({marks_p})",  # noqa: S608
                params_p,
            )
            parents = {rid: (cid, pid) for rid, cid, pid in cursor.fetchall()}
        waiting = sorted({row[4] for row in records if row[3] is None and row[4]})
        linkable = set()
        if waiting:
            marks_w, params_w = _in(waiting)
            cursor.execute(
                f"SELECT platform_id FROM archive_record WHERE channel_id = %s "  # noqa: S608
                f"AND platform_id IN ({marks_w})",
                [channel.pk, *params_w],
            )
            linkable = {pid for (pid,) in cursor.fetchall()}
    others = {event: held(channel, ids) for event, held in NON_VERSION_EVENTS.items()}
    tombstoned = _tombstoned(channel, ids)
    purged_media = set()
    for source in PURGED_MEDIA:
        purged_media |= source(ids)
    for record in records:
        yield from _verify_record(
            channel,
            label,
            record,
            versions.get(record[0], []),
            entries.get(record[0], []),
            parents,
            linkable,
            others,
            tombstoned.get(record[0], set()),
            purged_media,
            files,
        )


def _verify_record(
    channel, label, record, versions, entries, parents, linkable, others, vouched, purged, files
):
    (
        rid,
        pid,
        kind,
        parent_id,
        parent_pid,
        author_id,
        author_name,
        author_handle,
        author_is_org,
        direction,
        created_at,
        state,
        text,
        title,
        permalink,
        version_count,
        current_sha,
        organisation_id,
        _channel_id,
    ) = record
    name = f"record {pid} (id {rid})"

    def problem(what: str, expected, found, code: str) -> Problem:
        return Problem(label, what, str(expected), str(found), code)

    if organisation_id != channel.organisation_id:
        yield problem(
            f"{name} organisation", channel.organisation_id, organisation_id, "record_field"
        )
    if direction != ("drawn_up" if author_is_org else "received"):
        yield problem(
            f"{name} direction",
            "drawn_up" if author_is_org else "received",
            direction,
            "record_field",
        )
    # The parent: the record the platform says it answers, in the same channel.
    if parent_id is not None:
        parent = parents.get(parent_id)
        if parent is None or parent != (channel.pk, parent_pid):
            yield problem(
                f"{name} parent",
                f"record {parent_pid or '(none)'} of this channel",
                f"record {parent[1] if parent else '?'} (id {parent_id})",
                "record_field",
            )
    elif parent_pid in linkable:
        yield problem(f"{name} parent", f"record {parent_pid}", "no parent", "record_field")

    # Versions: numbered 1..n, each hashing to its hash, each chained when it was captured.
    new_version_events = {
        sha for _seq, event, sha, *_rest in entries if event in NEW_VERSION_EVENTS
    }
    latest = None
    for index, (number, sha, content, raw) in enumerate(versions, 1):
        where = f"{name} version {number}"
        if number != index:
            yield problem(f"{name} version numbers", index, number, "version_missing")
        actual = hashlib.sha256(content.encode()).hexdigest()
        if actual != sha:
            yield problem(f"{where} content", sha, actual, "version_content")
        if sha not in new_version_events:
            yield problem(
                f"{where} chain entry",
                f"a captured or edited entry with hash {sha}",
                "none (the version was added behind the chain)",
                "version_unchained",
            )
        try:
            parsed = orjson.loads(content)
        except orjson.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            yield problem(f"{where} content", "canonical JSON", "unreadable", "version_content")
            continue
        if parsed.get("v", 1) >= 2 and parsed.get("raw_sha256") != raw_sha256(raw or ""):
            yield problem(
                f"{where} raw payload",
                parsed.get("raw_sha256"),
                raw_sha256(raw or ""),
                "version_raw",
            )
        for media in parsed.get("media") or []:
            sha_m = media.get("sha256", "") if isinstance(media, dict) else ""
            if not sha_m or sha_m in purged:
                continue
            if media.get("stored") or (parsed.get("v", 1) < 2 and _blob_known(sha_m)):
                found = files.problem(sha_m)
                if found:
                    yield problem(f"{where} media file {sha_m}", "the file", found, "media_file")
        latest = (number, sha, parsed)

    if latest is None:
        if current_sha not in vouched:
            yield problem(name, "at least one version", "none", "version_missing")
    else:
        number, sha, parsed = latest
        if number != version_count:
            yield problem(f"{name} version count", number, version_count, "record_field")
        if sha != current_sha:
            yield problem(f"{name} current version hash", sha, current_sha, "record_field")
        yield from _compare_fields(
            name,
            parsed,
            {
                "platform_id": pid,
                "kind": kind,
                "author": {"id": author_id, "name": author_name, "handle": author_handle},
                "created_at": utc_stamp(_aware(created_at)),
                "direction": direction,
                "parent_platform_id": parent_pid,
                "permalink": permalink,
                "title": title,
                "text": text,
            },
            problem,
        )

    # Chain entries of the record: in its channel, each naming a version it holds (or a
    # kept evidence), the latest one stating the record's state.
    known = {sha for _n, sha, _c, _r in versions} | vouched
    for seq, event, sha, _form, _state, entry_channel in entries:
        where = f"chain entry {seq} ({event} of record {pid})"
        if entry_channel != channel.pk:
            yield problem(f"{where} channel", channel.pk, entry_channel, "chain_foreign")
        if event in others:
            if (rid, sha) not in others[event]:
                yield problem(
                    f"{where} {event}",
                    f"a kept {event} with hash {sha}",
                    "none",
                    "evidence_missing",
                )
        elif sha not in known:
            yield problem(
                f"{where} version",
                f"a stored version with hash {sha}",
                "no such version",
                "version_missing",
            )
    if not entries:
        yield problem(f"{name} chain entries", "at least one", "none", "chain_missing")
        return
    seq, event, _sha, form, chained_state, _cid = entries[-1]
    if (form or 1) >= 2:
        if state != chained_state:
            yield problem(
                f"{name} state (chain entry {seq}, {event})", chained_state, state, "record_state"
            )
    elif state not in FORM1_STATES.get(event, set(State.values)):
        yield problem(
            f"{name} state (chain entry {seq}, {event})",
            " or ".join(sorted(FORM1_STATES[event])),
            state,
            "record_state",
        )


def _compare_fields(name, parsed, row, problem) -> Iterator[Problem]:
    fields = (
        RECORD_FIELDS_V2
        if parsed.get("v", 1) >= 2
        else ("platform_id", "kind", "author", "title", "text")
    )
    for field in fields:
        kept = parsed.get(field, "")
        if field == "author":
            kept = kept if isinstance(kept, dict) else {}
            for part in ("id", "name", "handle"):
                if kept.get(part, "") != row["author"][part]:
                    yield problem(
                        f"{name} author {part}",
                        repr(kept.get(part, "")),
                        repr(row["author"][part]),
                        "record_field",
                    )
            continue
        if kept != row[field]:
            shown = (
                (repr(kept[:60]), repr(row[field][:60]))
                if isinstance(kept, str) and isinstance(row[field], str)
                else (repr(kept), repr(row[field]))
            )
            yield problem(f"{name} {field}", shown[0], shown[1], "record_field")


def _blob_known(sha: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM archive_blob WHERE sha256 = %s", [sha])
        return cursor.fetchone() is not None


# --- the chain ----------------------------------------------------------------------------------

CHAIN_SQL = (
    "SELECT e.seq, e.at, e.event, e.record_id, e.version_sha256, e.prev_hash, e.entry_hash, "
    "e.form, e.state, r.platform_id FROM archive_integrityentry e "
    "LEFT JOIN archive_record r ON r.id = e.record_id "
    "WHERE e.channel_id = %s AND e.seq > %s ORDER BY e.seq LIMIT %s"
)


def _verify_chain(channel: Channel, label: str, sealed: tuple[int, str, str] | None):
    prev, expected_seq, last_form, after = GENESIS, 1, 1, 0
    head = (0, GENESIS)
    sealed_seen = False
    while True:
        with connection.cursor() as cursor:
            cursor.execute(CHAIN_SQL, [channel.pk, after, BATCH])
            rows = cursor.fetchall()
        if not rows:
            break
        for seq, at, event, rid, sha, prev_hash, entry_hash, form, state, pid in rows:
            where = f"chain entry {seq} ({event} of record {pid if pid is not None else rid})"
            if seq != expected_seq:
                yield Problem(
                    label,
                    f"chain sequence before entry {seq}",
                    str(expected_seq),
                    str(seq),
                    "chain_gap",
                )
            if prev_hash != prev:
                yield Problem(
                    label, f"{where} link to the previous entry", prev, prev_hash, "chain_link"
                )
            if event not in KNOWN_EVENTS:
                yield Problem(label, f"{where} event", "a known event", event, "chain_hash")
            form = form or 1
            if form < last_form:
                yield Problem(
                    label, f"{where} form", f"{last_form} or later", str(form), "chain_hash"
                )
            actual = chain_hash(
                prev_hash, sha, seq, event, pid or "", _aware(at), form=form, state=state or ""
            )
            if actual != entry_hash:
                yield Problem(label, f"{where} hash", actual, entry_hash, "chain_hash")
            if sealed is not None and seq == sealed[0]:
                sealed_seen = True
                if entry_hash != sealed[1]:
                    yield Problem(
                        label,
                        f"chain entry {seq} against the seal of {sealed[2]}",
                        sealed[1],
                        entry_hash,
                        "seal_mismatch",
                    )
            prev, expected_seq, last_form = entry_hash, seq + 1, form
            head = (seq, entry_hash)
        after = rows[-1][0]
    if sealed is not None and not sealed_seen:
        yield Problem(
            label,
            f"chain entry {sealed[0]}, sealed on {sealed[2]}",
            f"an entry with hash {sealed[1]}",
            f"none (the chain ends at entry {head[0]}: truncated or rebuilt)",
            "seal_truncated",
        )


# --- sealed heads -------------------------------------------------------------------------------


def seal_lines(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, line) for each line of a seal log on disk."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield f"{path.name} line {number}", line


def database_seal_lines() -> Iterator[tuple[str, bytes]]:
    """(where, line) for each seal the database keeps a copy of: used when the log on disk is
    not there (a database copied without its data directory)."""
    from .models import Seal

    for pk, line in Seal.objects.order_by("pk").values_list("pk", "line").iterator(BATCH):
        yield f"seal {pk} in the database", line.encode()


def sealed_heads(
    lines: Iterable[tuple[str, bytes]],
    keys: dict,
    *,
    tsa_ca: bytes | None = None,
    signatures: bool = True,
) -> tuple[dict[int, tuple[int, str, str]], tuple[int, str, str] | None, list[Problem]]:
    """Read seals: the highest sealed head of each channel (id -> (seq, head, when)), the
    audit log's, and the problems with the seals themselves (signature, time-stamp). Without
    `signatures` (no public key known) the seals are taken as they are."""
    from .seals import check_seal

    channels: dict[int, tuple[int, str, str]] = {}
    audit = None
    problems: list[Problem] = []
    for where, line in lines:
        try:
            seal = orjson.loads(line)
        except orjson.JSONDecodeError:
            seal = None
        if not isinstance(seal, dict) or not {"kind", "seq", "head", "key_id"} <= set(seal):
            problems.append(Problem("seals", where, "a seal", "unreadable", "seal_invalid"))
            continue
        if signatures:
            checked = check_seal(seal, keys, tsa_ca=tsa_ca)
            if not checked.ok:
                problems.append(
                    Problem("seals", where, "a valid seal", checked.problem, "seal_invalid")
                )
                continue
        head = (int(seal["seq"]), seal["head"], seal.get("sealed_at", ""))
        if seal["kind"] == "audit":
            if audit is None or head[0] >= audit[0]:
                audit = head
        elif seal.get("channel_id") is not None:
            cid = int(seal["channel_id"])
            if cid not in channels or head[0] >= channels[cid][0]:
                channels[cid] = head
    return channels, audit, problems


def verify_audit(sealed: tuple[int, str, str] | None) -> Iterator[Problem]:
    from torget.organisations import auditchain
    from torget.organisations.models import AuditEvent

    for what, expected, found in auditchain.verify():
        yield Problem("audit log", what, expected, found, "audit")
    if sealed is not None:
        row = AuditEvent.objects.filter(seq=sealed[0]).values_list("entry_hash", flat=True).first()
        if row is None:
            last = auditchain.head()[0]
            yield Problem(
                "audit log",
                f"audit event {sealed[0]}, sealed on {sealed[2]}",
                f"an event with hash {sealed[1]}",
                f"none (the audit chain ends at event {last}: truncated or rebuilt)",
                "seal_truncated",
            )
        elif row != sealed[1]:
            yield Problem(
                "audit log",
                f"audit event {sealed[0]} against the seal of {sealed[2]}",
                sealed[1],
                row,
                "seal_mismatch",
            )


def seal_log_problems(path: Path) -> Iterator[Problem]:
    """The database's copy of the latest seals must be in the log on disk: a log replaced or
    cut short is named."""
    from .models import Seal

    wanted = {}
    for line in (
        Seal.objects.order_by("kind", "channel_id", "-seq", "-id")
        .values_list("kind", "channel_id", "line")
        .iterator(chunk_size=BATCH)
    ):
        wanted.setdefault((line[0], line[1]), line[2])
    if not wanted or not path.exists():
        return  # no log at all: the command says so, and holds the chains to these copies
    missing = {hashlib.sha256(text.encode()).digest(): key for key, text in wanted.items()}
    with open(path, "rb") as handle:
        for line in handle:
            missing.pop(hashlib.sha256(line.rstrip(b"\n")).digest(), None)
    for kind, channel_id in sorted(missing.values(), key=lambda k: (k[0], k[1] or 0)):
        yield Problem(
            "seals",
            f"the latest {kind} seal" + (f" of channel id {channel_id}" if channel_id else ""),
            f"in the seal log {path}",
            "not there (the log on disk was replaced or cut short)",
            "seal_log",
        )
