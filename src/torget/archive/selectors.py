"""Reads from the archive, scoped to the acting person's organisation."""

import datetime
import difflib
import hashlib
import html
from dataclasses import dataclass

import orjson
from django.db.models import QuerySet
from django.http import Http404

from torget.ingest.pipeline import chain_hash
from torget.organisations.models import Person, Role
from torget.personal_data import policy
from torget.personal_data.masking import mask_data, mask_text

from .models import Blob, IntegrityEntry, Record, RecordVersion, State

# The raw payload is the capture exactly as the platform gave it, with every personal detail
# in it: only the roles that handle records and requests see it, and each view is audited.
RAW_READERS = (Role.ARCHIVIST, Role.REGISTRAR)


def raw_shown(raw: str, person: Person) -> str:
    """A raw payload as this person is shown it: whole to the roles the policy names,
    otherwise with every string in it masked."""
    if policy.sees_raw_whole(person):
        return raw
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return mask_text(raw)
    shown = mask_data(data)
    return raw if shown == data else orjson.dumps(shown).decode()


@dataclass(frozen=True)
class RawView:
    number: int
    raw: str


def record_get(*, person: Person, pk: int) -> Record:
    try:
        return (
            Record.objects.select_related("channel", "channel__organisation")
            .exclude(state=State.DISPOSED)
            .get(organisation_id=person.organisation_id, pk=pk)
        )
    except Record.DoesNotExist:
        raise Http404("No such record.") from None


@dataclass(frozen=True)
class ThreadRow:
    record: Record
    depth: int


@dataclass(frozen=True)
class DisposedInThread:
    """Records of a thread left out of a document because they were disposed of."""

    count: int
    decision: str  # the disposal rule's decision reference and date, or "" when unknown


@dataclass(frozen=True)
class DocumentThread:
    records: list[Record]
    disposed: list[DisposedInThread]


def thread_for_document(
    *, record: Record, limit: int, seen_by: datetime.datetime | None = None
) -> DocumentThread:
    """The record's thread as a document (evidence, a registrar's package) may show it:
    disposed records (also after the purge) are left out and only counted, per disposal
    rule. The record itself always stays: it is what the document is about. `seen_by`
    keeps only the records Torget had seen by then (a copy of evidence kept at that time)."""
    from django.apps import apps
    from django.db.models import Count, Q

    thread = Record.objects.filter(
        channel_id=record.channel_id, thread_platform_id=record.thread_platform_id
    )
    if seen_by is not None:
        thread = thread.filter(first_seen_at__lte=seen_by)
    records = list(
        thread.filter(~Q(state=State.DISPOSED) | Q(pk=record.pk)).order_by("created_at", "id")[
            :limit
        ]
    )
    disposed_ids = list(
        thread.filter(state=State.DISPOSED).exclude(pk=record.pk).values_list("pk", flat=True)
    )
    disposed: list[DisposedInThread] = []
    if disposed_ids:
        tombstone = apps.get_model("disposal", "Tombstone")
        by_rule = (
            tombstone.objects.filter(
                record_id__in=disposed_ids, evidence__isnull=True, undone_at__isnull=True
            )
            .values("rule__decision_reference", "rule__decision_date")
            .annotate(count=Count("record_id", distinct=True))
            .order_by("rule__decision_date", "rule__decision_reference")
        )
        counted = 0
        for row in by_rule:
            decision = f"{row['rule__decision_reference']} ({row['rule__decision_date']:%Y-%m-%d})"
            disposed.append(DisposedInThread(count=row["count"], decision=decision))
            counted += row["count"]
        if counted < len(disposed_ids):
            disposed.append(DisposedInThread(count=len(disposed_ids) - counted, decision=""))
    return DocumentThread(records=records, disposed=disposed)


def record_thread(*, record: Record, limit: int = 500) -> list[ThreadRow]:
    """The record's whole thread, post first, each reply under what it answers."""
    records = list(
        Record.objects.filter(
            channel_id=record.channel_id, thread_platform_id=record.thread_platform_id
        )
        .exclude(state=State.DISPOSED)
        .order_by("created_at", "id")[:limit]
    )
    by_pid = {r.platform_id: r for r in records}
    children: dict[str, list[Record]] = {}
    roots = []
    for r in records:
        if r.parent_platform_id and r.parent_platform_id in by_pid:
            children.setdefault(r.parent_platform_id, []).append(r)
        else:
            roots.append(r)
    rows: list[ThreadRow] = []

    def walk(node: Record, depth: int) -> None:
        rows.append(ThreadRow(node, depth))
        for child in children.get(node.platform_id, []):
            walk(child, min(depth + 1, 6))

    for root in roots:
        walk(root, 0)
    return rows


@dataclass(frozen=True)
class VersionView:
    version: RecordVersion
    data: dict
    hash_ok: bool
    diff_html: str


def record_versions(*, record: Record) -> list[VersionView]:
    views, previous = [], None
    for version in record.versions.order_by("number"):
        data = orjson.loads(version.content)
        ok = hashlib.sha256(version.content.encode()).hexdigest() == version.sha256
        diff = word_diff(previous["text"], data["text"]) if previous is not None else ""
        views.append(VersionView(version, data, ok, diff))
        previous = data
    return views


def word_diff(before: str, after: str) -> str:
    """HTML of the change from `before` to `after`, word by word, in <del> and <ins>."""
    a, b = before.split(" "), after.split(" ")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


@dataclass(frozen=True)
class EventView:
    entry: IntegrityEntry
    link_ok: bool


def record_events(*, record: Record) -> list[EventView]:
    """The record's capture events, each checked against the chain around it."""
    entries = list(record.chain_entries.order_by("seq"))
    previous = dict(
        IntegrityEntry.objects.filter(
            channel_id=record.channel_id, seq__in=[e.seq - 1 for e in entries]
        ).values_list("seq", "entry_hash")
    )
    views = []
    for entry in entries:
        expected_prev = previous.get(entry.seq - 1, "0" * 64)
        recomputed = chain_hash(
            entry.prev_hash,
            entry.version_sha256,
            entry.seq,
            entry.event,
            record.platform_id,
            entry.at,
            form=entry.form or 1,
            state=entry.state or "",
        )
        views.append(
            EventView(entry, entry.prev_hash == expected_prev and recomputed == entry.entry_hash)
        )
    return views


def blob_get(*, person: Person, sha256: str) -> Blob:
    """A media file, only if a record of the person's organisation carries it."""
    blob = Blob.objects.filter(sha256=sha256, uses__organisation_id=person.organisation_id).first()
    if blob is None:
        raise Http404("No such file.")
    return blob


def channels_with_records(*, person: Person) -> QuerySet:
    from torget.channels.models import Channel

    return (
        Channel.objects.filter(organisation_id=person.organisation_id)
        .with_name_clash()
        .order_by("name")
    )
