"""Writes for disposal. Each function checks permission, validates, writes in a transaction
and appends to the audit log.

A run is planned as a dry run (RunItems: what would go), approved by an archivist, then
executed in batches: each batch locks the run, checks the holds as they are now, writes one
tombstone per record and marks it disposed, all in one transaction, so a killed run resumes
where it stopped and nothing is disposed twice. Until `undo_until` everything can be undone;
after it `purge_due()` deletes the content for good and the tombstones keep the hashes.
"""

import datetime
import logging
from collections import Counter, defaultdict

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torget.archive import blobs
from torget.archive.models import Blob, ChainEvent, MediaUse, Record, RecordVersion, State
from torget.channels.models import Channel
from torget.ingest.pipeline import chain_state_changes
from torget.organisations.access import check_role
from torget.organisations.models import Person, Role
from torget.organisations.services import audit_record
from torget.personal_data.masking import mask_text
from torget.refusals import CONFLICT, Refusal

from . import selectors
from .models import (
    DisposalRule,
    DisposalRun,
    HoldScope,
    ItemStatus,
    LegalHold,
    RecordClass,
    RunItem,
    RunStatus,
    Tombstone,
)

logger = logging.getLogger(__name__)

RULE_KEEPERS = (Role.ARCHIVIST,)
PLANNERS = (Role.ARCHIVIST,)
APPROVERS = (Role.ARCHIVIST,)
HOLDERS = (Role.ARCHIVIST, Role.REGISTRAR)

BATCH_SIZE = 500
EXAMPLES = 5
# A dry run is a picture of the archive on one day: an older one is planned again.
DRY_RUN_VALID = datetime.timedelta(days=7)
# An executing run whose worker has not written for this long may be continued by hand.
STALE_AFTER = datetime.timedelta(minutes=10)


class DisposalRefused(ValidationError, Refusal):
    """A disposal step that cannot be taken, with a sentence saying why."""

    status = CONFLICT


def undo_days() -> int:
    return int(getattr(settings, "TORGET_DISPOSAL_UNDO_DAYS", 30))


# Rules.


@transaction.atomic
def rule_create(
    *,
    person: Person,
    record_class: str,
    keep_years: int,
    decision_reference: str,
    decision_date: datetime.date,
    channel: Channel | None = None,
    description: str = "",
) -> DisposalRule:
    check_role(person, RULE_KEEPERS)
    if channel is not None and channel.organisation_id != person.organisation_id:
        raise PermissionDenied
    errors = {}
    if record_class not in RecordClass.values:
        errors["record_class"] = _("Choose a class of records.")
    if not decision_reference.strip():
        errors["decision_reference"] = _(
            "Cite the disposal decision: its reference, for example “KS 2024/117 § 3”."
        )
    if decision_date is None or decision_date > timezone.localdate():
        errors["decision_date"] = _("Give the date the decision was made; it cannot be later.")
    if keep_years is None or not 0 <= keep_years <= 200:
        errors["keep_years"] = _("Give the number of years to keep, 0 to 200.")
    if errors:
        raise DisposalRefused(errors)
    rule = DisposalRule.objects.create(
        organisation=person.organisation,
        record_class=record_class,
        channel=channel,
        keep_years=keep_years,
        decision_reference=decision_reference.strip()[:200],
        decision_date=decision_date,
        description=description.strip(),
        created_by=person,
    )
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.rule_created",
        target=rule,
        after={
            "record_class": record_class,
            "channel": channel.slug if channel else None,
            "keep_years": keep_years,
            "decision_reference": rule.decision_reference,
            "decision_date": str(decision_date),
        },
    )
    return rule


@transaction.atomic
def rule_deactivate(*, person: Person, rule: DisposalRule) -> DisposalRule:
    check_role(person, RULE_KEEPERS)
    if rule.organisation_id != person.organisation_id:
        raise PermissionDenied
    updated = DisposalRule.objects.filter(pk=rule.pk, active=True).update(
        active=False, deactivated_by=person, deactivated_at=timezone.now()
    )
    if not updated:
        raise DisposalRefused(_("The rule is already out of use."))
    rule.refresh_from_db()
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.rule_deactivated",
        target=rule,
        before={"active": True},
        after={"active": False},
    )
    return rule


# Legal holds.


@transaction.atomic
def hold_place(
    *,
    person: Person,
    scope: str,
    reason: str,
    channel: Channel | None = None,
    thread_platform_id: str = "",
    who: str = "",
    query: str = "",
    case_reference: str = "",
) -> LegalHold:
    check_role(person, HOLDERS)
    if channel is not None and channel.organisation_id != person.organisation_id:
        raise PermissionDenied
    errors = {}
    thread_platform_id, who, query = thread_platform_id.strip(), who.strip(), query.strip()
    if scope not in HoldScope.values:
        errors["scope"] = _("Choose what the hold covers.")
    elif scope in (HoldScope.CHANNEL, HoldScope.THREAD) and channel is None:
        errors["channel"] = _("Choose the channel.")
    if scope == HoldScope.THREAD and not thread_platform_id:
        errors["thread_platform_id"] = _("Give the platform id of the thread's post.")
    if scope == HoldScope.PERSON and not who:
        errors["person"] = _("Give the person's platform id or handle.")
    if scope == HoldScope.SEARCH:
        from torget.archive.text import query_terms

        if not query_terms(query):
            errors["query"] = _("Give the words to search for.")
    if not reason.strip():
        errors["reason"] = _("Say why the records are held: the request, case or inquiry.")
    if errors:
        raise DisposalRefused(errors)
    hold = LegalHold.objects.create(
        organisation=person.organisation,
        scope=scope,
        channel=channel,
        thread_platform_id=thread_platform_id[:200] if scope == HoldScope.THREAD else "",
        person=who[:300] if scope == HoldScope.PERSON else "",
        query=query[:500] if scope == HoldScope.SEARCH else "",
        reason=reason.strip(),
        case_reference=case_reference.strip()[:200],
        placed_by=person,
    )
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.hold_placed",
        target=hold,
        after={
            "scope": scope,
            "channel": channel.slug if channel else None,
            "thread": hold.thread_platform_id,
            "person": hold.person,
            "query": hold.query,
            "case_reference": hold.case_reference,
        },
        note=hold.reason[:2000],
    )
    return hold


@transaction.atomic
def hold_release(*, person: Person, hold: LegalHold, note: str = "") -> LegalHold:
    check_role(person, HOLDERS)
    if hold.organisation_id != person.organisation_id:
        raise PermissionDenied
    updated = LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
        released_by=person, released_at=timezone.now(), release_note=note.strip()
    )
    if not updated:
        raise DisposalRefused(_("The hold is already released."))
    hold.refresh_from_db()
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.hold_released",
        target=hold,
        note=note[:2000],
    )
    return hold


# Planning: the dry run.


@transaction.atomic
def run_plan(*, person: Person, rules: list[DisposalRule] | None = None) -> DisposalRun:
    """A dry run: what the chosen rules (all active ones by default) would dispose of now,
    what the holds keep back and what else must stay. Nothing is disposed."""
    check_role(person, PLANNERS)
    organisation_id = person.organisation_id
    active = DisposalRule.objects.filter(organisation_id=organisation_id, active=True)
    if rules is not None:
        if any(r.organisation_id != organisation_id for r in rules):
            raise PermissionDenied
        active = active.filter(pk__in=[r.pk for r in rules])
    chosen = {r.pk: r for r in active.select_related("channel")}
    if not chosen:
        raise DisposalRefused(_("There is no rule in use to plan a disposal with."))
    now = timezone.now()
    today = timezone.localdate(now)
    run = DisposalRun.objects.create(
        organisation_id=organisation_id, planned_by=person, planned_at=now
    )
    run.rules.set(list(chosen.values()))
    matcher = selectors.hold_matcher(organisation_id)
    channels = {
        c.pk: c for c in Channel.objects.filter(organisation_id=organisation_id).order_by("name")
    }
    rows, held, excluded, examples = [], Counter(), Counter(), []
    governs: dict[int, list[str]] = defaultdict(list)
    total = 0
    for (record_class, channel_id), rule in sorted(
        selectors.governing_rules(organisation_id).items(),
        key=lambda kv: (kv[0][0], channels[kv[0][1]].name),
    ):
        if rule.pk not in chosen:
            continue
        channel = channels[channel_id]
        governs[rule.pk].append(channel.name)
        cutoff = selectors.years_before(now, rule.keep_years)
        counts = Counter()
        shown = 0
        items = []
        for row, evidence in _candidates(record_class, channel_id, cutoff, today):
            hold = matcher.match(row)
            if hold is not None:
                held[hold.pk] += 1
                counts["held"] += 1
                continue
            reason = "" if evidence else selectors.exclusion(row)
            if reason:
                excluded[reason] += 1
                counts["excluded"] += 1
                continue
            counts["count"] += 1
            items.append(
                RunItem(run=run, rule_id=rule.pk, record_id=row["id"], evidence_id=evidence)
            )
            if shown < EXAMPLES:
                shown += 1
                examples.append(_example(rule, channel, row, evidence))
            if len(items) >= 2000:
                RunItem.objects.bulk_create(items)
                items = []
        RunItem.objects.bulk_create(items)
        total += counts["count"]
        rows.append(
            {
                "rule": rule.pk,
                "record_class": record_class,
                "channel": channel.slug,
                "channel_name": channel.name,
                "cutoff": cutoff.isoformat(),
                "count": counts["count"],
                "held": counts["held"],
                "excluded": counts["excluded"],
            }
        )
    holds = {h.pk: h for h in matcher.holds}
    run.report = {
        "planned_at": now.isoformat(),
        "rules": [
            {
                "id": r.pk,
                "record_class": r.record_class,
                "channel": r.channel.name if r.channel_id else None,
                "keep_years": r.keep_years,
                "decision_reference": r.decision_reference,
                "decision_date": str(r.decision_date),
                "governs": governs.get(r.pk, []),
            }
            for r in chosen.values()
        ],
        "rows": rows,
        "held": [
            {
                "hold": pk,
                "label": str(holds[pk]),
                "case_reference": holds[pk].case_reference,
                "count": count,
            }
            for pk, count in sorted(held.items())
        ],
        "excluded": dict(sorted(excluded.items())),
        "examples": examples,
        "total": total,
        "held_total": sum(held.values()),
    }
    run.total = total
    run.save(update_fields=["report", "total"])
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.planned",
        target=run,
        after={
            "rules": sorted(chosen),
            "total": total,
            "held": sum(held.values()),
            "excluded": sum(excluded.values()),
        },
    )
    return run


def _candidates(record_class: str, channel_id: int, cutoff: datetime.datetime, today):
    """(record row, evidence id or None) for everything of the class older than the cutoff."""
    if record_class == RecordClass.EVIDENCE:
        from torget.supervision.models import Evidence

        evidence = (
            Evidence.objects.filter(
                record__channel_id=channel_id,
                created_at__lt=cutoff,
                keep_until__lt=today,
                content_kept=True,
            )
            .exclude(path="")
            .order_by("id")
            .values_list("id", "record_id")
        )
        pairs = list(evidence)
        records = {
            r["id"]: r
            for r in Record.objects.filter(pk__in={rid for _e, rid in pairs}).values(
                *selectors.RECORD_FIELDS[:9], "text"
            )
        }
        for evidence_id, record_id in pairs:
            yield records[record_id], evidence_id
        return
    records = (
        selectors.with_exclusions(
            Record.objects.filter(
                selectors.CLASS_FILTERS[record_class],
                channel_id=channel_id,
                created_at__lt=cutoff,
            ).exclude(state=State.DISPOSED),
            today,
        )
        .order_by("id")
        .values(*selectors.RECORD_FIELDS)
    )
    for row in records.iterator(chunk_size=2000):
        yield row, None


def _example(rule: DisposalRule, channel: Channel, row: dict, evidence: int | None) -> dict:
    text = mask_text(row.get("text") or "")
    return {
        "rule": rule.pk,
        "channel": channel.name,
        "record_id": row["id"],
        "platform_id": row["platform_id"],
        "kind": row["kind"],
        "created_at": row["created_at"].isoformat(),
        "evidence": evidence,
        "excerpt": (text[:117] + "…") if len(text) > 120 else text,
    }


# Approval and execution.


@transaction.atomic
def run_approve(*, person: Person, run: DisposalRun) -> DisposalRun:
    """An archivist approves the dry run; the worker then disposes in batches."""
    check_role(person, APPROVERS)
    if run.organisation_id != person.organisation_id:
        raise PermissionDenied
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.PLANNED:
        raise DisposalRefused(_("Only a dry run waiting for approval can be approved."))
    now = timezone.now()
    if now - run.planned_at > DRY_RUN_VALID:
        raise DisposalRefused(
            _("The dry run is more than a week old: make a new one and approve that.")
        )
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, person, now
    run.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="disposal.approved",
        target=run,
        after={"total": run.total},
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import execute_run

    try:
        execute_run.enqueue(run_id)
    except Exception:  # the worker is optional: `torget dispose --execute` does the same
        logger.exception("Could not enqueue disposal run %s", run_id)


@transaction.atomic
def run_cancel(*, person: Person, run: DisposalRun) -> DisposalRun:
    check_role(person, PLANNERS)
    if run.organisation_id != person.organisation_id:
        raise PermissionDenied
    updated = DisposalRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.PLANNED, RunStatus.APPROVED]
    ).update(status=RunStatus.CANCELLED, cancelled_by=person)
    if not updated:
        raise DisposalRefused(_("Only a run that has not started can be cancelled."))
    run.refresh_from_db()
    audit_record(
        organisation=person.organisation, actor=person, action="disposal.cancelled", target=run
    )
    return run


def run_is_stale(run: DisposalRun, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return run.status == RunStatus.EXECUTING and (
        run.heartbeat_at is None or now - run.heartbeat_at > STALE_AFTER
    )


@transaction.atomic
def run_resume(*, person: Person, run: DisposalRun) -> DisposalRun:
    """Hand an interrupted run to the worker again; it continues with what is pending."""
    check_role(person, APPROVERS)
    if run.organisation_id != person.organisation_id:
        raise PermissionDenied
    if not run_is_stale(run):
        raise DisposalRefused(_("The run is not interrupted."))
    audit_record(organisation=run.organisation, actor=person, action="disposal.resumed", target=run)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def run_execute(*, run_id: int, batch_size: int = BATCH_SIZE) -> DisposalRun:
    """Dispose of an approved run in batches; continue an interrupted one where it stopped."""
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.APPROVED:
            run.status, run.started_at = RunStatus.EXECUTING, timezone.now()
            run.heartbeat_at = run.started_at
            run.save(update_fields=["status", "started_at", "heartbeat_at"])
            audit_record(
                organisation=run.organisation,
                actor=None,
                action="disposal.started",
                target=run,
                after={"total": run.total},
            )
        elif run.status != RunStatus.EXECUTING:
            raise DisposalRefused(
                _("Disposal run %(id)s is %(status)s: only an approved run is executed.")
                % {"id": run.pk, "status": run.get_status_display().lower()}
            )
    try:
        while _execute_batch(run_id, batch_size):
            pass
    except Exception as error:
        DisposalRun.objects.filter(pk=run_id).update(last_error=str(error)[:2000])
        raise
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.EXECUTING:
            return run
        now = timezone.now()
        run.status, run.executed_at = RunStatus.EXECUTED, now
        run.undo_until = now + datetime.timedelta(days=undo_days())
        run.last_error = ""
        run.save(update_fields=["status", "executed_at", "undo_until", "last_error"])
        Tombstone.objects.filter(run=run).update(undo_until=run.undo_until)
        audit_record(
            organisation=run.organisation,
            actor=None,
            action="disposal.executed",
            target=run,
            after={
                "disposed": run.done,
                "held": run.held_back,
                "skipped": run.skipped,
                "undo_until": run.undo_until.isoformat(),
            },
        )
    return run


def _execute_batch(run_id: int, batch_size: int) -> bool:
    """One batch in one transaction; False when nothing is left to do."""
    from torget.supervision.models import Evidence

    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.EXECUTING:
            return False
        items = list(
            RunItem.objects.filter(run=run, status=ItemStatus.PENDING)
            .select_related("rule", "evidence")
            .order_by("id")[:batch_size]
        )
        if not items:
            return False
        now = timezone.now()
        record_ids = sorted({i.record_id for i in items})
        list(Record.objects.select_for_update().filter(pk__in=record_ids).values_list("pk"))
        rows = {
            r["id"]: r
            for r in selectors.with_exclusions(
                Record.objects.filter(pk__in=record_ids), timezone.localdate(now)
            ).values(*selectors.RECORD_FIELDS, "current_sha256")
        }
        hashes: dict[int, list[str]] = defaultdict(list)
        for rid, sha in (
            RecordVersion.objects.filter(record_id__in=record_ids)
            .order_by("record_id", "number")
            .values_list("record_id", "sha256")
        ):
            hashes[rid].append(sha)
        # The holds as they are now: one placed after the dry run protects too.
        matcher = selectors.hold_matcher(run.organisation_id, record_ids)
        tombstones, disposed_ids, evidence_ids = [], [], []
        counts = Counter()
        for item in items:
            row = rows[item.record_id]
            hold = matcher.match(row)
            if hold is not None:
                item.status, item.hold = ItemStatus.HELD, hold
                counts["held"] += 1
                continue
            if not item.rule.active:
                # The rule was withdrawn after the approval: nothing more goes under it.
                reason = "rule_withdrawn"
            elif item.evidence_id:
                reason = "" if item.evidence.path else "already_disposed"
            else:
                reason = selectors.exclusion(row)
                if not reason and item.record_id in disposed_ids:
                    reason = "already_disposed"
            if reason:
                item.status, item.note = ItemStatus.SKIPPED, reason
                counts["skipped"] += 1
                continue
            item.status = ItemStatus.DISPOSED
            counts["disposed"] += 1
            evidence = item.evidence
            tombstones.append(
                Tombstone(
                    run=run,
                    item=item,
                    rule=item.rule,
                    organisation_id=run.organisation_id,
                    channel_id=row["channel_id"],
                    record_id=row["id"],
                    evidence=evidence,
                    record_class=item.rule.record_class,
                    platform_id=row["platform_id"],
                    kind=row["kind"],
                    thread_platform_id=row["thread_platform_id"],
                    created_at=evidence.created_at if evidence else row["created_at"],
                    current_sha256=evidence.sha256 if evidence else row["current_sha256"],
                    version_hashes=[evidence.sha256] if evidence else hashes[row["id"]],
                    previous_state=row["state"],
                    evidence_path=evidence.path if evidence else "",
                    disposed_at=now,
                )
            )
            if evidence:
                evidence_ids.append(evidence.pk)
            else:
                disposed_ids.append(row["id"])
        Tombstone.objects.bulk_create(tombstones)
        if disposed_ids:
            Record.objects.filter(pk__in=disposed_ids).update(state=State.DISPOSED)
            chain_state_changes(
                records=[
                    (
                        rid,
                        rows[rid]["channel_id"],
                        rows[rid]["platform_id"],
                        rows[rid]["current_sha256"],
                    )
                    for rid in disposed_ids
                ],
                event=ChainEvent.DISPOSED,
            )
        if evidence_ids:
            # The file stays until the purge; without a path it is served to no one.
            Evidence.objects.filter(pk__in=evidence_ids).update(path="")
        RunItem.objects.bulk_update(items, ["status", "hold", "note"])
        run.done += counts["disposed"]
        run.held_back += counts["held"]
        run.skipped += counts["skipped"]
        run.heartbeat_at = now
        run.save(update_fields=["done", "held_back", "skipped", "heartbeat_at"])
        audit_record(
            organisation=run.organisation,
            actor=None,
            action="disposal.batch",
            target=run,
            after=dict(counts),
        )
    return True


# Undo within the window.


def run_undo(*, person: Person, run: DisposalRun) -> DisposalRun:
    """Restore everything the run disposed of, while the undo window is open."""
    check_role(person, APPROVERS)
    if run.organisation_id != person.organisation_id:
        raise PermissionDenied
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run.pk)
        now = timezone.now()
        if run.status == RunStatus.EXECUTED and run.undo_until <= now:
            raise DisposalRefused(
                _("The undo window closed on %(when)s: the run can no longer be undone.")
                % {"when": timezone.localtime(run.undo_until).strftime("%Y-%m-%d %H:%M")}
            )
        if run.status not in (RunStatus.EXECUTED, RunStatus.UNDOING):
            raise DisposalRefused(_("Only an executed run can be undone, within its window."))
        run.status = RunStatus.UNDOING
        run.save(update_fields=["status"])
        audit_record(
            organisation=run.organisation, actor=person, action="disposal.undo_started", target=run
        )
    restored = 0
    while True:
        with transaction.atomic():
            batch = list(
                Tombstone.objects.select_for_update()
                .filter(run_id=run.pk, undone_at__isnull=True, purged_at__isnull=True)
                .order_by("id")[:BATCH_SIZE]
            )
            if not batch:
                break
            restored += _restore(batch, timezone.now())
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run.pk)
        run.status, run.undone_by, run.undone_at = RunStatus.UNDONE, person, timezone.now()
        run.save(update_fields=["status", "undone_by", "undone_at"])
        audit_record(
            organisation=run.organisation,
            actor=person,
            action="disposal.undone",
            target=run,
            after={"restored": restored},
        )
    return run


@transaction.atomic
def tombstone_restore(*, person: Person, tombstone: Tombstone) -> Tombstone:
    """Bring back one disposed record (or evidence file) within the undo window."""
    check_role(person, APPROVERS)
    if tombstone.organisation_id != person.organisation_id:
        raise PermissionDenied
    run = DisposalRun.objects.select_for_update().get(pk=tombstone.run_id)
    tombstone = Tombstone.objects.select_for_update().get(pk=tombstone.pk)
    if (
        run.status != RunStatus.EXECUTED
        or tombstone.undone_at is not None
        or tombstone.purged_at is not None
        or run.undo_until <= timezone.now()
    ):
        raise DisposalRefused(_("Only a disposed record within the undo window can be restored."))
    _restore([tombstone], timezone.now())
    audit_record(
        organisation=run.organisation,
        actor=person,
        action="disposal.restored",
        target=tombstone.record,
        after={"run": run.pk, "tombstone": tombstone.pk},
    )
    return tombstone


def _restore(tombstones: list[Tombstone], now: datetime.datetime) -> int:
    from torget.supervision.models import Evidence

    by_state: dict[str, list[int]] = defaultdict(list)
    for tombstone in tombstones:
        if tombstone.evidence_id:
            Evidence.objects.filter(pk=tombstone.evidence_id, path="").update(
                path=tombstone.evidence_path
            )
        else:
            by_state[tombstone.previous_state].append(tombstone.record_id)
    for state, ids in by_state.items():
        # Only what is still disposed: a later state written by someone else is kept.
        still = list(
            Record.objects.filter(pk__in=ids, state=State.DISPOSED).values_list(
                "id", "channel_id", "platform_id", "current_sha256"
            )
        )
        Record.objects.filter(pk__in=[row[0] for row in still]).update(state=state)
        chain_state_changes(records=[(*row, state) for row in still], event=ChainEvent.RESTORED)
    Tombstone.objects.filter(pk__in=[t.pk for t in tombstones]).update(undone_at=now)
    return len(tombstones)


# After the window: gone for good.


def purge_due(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Delete for good what runs disposed of once their undo window has closed. Records a
    hold placed during the window covers are restored instead. Returns the number purged."""
    now = now or timezone.now()
    purged = 0
    for run_id in DisposalRun.objects.filter(
        status=RunStatus.EXECUTED, undo_until__lte=now
    ).values_list("pk", flat=True):
        purged += _purge_run(run_id, now, batch_size)
    return purged


def _purge_run(run_id: int, now: datetime.datetime, batch_size: int) -> int:
    purged = restored = 0
    while True:
        with transaction.atomic():
            run = DisposalRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.EXECUTED:
                return purged
            batch = list(
                Tombstone.objects.select_for_update()
                .filter(run=run, undone_at__isnull=True, purged_at__isnull=True)
                .order_by("id")[:batch_size]
            )
            if not batch:
                run.status, run.purged_at = RunStatus.FINAL, now
                # The dry run's excerpts were for the archivist's approval; once the records
                # are gone for good, their words must not live on in the report.
                for example in run.report.get("examples", []):
                    example["excerpt"] = ""
                run.save(update_fields=["status", "purged_at", "report"])
                audit_record(
                    organisation=run.organisation,
                    actor=None,
                    action="disposal.purged",
                    target=run,
                    after={"purged": purged, "restored_for_holds": restored},
                )
                return purged
            rows = {
                r["id"]: r
                for r in Record.objects.filter(pk__in=[t.record_id for t in batch]).values(
                    *selectors.RECORD_FIELDS[:8]
                )
            }
            matcher = selectors.hold_matcher(run.organisation_id, list(rows))
            held = [t for t in batch if matcher.match(rows[t.record_id]) is not None]
            if held:
                _restore(held, now)
                restored += len(held)
                for tombstone in held:
                    audit_record(
                        organisation=run.organisation,
                        actor=None,
                        action="disposal.restored_for_hold",
                        target=tombstone.record,
                        after={"run": run.pk, "tombstone": tombstone.pk},
                    )
            held_ids = {t.pk for t in held}
            going = [t for t in batch if t.pk not in held_ids]
            _purge(run, going, now)
            purged += len(going)


def _purge(run: DisposalRun, tombstones: list[Tombstone], now: datetime.datetime) -> None:
    from torget.supervision.models import Evidence, Finding

    record_ids = [t.record_id for t in tombstones if not t.evidence_id]
    if record_ids:
        media = set()
        for content in RecordVersion.objects.filter(record_id__in=record_ids).values_list(
            "content", flat=True
        ):
            try:
                media.update(
                    m.get("sha256", "") for m in orjson.loads(content).get("media", []) or []
                )
            except (orjson.JSONDecodeError, AttributeError):
                continue
        media.discard("")
        RecordVersion.objects.filter(record_id__in=record_ids).delete()
        # Findings point into text that is gone.
        Finding.objects.filter(record_id__in=record_ids).delete()
        Record.objects.filter(pk__in=record_ids).update(
            text="",
            title="",
            author_platform_id="",
            author_name="",
            author_handle="",
            permalink="",
            language="",
            has_media=False,
        )
        _drop_from_search(record_ids)
        _drop_media(run.organisation_id, media)
    for tombstone in tombstones:
        if tombstone.evidence_id:
            evidence = Evidence.objects.select_for_update().get(pk=tombstone.evidence_id)
            kept = {
                k: evidence.metadata.get(k)
                for k in ("record_id", "platform_id", "channel", "version_sha256", "kept_at")
            }
            evidence.metadata = {**kept, "disposed": tombstone.pk}
            evidence.path = ""
            evidence.save(update_fields=["metadata", "path"])
            path = tombstone.evidence_path
            if path:
                transaction.on_commit(
                    lambda p=path: (settings.DATA_DIR / p).unlink(missing_ok=True)
                )
    Tombstone.objects.filter(pk__in=[t.pk for t in tombstones]).update(purged_at=now)


def _drop_from_search(record_ids: list[int]) -> None:
    # Only placeholders are put into the SQL; the ids go in as parameters.
    with connection.cursor() as cursor:
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            if connection.vendor == "sqlite":
                sql = f"DELETE FROM archive_search WHERE rowid IN ({marks})"  # noqa: S608
            else:
                sql = f"UPDATE archive_record SET search_vector = NULL WHERE id IN ({marks})"  # noqa: S608
            cursor.execute(sql, chunk)


def _drop_media(organisation_id: int, media: set[str]) -> None:
    """Media files no longer carried by any record are deleted; the organisation loses its
    right to a file none of its records carries any more."""
    for sha in sorted(media):
        if RecordVersion.objects.filter(
            record__organisation_id=organisation_id, content__contains=sha
        ).exists():
            continue
        MediaUse.objects.filter(organisation_id=organisation_id, blob_id=sha).delete()
        if MediaUse.objects.filter(blob_id=sha).exists():
            continue
        if RecordVersion.objects.filter(content__contains=sha).exists():
            continue
        Blob.objects.filter(sha256=sha).delete()
        transaction.on_commit(lambda s=sha: default_storage.delete(blobs.blob_name(s)))
