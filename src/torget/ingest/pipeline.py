"""The ingest pipeline: the only writer of archived records.

    with Ingestion(channel=channel, source="export.jsonl", complete_listing=True) as ingestion:
        for item in items:
            ingestion.add(item)
        # or ingestion.reject("line 7", "not valid JSON")

Items are written in batches, each in one transaction: upsert by (channel, platform id),
a new version when the content changed, the capture event appended to the channel's
integrity chain, the search index updated, new versions handed to supervision. A crash
leaves every committed batch in place; running the same input again finishes the job and
changes nothing that is already there. After a complete listing, records that were not
seen are marked deleted on the platform; nothing is ever removed.

The hot path uses plain SQL with executemany: the ORM's per-object cost would dominate at
the rates the archive needs (bench/ingest.py).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from torget.archive import blobs
from torget.archive.chain import CHAIN_FORM, CONTENT_VERSION, GENESIS, chain_hash, same_content
from torget.archive.chain import canonical_content as _canonical
from torget.archive.models import ChainEvent, IngestionRun, RunStatus, State
from torget.archive.search import index_records, tsvector_literal
from torget.archive.text import terms
from torget.channels.models import Channel
from torget.refusals import CONFLICT, Refusal
from torget.sources.base import CapturedItem

logger = logging.getLogger(__name__)
_local = threading.local()

__all__ = ["CONTENT_VERSION", "GENESIS", "chain_hash"]  # kept where callers import them
MAX_KEPT_ERRORS = 1000
# A run whose process has not written for this long is taken to be dead.
STALE_AFTER = datetime.timedelta(minutes=10)

# Called with the ids of records that got a new version, inside the batch's transaction.
# Supervision registers its scanners here (a no-op until it does).
version_hooks: list[Callable[[list[int]], None]] = []


# After a large import, the query planner's statistics are refreshed, so that searches pick
# the right plan at once rather than after the next automatic analysis.
REFRESH_STATISTICS_AFTER = 10_000
# Tables a large import fills; apps whose version hooks write rows add theirs.
ANALYZED_TABLES = ["archive_record"]


def refresh_statistics() -> None:
    with connection.cursor() as cursor:
        if _on_sqlite():
            cursor.execute("PRAGMA optimize")
        else:
            for table in ANALYZED_TABLES:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class ChannelBusy(Refusal):
    """Another run is capturing this channel right now."""

    status = CONFLICT


class ChannelNotArchived(Refusal):
    """The channel is not an official account (yet, or any more): nothing is archived."""

    status = CONFLICT


# R14: only official accounts are archived. A proposal or a rejected channel is not one; a
# closed channel keeps its archive and may still receive its final capture.
ARCHIVED_STATUSES = ("active", "paused", "closed")


def direction_of(item: CapturedItem) -> str:
    return "drawn_up" if item.author_is_organisation else "received"


def canonical_content(item: CapturedItem, media: list[dict]) -> bytes:
    """The canonical form of a captured item (torget.archive.chain); its SHA-256 is the
    version hash."""
    return _canonical(
        platform_id=item.platform_id,
        kind=item.kind,
        author_id=item.author_id,
        author_name=item.author_name,
        author_handle=item.author_handle,
        created_at=item.created_at,
        direction=direction_of(item),
        parent_platform_id=item.parent_id,
        permalink=item.permalink,
        title=item.title,
        text=item.text,
        media=media,
        raw=item.raw,
    )


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for name in ("new", "changed", "unchanged", "deleted", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def accepted(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass
class _Pending:
    """A record's state while a batch is being worked out."""

    id: int | None
    sha256: str
    version_count: int
    state: str
    thread: str
    created_at: datetime.datetime
    new: bool = False
    changed: bool = False
    has_media: bool | None = None
    terms: str = ""
    item: CapturedItem | None = None
    last_seen: datetime.datetime | None = None
    deleted_at: datetime.datetime | None = None
    edited_at: datetime.datetime | None = None
    versions: list[tuple] = field(default_factory=list)
    # (event, version hash, at, the record's state after the event)
    events: list[tuple[str, str, datetime.datetime, str]] = field(default_factory=list)
    # The current version's canonical content (bytes or text), when an item may differ.
    content: bytes | str | None = None


def run_start(
    *, channel: Channel, source: str, complete_listing: bool = False, person=None
) -> IngestionRun:
    """Open a run for the channel, refusing if another live run holds it."""
    if channel.status not in ARCHIVED_STATUSES:
        status = str(channel.get_status_display()).lower()
        raise ChannelNotArchived(
            f"Channel {channel.slug} is {status}: only active, paused and closed channels are "
            f"archived, since only they are official accounts."
        )
    now = timezone.now()
    with transaction.atomic():
        running = (
            IngestionRun.objects.select_for_update()
            .filter(channel=channel, status=RunStatus.RUNNING)
            .first()
        )
        if running is not None:
            if running.heartbeat_at > now - STALE_AFTER and _alive(running):
                raise ChannelBusy(
                    f"Channel {channel.slug} is being captured by run {running.pk} "
                    f"(started {running.started_at:%Y-%m-%d %H:%M})."
                )
            running.status = RunStatus.INTERRUPTED
            running.finished_at = now
            running.save(update_fields=["status", "finished_at"])
        try:
            return IngestionRun.objects.create(
                organisation_id=channel.organisation_id,
                channel=channel,
                source=source[:500],
                complete_listing=complete_listing,
                host=socket.gethostname()[:200],
                pid=os.getpid(),
                started_by=person,
            )
        except IntegrityError:
            raise ChannelBusy(f"Channel {channel.slug} is being captured right now.") from None


def _alive(run: IngestionRun) -> bool:
    if run.host != socket.gethostname() or run.pid is None:
        return True  # another machine's run: trust its heartbeat
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Ingestion:
    """Feeds one channel's captured items through the pipeline in batches."""

    def __init__(
        self,
        *,
        channel: Channel,
        source: str,
        complete_listing: bool = False,
        person=None,
        batch_size: int = 2000,
        on_batch: Callable[[Counts], None] | None = None,
    ) -> None:
        self.channel = channel
        self.source = source
        self.complete_listing = complete_listing
        self.person = person
        self.batch_size = batch_size
        self.on_batch = on_batch
        self.counts = Counts()
        self.errors: list[dict] = []
        self.run: IngestionRun | None = None
        self._buffer: list[Prepared] = []

    def __enter__(self) -> Ingestion:
        self.run = run_start(
            channel=self.channel,
            source=self.source,
            complete_listing=self.complete_listing,
            person=self.person,
        )
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.finish()
            except BaseException as error:
                # The last batch, the deletion pass or the closing itself failed: the run is
                # closed as failed (never left "running"), and the error goes on to the caller.
                self._stopped(type(error), error)
                raise
            return
        self._stopped(exc_type, exc)

    def _stopped(self, exc_type: type[BaseException], exc: BaseException | None) -> None:
        status = (
            RunStatus.INTERRUPTED if issubclass(exc_type, KeyboardInterrupt) else RunStatus.FAILED
        )
        reason = f"The import stopped: {exc_type.__name__}: {exc}"
        # The reason is kept in a JSON column: no NUL, no lone surrogate (PostgreSQL's jsonb
        # refuses both), and not too long.
        reason = reason.replace("\x00", "\ufffd").encode("utf-8", "replace").decode()[:1000]
        self.errors.append({"where": "run", "reason": reason})
        self._close(status)

    def add(self, item: CapturedItem) -> None:
        problem = _too_long(item)
        if problem:
            self.reject(f"item {item.platform_id[:80]}", problem)
            return
        self.add_prepared(prepare(_fit(item)))

    def add_prepared(self, prepared: Prepared) -> None:
        self._buffer.append(prepared)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def reject(self, where: str, reason: str) -> None:
        self.counts.rejected += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append({"where": where, "reason": reason})

    def flush(self) -> Counts:
        items, self._buffer = self._buffer, []
        batch = Counts()
        if items:
            batch = write_batch(run=self.run, channel=self.channel, items=items)
            self.counts.add(batch)
        self._save_progress()
        if self.on_batch is not None:
            self.on_batch(batch)
        return batch

    def finish(self) -> IngestionRun:
        self.flush()
        if self.complete_listing:
            self.counts.deleted += mark_unseen_deleted(run=self.run, channel=self.channel)
        if self.counts.new >= REFRESH_STATISTICS_AFTER:
            refresh_statistics()
        return self._close(RunStatus.COMPLETED)

    def _save_progress(self) -> None:
        IngestionRun.objects.filter(pk=self.run.pk).update(
            heartbeat_at=timezone.now(),
            new=self.counts.new,
            changed=self.counts.changed,
            unchanged=self.counts.unchanged,
            deleted=self.counts.deleted,
            rejected=self.counts.rejected,
            errors=self.errors,
        )

    def _close(self, status: str) -> IngestionRun:
        run = self.run
        for name in ("new", "changed", "unchanged", "deleted", "rejected"):
            setattr(run, name, getattr(self.counts, name))
        run.errors = self.errors
        run.status = status
        run.finished_at = timezone.now()
        run.save()
        return run


@dataclass(slots=True)
class Prepared:
    """An item with what the pipeline computes from it alone, before the transaction: its
    canonical content and hash, its search terms and its stored media."""

    item: CapturedItem
    content: bytes
    sha256: str
    terms: str
    has_media: bool
    blobs: list[tuple[str, int, str]]


def prepare(item: CapturedItem) -> Prepared:
    media, stored = _media_entries(item) if item.media else ([], [])
    content = canonical_content(item, media)
    return Prepared(
        item=item,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        terms=" ".join(terms(f"{item.title} {item.text}" if item.title else item.text)),
        has_media=bool(media),
        blobs=stored,
    )


def _media_entries(item: CapturedItem) -> tuple[list[dict], list[tuple]]:
    """Store media files as blobs (outside the transaction: blobs are immutable)."""
    entries, stored = [], []
    for media in item.media:
        sha = media.sha256
        if media.path:
            sha, size = blobs.store_file(media.path)
            stored.append((sha, size, media.mime_type))
        # "stored": the file itself is kept (verify then requires it, unchanged, on disk).
        entries.append(
            {
                "sha256": sha,
                "url": media.url,
                "mime_type": media.mime_type,
                "stored": bool(media.path),
            }
        )
    return entries, stored


@functools.lru_cache(maxsize=4096)
def _sqlite_time(value: datetime.datetime) -> str:
    # Django keeps SQLite datetimes as naive UTC text: "YYYY-MM-DD HH:MM:SS[.ffffff]".
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")


def db_time(value: datetime.datetime | None):
    """A datetime as the database takes it, without the ORM's per-value cost."""
    if value is None or not _on_sqlite():
        return value
    return _sqlite_time(value)


def _on_sqlite() -> bool:
    # connection.vendor goes through a thread-local proxy: read it once per thread.
    vendor = getattr(_local, "vendor", None)
    if vendor is None:
        vendor = _local.vendor = connection.vendor
    return vendor == "sqlite"


def write_batch(*, run: IngestionRun, channel: Channel, items: list[Prepared]) -> Counts:
    counts = Counts()
    blob_rows = {row[0]: row for p in items for row in p.blobs}
    with transaction.atomic(), connection.cursor() as cursor:
        if blob_rows:
            blobs.register(cursor, list(blob_rows.values()), channel.organisation_id)
        pending = _load_existing(cursor, channel.pk, {p.item.platform_id for p in items})
        parents = _load_parents(
            cursor,
            channel.pk,
            {p.item.parent_id for p in items if p.item.parent_id} - set(pending),
        )

        earlier = _earlier_versions(cursor, pending, items)
        _load_current_contents(cursor, pending, items)
        for p in items:
            item, content, sha, has_media = p.item, p.content, p.sha256, p.has_media
            entry = pending.get(item.platform_id)
            if entry is None:
                if item.thread_id:
                    thread = item.thread_id
                elif item.parent_id:
                    parent = pending.get(item.parent_id)
                    thread = (
                        parent.thread
                        if parent
                        else parents.get(item.parent_id, (None, item.parent_id))[1]
                    )
                else:
                    thread = item.platform_id
                entry = _Pending(
                    id=None,
                    sha256=sha,
                    version_count=1,
                    state=State.HIDDEN if item.hidden else State.LIVE,
                    thread=thread,
                    created_at=item.created_at,
                    new=True,
                    item=item,
                    has_media=has_media,
                    terms=p.terms,
                    edited_at=item.edited_at,
                    content=content,
                )
                entry.versions.append((1, item.captured_at, sha, content, item.raw))
                entry.events.append((ChainEvent.CAPTURED, sha, item.captured_at, entry.state))
                pending[item.platform_id] = entry
                counts.new += 1
            elif entry.state == State.DISPOSED:
                # Disposed of under a disposal decision: nothing the platform still shows of
                # it is kept again (no version, no text, no search entry), before the purge
                # or after it. A restore within the undo window brings the record back.
                counts.unchanged += 1
            elif sha == entry.sha256 or _says_the_same(entry, p):
                # The same content (the raw payload's counters may differ): no new version.
                if entry.state == State.DELETED and item.deleted_at is None:
                    entry.state = State.EDITED if entry.version_count > 1 else State.LIVE
                    entry.events.append(
                        (ChainEvent.REAPPEARED, entry.sha256, item.captured_at, entry.state)
                    )
                    entry.changed = True
                    entry.item = item
                    entry.terms = p.terms
                elif entry.state in _SHOWN_OR_HIDDEN:
                    # Hidden is not content: a comment approved after moderation (or hidden
                    # later) keeps its version and changes only its state.
                    shown = State.EDITED if entry.version_count > 1 else State.LIVE
                    wanted = State.HIDDEN if item.hidden else shown
                    if wanted != entry.state:
                        entry.state = wanted
                        event = ChainEvent.HIDDEN if wanted == State.HIDDEN else ChainEvent.UNHIDDEN
                        entry.events.append((event, entry.sha256, item.captured_at, entry.state))
                        entry.changed = True
                        entry.item = item
                        entry.terms = p.terms
                counts.unchanged += 1
            elif (
                entry.edited_at is not None
                and (item.edited_at is None or item.edited_at <= entry.edited_at)
                and _an_earlier_version(p, earlier.get(entry.id, {}), entry.versions)
            ):
                # An older version seen again (an edit history, an archive holding every
                # version): already kept, and not newer than what the record shows now. A
                # genuine revert on the platform carries a newer edit time and is a version.
                counts.unchanged += 1
            else:
                entry.version_count += 1
                entry.sha256 = sha
                # Removed by us: a decision the platform does not undo.
                if entry.state != State.REMOVED:
                    entry.state = State.HIDDEN if item.hidden else State.EDITED
                entry.versions.append(
                    (entry.version_count, item.captured_at, sha, content, item.raw)
                )
                entry.events.append((ChainEvent.EDITED, sha, item.captured_at, entry.state))
                entry.content = content
                entry.edited_at = item.edited_at or entry.edited_at
                entry.has_media = has_media
                entry.changed = True
                entry.item = item
                entry.terms = p.terms
                counts.changed += 1
            if item.deleted_at is not None and entry.state not in (
                State.DELETED,
                State.REMOVED,
                State.DISPOSED,
            ):
                # The source itself says the platform no longer has it (an archive's list
                # of deleted posts): kept, marked deleted, and chained as such.
                entry.state = State.DELETED
                entry.deleted_at = item.deleted_at
                entry.events.append(
                    (ChainEvent.DELETED, entry.sha256, item.deleted_at, entry.state)
                )
                entry.changed = True
                entry.item = item
                entry.terms = entry.terms or p.terms
            if entry.last_seen is None or item.captured_at > entry.last_seen:
                entry.last_seen = item.captured_at

        new = _parents_first([(pid, e) for pid, e in pending.items() if e.new])
        if new:
            for (_pid, entry), record_id in zip(new, _allocate_ids(cursor, len(new)), strict=True):
                entry.id = record_id
            on_postgres = not _on_sqlite()
            _insert(
                cursor,
                "archive_record",
                RECORD_COLUMNS + (("search_vector",) if on_postgres else ()),
                [
                    (
                        e.id,
                        channel.organisation_id,
                        channel.pk,
                        pid,
                        e.item.kind,
                        _parent_id(e.item.parent_id, pending, parents),
                        e.item.parent_id,
                        e.thread,
                        e.item.author_id,
                        e.item.author_name,
                        e.item.author_handle,
                        e.item.author_is_organisation,
                        "drawn_up" if e.item.author_is_organisation else "received",
                        db_time(e.item.created_at),
                        db_time(e.edited_at),
                        db_time(e.versions[0][1]),
                        db_time(e.last_seen),
                        e.state,
                        e.item.text,
                        e.item.title,
                        e.item.language,
                        e.item.permalink,
                        e.has_media,
                        e.version_count,
                        e.sha256,
                        run.pk,
                        db_time(e.deleted_at),
                        *((tsvector_literal(e.terms),) if on_postgres else ()),
                    )
                    for pid, e in new
                ],
            )

        changed = [e for e in pending.values() if e.changed and not e.new]
        if changed:
            cursor.executemany(
                "UPDATE archive_record SET text = %s, title = %s, current_sha256 = %s, "
                "version_count = %s, state = %s, edited_at = COALESCE(%s, edited_at), "
                "has_media = COALESCE(%s, has_media), deleted_seen_at = %s WHERE id = %s",
                [
                    (
                        e.item.text,
                        e.item.title,
                        e.sha256,
                        e.version_count,
                        e.state,
                        db_time(e.edited_at),
                        e.has_media,
                        db_time(e.deleted_at),
                        e.id,
                    )
                    for e in changed
                ],
            )
        revised = [e for e in changed if e.versions]
        if revised:
            # A new version is what the record shows now, every hashed field of it (verify
            # compares the record with its latest version): who, when, what, where.
            cursor.executemany(
                "UPDATE archive_record SET kind = %s, author_platform_id = %s, author_name = %s, "
                "author_handle = %s, author_is_organisation = %s, direction = %s, "
                "created_at = %s, permalink = %s, parent_id = CASE WHEN parent_platform_id = %s "
                "THEN parent_id ELSE (SELECT p.id FROM archive_record p WHERE p.channel_id = %s "
                "AND p.platform_id = %s) END, parent_platform_id = %s WHERE id = %s",
                [
                    (
                        e.item.kind,
                        e.item.author_id,
                        e.item.author_name,
                        e.item.author_handle,
                        e.item.author_is_organisation,
                        direction_of(e.item),
                        db_time(e.item.created_at),
                        e.item.permalink,
                        e.item.parent_id,
                        channel.pk,
                        e.item.parent_id,
                        e.item.parent_id,
                        e.id,
                    )
                    for e in revised
                ],
            )
        seen = [
            (db_time(e.last_seen), db_time(e.last_seen), run.pk, e.id)
            for e in pending.values()
            if e.last_seen is not None and not e.new
        ]
        if seen:
            cursor.executemany(
                "UPDATE archive_record SET last_seen_at = CASE WHEN last_seen_at < %s THEN %s "
                "ELSE last_seen_at END, last_seen_run = %s WHERE id = %s",
                seen,
            )

        versions = [(e.id, *v) for e in pending.values() for v in e.versions]
        if versions:
            _insert(
                cursor,
                "archive_recordversion",
                ("record_id", "number", "captured_at", "sha256", "content", "raw", "run_id"),
                [
                    (rid, number, db_time(at), sha, content.decode(), raw, run.pk)
                    for rid, number, at, sha, content, raw in versions
                ],
            )

        _append_chain(
            cursor,
            channel.pk,
            [
                (e.id, pid, event, sha, at, state)
                for pid, e in pending.items()
                for event, sha, at, state in e.events
            ],
        )
        _link_waiting_children(cursor, channel.pk, [pid for pid, _e in new])

        index_records(
            cursor,
            # On PostgreSQL, new records carry their search vector in the COPY already.
            [(e.id, e.terms) for e in pending.values() if e.changed or (e.new and _on_sqlite())],
            replaced=[e.id for e in changed],
        )
        newest = max((e.item.created_at for _pid, e in new), default=None)
        if newest is not None:
            Channel.objects.filter(pk=channel.pk).exclude(last_activity_at__gte=newest).update(
                last_activity_at=newest
            )
        versioned = [e.id for e in pending.values() if e.versions]
        for hook in version_hooks:
            hook(versioned)
    return counts


RECORD_COLUMNS = (
    "id",
    "organisation_id",
    "channel_id",
    "platform_id",
    "kind",
    "parent_id",
    "parent_platform_id",
    "thread_platform_id",
    "author_platform_id",
    "author_name",
    "author_handle",
    "author_is_organisation",
    "direction",
    "created_at",
    "edited_at",
    "first_seen_at",
    "last_seen_at",
    "state",
    "text",
    "title",
    "language",
    "permalink",
    "has_media",
    "version_count",
    "current_sha256",
    "last_seen_run",
    "deleted_seen_at",
)


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL (one round trip), executemany on SQLite."""
    if not rows:
        return
    names = ", ".join(columns)
    if _on_sqlite():
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        return
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _allocate_ids(cursor, count: int) -> list[int]:
    """Ids for new records, taken up front so that parents and children link in one pass."""
    if connection.vendor == "sqlite":
        # The batch holds SQLite's write lock (BEGIN IMMEDIATE): nobody else inserts meanwhile.
        # Ids are never reused (AUTOINCREMENT's counter counts too), even after a disposal.
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'archive_record'), "
            "0), COALESCE((SELECT MAX(id) FROM archive_record), 0))"
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + count))
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence('archive_record', 'id')) "
        "FROM generate_series(1, %s)",
        [count],
    )
    return [row[0] for row in cursor.fetchall()]


def _parents_first(new: list[tuple[str, _Pending]]) -> list[tuple[str, _Pending]]:
    """New records ordered so that each comes after its parent when both are new in the
    batch (otherwise in the order read). A child inserted before its parent makes SQLite's
    deferred foreign-key check look for the parent's children at every parent insert, and
    parent_id has no index: saved API pages, where comments often come before their posts,
    imported several times slower than the same items parents-first."""
    position = {pid: index for index, (pid, _entry) in enumerate(new)}
    if all(position.get(e.item.parent_id, -1) < index for index, (_p, e) in enumerate(new)):
        return new
    depth: dict[str, int] = {}
    for pid, _entry in new:
        chain, current = [], pid
        while current in position and current not in depth and len(chain) <= len(new):
            chain.append(current)
            current = new[position[current]][1].item.parent_id
        base = depth.get(current, -1) if current in position else -1
        for step, member in enumerate(reversed(chain), 1):
            depth[member] = base + step
    return sorted(new, key=lambda pair: depth[pair[0]])


def _parent_id(parent_platform_id: str, pending: dict, parents: dict) -> int | None:
    if not parent_platform_id:
        return None
    if parent_platform_id in pending:
        return pending[parent_platform_id].id
    return parents.get(parent_platform_id, (None, ""))[0]


def _chunks(values: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _matching(column: str, values: list) -> Iterable[tuple[str, list]]:
    """(SQL condition, parameters) covering `values`: one array parameter on PostgreSQL,
    chunks of placeholders on SQLite (which has no arrays)."""
    if not values:
        return
    if not _on_sqlite():
        yield f"{column} = ANY(%s)", [list(values)]
        return
    for chunk in _chunks(values):
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def _load_existing(cursor, channel_id: int, platform_ids: set[str]) -> dict[str, _Pending]:
    found = {}
    for condition, params in _matching("platform_id", sorted(platform_ids)):
        cursor.execute(
            f"SELECT id, platform_id, current_sha256, version_count, state, thread_platform_id, "
            f"created_at, edited_at FROM archive_record WHERE channel_id = %s AND {condition}",
            [channel_id, *params],
        )
        for rid, pid, sha, count, state, thread, created, edited in cursor.fetchall():
            found[pid] = _Pending(
                id=rid,
                sha256=sha,
                version_count=count,
                state=state,
                thread=thread,
                created_at=created,
                edited_at=_aware(edited),
            )
    return found


_SHOWN_OR_HIDDEN = (State.LIVE, State.EDITED, State.HIDDEN)

# The columns' limits: an identifier that does not fit is refused (cutting it would merge
# different items); a display field is shortened, the raw payload keeps it whole.
ID_LIMITS = {"platform_id": 200, "parent_id": 200, "thread_id": 200}
TEXT_LIMITS = {
    "author_id": 200,
    "author_name": 300,
    "author_handle": 300,
    "title": 1000,
    "language": 16,
    "permalink": 2000,
}


def _too_long(item: CapturedItem) -> str:
    for name, limit in ID_LIMITS.items():
        if len(getattr(item, name)) > limit:
            return f"{name} is longer than {limit} characters"
    return ""


def _fit(item: CapturedItem) -> CapturedItem:
    changes = {
        name: getattr(item, name)[:limit]
        for name, limit in TEXT_LIMITS.items()
        if len(getattr(item, name)) > limit
    }
    if item.permalink and not item.permalink.startswith(("https://", "http://")):
        changes["permalink"] = ""  # only web links are shown as links (no javascript:)
    return replace(item, **changes) if changes else item


def _aware(value) -> datetime.datetime | None:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = datetime.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _earlier_versions(cursor, pending: dict, items: list) -> dict[int, dict[str, object]]:
    """Versions (hash -> content) of existing records that an item may show an older
    version of."""
    ids = sorted(
        {
            entry.id
            for p in items
            if (entry := pending.get(p.item.platform_id)) is not None
            and entry.id is not None
            and entry.edited_at is not None
            and entry.sha256 != p.sha256
        }
    )
    found: dict[int, dict[str, object]] = {}
    for chunk in _chunks(ids):
        cursor.execute(
            f"SELECT record_id, sha256, content FROM archive_recordversion WHERE record_id IN "
            f"({', '.join(['%s'] * len(chunk))})",
            chunk,
        )
        for record_id, sha, content in cursor.fetchall():
            found.setdefault(record_id, {})[sha] = content
    return found


def _an_earlier_version(prepared: Prepared, kept: dict[str, object], versions: list) -> bool:
    """Whether a capture shows a version the record already has, kept before this batch
    (kept: hash -> content) or in it (versions). The hash covers the raw payload, which a
    later export of the same version differs in (its edit chain grown, its counters, another
    file of the same export): such a capture says the same as the kept version when
    same_content says so."""
    if prepared.sha256 in kept or any(v[2] == prepared.sha256 for v in versions):
        return True
    new = None
    for content in (*kept.values(), *(v[3] for v in versions)):
        try:
            old = orjson.loads(bytes(content) if isinstance(content, memoryview) else content)
        except (orjson.JSONDecodeError, TypeError):
            continue
        if new is None:
            new = orjson.loads(prepared.content)
        if isinstance(old, dict) and same_content(old, new):
            return True
    return False


def _load_current_contents(cursor, pending: dict, items: list) -> None:
    """The current version's content of existing records that an item may say differently:
    a capture whose hash differs only in its raw payload is not a new version."""
    ids = sorted(
        {
            entry.id
            for p in items
            if (entry := pending.get(p.item.platform_id)) is not None
            and entry.id is not None
            and entry.sha256 != p.sha256
            and entry.state != State.DISPOSED
        }
    )
    by_id = {e.id: e for e in pending.values() if e.id is not None}
    for chunk in _chunks(ids):
        cursor.execute(
            f"SELECT v.record_id, v.content FROM archive_recordversion v "
            f"JOIN archive_record r ON r.id = v.record_id AND v.number = r.version_count "
            f"WHERE v.record_id IN ({', '.join(['%s'] * len(chunk))})",
            chunk,
        )
        for record_id, content in cursor.fetchall():
            by_id[record_id].content = content


def _says_the_same(entry: _Pending, prepared: Prepared) -> bool:
    if entry.content is None:
        return False
    try:
        kept = orjson.loads(entry.content)
    except orjson.JSONDecodeError:
        return False
    return isinstance(kept, dict) and same_content(kept, orjson.loads(prepared.content))


def _load_parents(cursor, channel_id: int, platform_ids: set[str]) -> dict[str, tuple[int, str]]:
    """Parents already in the archive: platform id -> (record id, thread platform id)."""
    parents = {}
    for condition, params in _matching("platform_id", sorted(platform_ids)):
        cursor.execute(
            f"SELECT platform_id, id, thread_platform_id FROM archive_record "
            f"WHERE channel_id = %s AND {condition}",
            [channel_id, *params],
        )
        parents.update((pid, (rid, thread)) for pid, rid, thread in cursor.fetchall())
    return parents


def append_chain(cursor, channel_id: int, events: list[tuple]) -> None:
    """Link events (record id, platform id, event, sha256, at, the record's state after the
    event) to the channel's chain, inside
    the caller's transaction. The (channel, seq) unique constraint refuses a second writer
    that read the same chain head."""
    _append_chain(cursor, channel_id, events)


def chain_state_changes(*, records: list[tuple[int, int, str, str]], event: str) -> None:
    """Link a state change of records (id, channel id, platform id, current hash) to their
    channels' chains, inside the caller's transaction: `event` is also the state name except
    for a restore, whose state is given per record as the fifth element."""
    by_channel: dict[int, list[tuple]] = {}
    now = timezone.now()
    for row in records:
        record_id, channel_id, platform_id, sha = row[:4]
        state = row[4] if len(row) > 4 else event
        by_channel.setdefault(channel_id, []).append(
            (record_id, platform_id, event, sha, now, state)
        )
    with connection.cursor() as cursor:
        for channel_id, events in sorted(by_channel.items()):
            try:
                with transaction.atomic():
                    _append_chain(cursor, channel_id, events)
            except IntegrityError:
                # An import wrote to the chain at the same moment: read the new head again.
                _append_chain(cursor, channel_id, events)


def _append_chain(cursor, channel_id: int, events: list[tuple]) -> None:
    if not events:
        return
    cursor.execute(
        "SELECT seq, entry_hash FROM archive_integrityentry WHERE channel_id = %s "
        "ORDER BY seq DESC LIMIT 1",
        [channel_id],
    )
    last = cursor.fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    for record_id, platform_id, event, sha, at, state in events:
        seq += 1
        entry = chain_hash(prev, sha, seq, event, platform_id, at, form=CHAIN_FORM, state=state)
        rows.append(
            (channel_id, seq, db_time(at), event, record_id, sha, prev, entry, CHAIN_FORM, state)
        )
        prev = entry
    _insert(
        cursor,
        "archive_integrityentry",
        (
            "channel_id",
            "seq",
            "at",
            "event",
            "record_id",
            "version_sha256",
            "prev_hash",
            "entry_hash",
            "form",
            "state",
        ),
        rows,
    )


def _link_waiting_children(cursor, channel_id: int, new_pids: list[str]) -> None:
    """Children captured before their parent point at it once it arrives."""
    for condition, params in _matching("parent_platform_id", new_pids):
        cursor.execute(
            f"UPDATE archive_record SET parent_id = (SELECT p.id FROM archive_record p "
            f"WHERE p.channel_id = archive_record.channel_id "
            f"AND p.platform_id = archive_record.parent_platform_id) "
            # The condition is written exactly as the partial index's, so SQLite uses it.
            f"WHERE channel_id = %s AND parent_id IS NULL AND NOT (parent_platform_id = '') "
            f"AND {condition}",
            [channel_id, *params],
        )


def mark_unseen_deleted(*, run: IngestionRun, channel: Channel, batch_size: int = 2000) -> int:
    """After a complete listing: what the run did not see is deleted on the platform."""
    now = timezone.now()
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, platform_id, current_sha256 FROM archive_record "
                "WHERE channel_id = %s AND state NOT IN ('deleted', 'removed', 'disposed') "
                "AND (last_seen_run IS NULL OR last_seen_run <> %s) ORDER BY id LIMIT %s",
                [channel.pk, run.pk, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return total
            cursor.executemany(
                "UPDATE archive_record SET state = 'deleted', deleted_seen_at = %s WHERE id = %s",
                [(db_time(now), rid) for rid, _pid, _sha in rows],
            )
            _append_chain(
                cursor,
                channel.pk,
                [(rid, pid, ChainEvent.DELETED, sha, now, State.DELETED) for rid, pid, sha in rows],
            )
            total += len(rows)
            IngestionRun.objects.filter(pk=run.pk).update(deleted=total, heartbeat_at=now)
