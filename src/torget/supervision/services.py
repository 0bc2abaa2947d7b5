"""Writes for supervision. Each function checks permission, validates, writes, audits.

The scanners run in the ingest pipeline (`on_new_versions`, a version hook) on every new
version; records with findings enter the review queue, riskiest first. A decision to remove
is accepted only after its evidence exists and is linked into the integrity chain.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from torget.archive.models import ChainEvent, Record, State
from torget.channels.models import Channel
from torget.documents.pdfa import PdfNotValid
from torget.ingest.pipeline import append_chain
from torget.links import absolute_url
from torget.organisations.access import RoleRequired
from torget.organisations.models import Person, Role
from torget.organisations.services import audit_record
from torget.personal_data.masking import MASKED_CATEGORIES
from torget.personal_data.masking import mask_value as masked
from torget.personal_data.policy import WHOLE_VALUE_ROLES
from torget.refusals import CONFLICT, Refusal

from . import evidence as evidence_files
from .models import (
    CRIMES,
    REMOVING,
    RISK,
    Action,
    Decision,
    Evidence,
    Finding,
    ItemStatus,
    PlatformTask,
    Reason,
    ReviewItem,
    SupervisionAlarm,
    SupervisionPass,
    WatchEntry,
)

# Supervise every channel; a channel's own administrators supervise it too.
SUPERVISORS = (Role.COMMUNICATOR, Role.SECURITY_OFFICER, Role.ORG_ADMIN)
# Need the whole value of a personal identity number or other finding; every look is audited.
# The policy is torget.personal_data.policy's; these names are kept for the app's callers.
UNMASKERS = WHOLE_VALUE_ROLES


class SupervisionRefused(ValidationError, Refusal):
    """A supervision step that cannot be taken, with a sentence saying why."""

    status = CONFLICT


def may_supervise(person: Person, channel: Channel) -> bool:
    if person.organisation_id != channel.organisation_id:
        return False
    return person.has_role(*SUPERVISORS) or channel.administrators.filter(pk=person.pk).exists()


def check_supervisor(person: Person, channel: Channel) -> None:
    if not may_supervise(person, channel):
        raise RoleRequired(
            _(
                "Only the channel's administrators, communicators, security officers and "
                "organisation administrators supervise it."
            )
        )


# The pipeline hook.


def on_new_versions(record_ids: list[int]) -> None:
    """Scan every new version; record findings; put records with findings in the queue."""
    from torget.personal_data.scanners import scan

    if not record_ids:
        return
    rows = list(
        Record.objects.filter(pk__in=record_ids).values_list(
            "id", "organisation_id", "channel_id", "version_count", "text"
        )
    )
    watchlists = watchlists_for({(r[1], r[2]) for r in rows})
    findings, risky = [], {}
    for rid, org, channel, version, text in rows:
        found = scan(text, watchlists.get((org, channel)))
        for f in found:
            findings.append(
                Finding(
                    organisation_id=org,
                    channel_id=channel,
                    record_id=rid,
                    version=version,
                    category=f.category,
                    subtype=f.subtype,
                    start=f.start,
                    end=f.end,
                    confidence=f.confidence,
                    scanner=f.scanner,
                )
            )
        if found:
            risky[rid] = (org, channel, {f.category for f in found})
    if not findings:
        return
    Finding.objects.bulk_create(findings, batch_size=1000)
    existing = {
        item.record_id: item for item in ReviewItem.objects.filter(record_id__in=list(risky))
    }
    new_items = []
    for rid, (org, channel, categories) in risky.items():
        risk = max(RISK.get(c, 10) for c in categories)
        names = ", ".join(sorted(categories))
        item = existing.get(rid)
        if item is None:
            new_items.append(
                ReviewItem(
                    organisation_id=org,
                    channel_id=channel,
                    record_id=rid,
                    risk=risk,
                    categories=names,
                )
            )
        else:  # a new version with findings: back in the queue
            item.risk, item.categories, item.status = max(item.risk, risk), names, ItemStatus.OPEN
            item.save(update_fields=["risk", "categories", "status"])
    ReviewItem.objects.bulk_create(new_items, ignore_conflicts=True)


def watchlists_for(channels: set[tuple[int, int]]) -> dict:
    """(organisation, channel) -> its Watchlist: the organisation's lines and the channel's."""
    from torget.personal_data.scanners import Watchlist

    if not channels:
        return {}
    entries = list(
        WatchEntry.objects.filter(organisation_id__in={org for org, _c in channels}).values_list(
            "organisation_id", "channel_id", "value"
        )
    )
    lists = {}
    for org, channel in channels:
        lines = [v for o, c, v in entries if o == org and c in (None, channel)]
        if lines:
            try:
                lists[(org, channel)] = Watchlist.from_lines(lines)
            except ValueError:  # refused when saved; never stop an import over it
                continue
    return lists


WATCHERS = (Role.SECURITY_OFFICER, Role.COMMUNICATOR, Role.ORG_ADMIN)


@transaction.atomic
def watch_add(
    *,
    person: Person,
    value: str,
    channel: Channel | None = None,
    channel_slug: str = "",
    note: str = "",
) -> WatchEntry:
    """Add a term to the watch list: for one channel (given, or named by `channel_slug`
    among the channels the person supervises) or, with neither, for every channel. A slug
    that names no such channel is refused: it never silently widens to every channel."""
    from torget.personal_data.scanners import Watchlist

    from .selectors import supervised_channels

    if not person.has_role(*WATCHERS):
        raise RoleRequired(
            _(
                "Only security officers, communicators and organisation "
                "administrators keep the watch list."
            )
        )
    if channel is not None and channel.organisation_id != person.organisation_id:
        raise PermissionDenied
    channel_slug = channel_slug.strip()
    if channel is None and channel_slug:
        channel = supervised_channels(person=person).filter(slug=channel_slug).first()
        if channel is None:
            raise SupervisionRefused(
                _(
                    "There is no channel “%(channel)s” among the channels you supervise, so "
                    "nothing was added. Choose one of them, or all channels."
                )
                % {"channel": channel_slug[:100]}
            )
    value = value.strip()
    if not value or value.startswith("#"):
        raise SupervisionRefused(_("Write a term, a phrase, or re: and a pattern."))
    if len(value) > 300 or len(note.strip()) > 300:
        raise SupervisionRefused(_("The term and the note may be at most 300 characters each."))
    try:
        Watchlist.from_lines([value])
    except ValueError as error:
        raise SupervisionRefused(str(error)) from None
    entry = WatchEntry.objects.create(
        organisation=person.organisation,
        channel=channel,
        value=value,
        note=note.strip(),
        created_by=person,
    )
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="watchlist.added",
        target=entry,
        after={"value": entry.value, "channel": channel and channel.slug},
    )
    return entry


@transaction.atomic
def watch_remove(*, person: Person, entry: WatchEntry) -> None:
    if not person.has_role(*WATCHERS) or entry.organisation_id != person.organisation_id:
        raise PermissionDenied
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="watchlist.removed",
        target=entry,
        before={"value": entry.value},
    )
    entry.delete()


def evidence_in_chain(channel: Channel, record_ids: list[int]) -> set[tuple[int, str]]:
    """For `torget verify`: the (record, sha256) pairs of the kept evidence of these records."""
    return set(
        Evidence.objects.filter(record__channel=channel, record_id__in=record_ids).values_list(
            "record_id", "sha256"
        )
    )


def purged_evidence_media(record_ids: list[int]) -> set[str]:
    """For `torget verify`: media files deleted on purpose with the evidence of these records
    (child sexual abuse material: only the hashes are kept)."""
    purged: set[str] = set()
    for metadata in Evidence.objects.filter(record_id__in=record_ids).values_list(
        "metadata", flat=True
    ):
        purged.update((metadata or {}).get("media_purged") or [])
    return purged


def evidence_files_check(channel: Channel, label: str):
    """For `torget verify`: each kept evidence file of the channel is on the disk, unchanged.
    Disposal empties `path` when it disposes of a file; that is checked against its tombstone."""
    from torget.archive.integrity import Problem

    kept = (
        Evidence.objects.filter(record__channel=channel)
        .order_by("pk")
        .values_list("pk", "record__platform_id", "path", "sha256", "content_kept")
    )
    for pk, platform_id, path, sha, content_kept in kept.iterator(chunk_size=500):
        where = f"evidence {pk} of record {platform_id}"
        if not path:
            if content_kept and not _evidence_disposed(pk):
                yield Problem(
                    label, f"{where} file", "a path to the kept file", "none", "evidence_file"
                )
            continue
        file = settings.DATA_DIR / path
        try:
            digest = hashlib.sha256()
            with open(file, "rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
        except OSError:
            yield Problem(
                label, f"{where} file {path}", "the file", "no file (deleted)", "evidence_file"
            )
            continue
        if digest.hexdigest() != sha:
            yield Problem(
                label,
                f"{where} file {path}",
                sha,
                f"{digest.hexdigest()} (replaced)",
                "evidence_file",
            )


def _evidence_disposed(evidence_id: int) -> bool:
    from torget.archive.integrity import DISPOSED_EVIDENCE

    return any(evidence_id in source([evidence_id]) for source in DISPOSED_EVIDENCE)


# Looking at findings.


def finding_value(*, person: Person, finding: Finding) -> str:
    """The whole value, to the roles that need it; every look is in the audit log."""
    if person.organisation_id != finding.organisation_id:
        raise PermissionDenied
    if not person.has_role(*UNMASKERS):
        raise RoleRequired(_("Only security officers and registrars see the whole value."))
    value = _text_of(finding)
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="finding.unmasked",
        target=finding,
        note=f"{finding.category}/{finding.subtype} in record {finding.record_id}",
    )
    return value


def _text_of(finding: Finding) -> str:
    text = finding.record.text if finding.record.version_count == finding.version else ""
    if not text:
        import orjson

        from torget.archive.models import RecordVersion

        version = RecordVersion.objects.get(record_id=finding.record_id, number=finding.version)
        text = orjson.loads(version.content).get("text", "")
    return text[finding.start : finding.end]


def display_value(person: Person, finding: Finding) -> str:
    value = _text_of(finding)
    return masked(value) if finding.category in MASKED_CATEGORIES else value


# Deciding.


def current_decision(record: Record) -> Decision | None:
    return record.decisions.filter(replaced_by__isnull=True).order_by("-decided_at", "-id").first()


@transaction.atomic
def decide(*, person: Person, record: Record, action: str, reason: str, note: str = "") -> Decision:
    """A final decision on a record. A removal keeps its evidence first; a crime or
    confidential information also goes to the registrar; a later decision replaces this."""
    check_supervisor(person, record.channel)
    if action not in Action.values:
        raise SupervisionRefused(_("Choose what to do with the record."))
    if reason not in Reason.values:
        raise SupervisionRefused(_("Choose a reason from the list."))
    if action != Action.KEEP and reason == Reason.NONE:
        raise SupervisionRefused(_("Say why: choose a reason from the list."))
    record = (
        Record.objects.select_for_update().select_related("channel__organisation").get(pk=record.pk)
    )
    previous = current_decision(record)
    if record.state == State.REMOVED and action in REMOVING:
        raise SupervisionRefused(_("The record is already removed."))
    decision = Decision(
        organisation_id=record.organisation_id,
        record=record,
        action=action,
        reason=reason,
        note=note.strip(),
        decided_by=person,
        replaces=previous,
    )
    kept = None
    if action in REMOVING:
        try:
            kept = _keep_evidence(person, record, Reason(reason).label)
        except (PdfNotValid, OSError) as error:
            # No evidence, no removal: the transaction is rolled back and the person told.
            raise SupervisionRefused(
                _(
                    "The evidence could not be kept (%(error)s), so nothing was removed. "
                    "Try again, or tell the system administrator."
                )
                % {"error": error}
            ) from None
    decision.save()
    if action in REMOVING:
        _mark_removed(record, decision)
        PlatformTask.objects.create(decision=decision, what=action)
    elif action == Action.HIDE:
        PlatformTask.objects.create(decision=decision, what=action)
    if action == Action.REGISTER or reason in CRIMES or reason == Reason.CONFIDENTIAL:
        _register_case(person, record, decision)
    ReviewItem.objects.filter(record=record).update(
        status=ItemStatus.DECIDED, decided_at=decision.decided_at
    )
    audit_record(
        organisation=record.organisation,
        actor=person,
        action=f"decision.{action}",
        target=record,
        after={
            "decision": decision.pk,
            "reason": reason,
            "replaces": previous.pk if previous else None,
            "evidence_sha256": kept.sha256 if kept else None,
        },
        note=note[:2000],
    )
    return decision


def _keep_evidence(person: Person, record: Record, reason_label: str) -> Evidence:
    child_abuse = reason_label == Reason.CHILD_ABUSE.label
    facts = evidence_files.keep(
        record, reason_label=str(reason_label), by_name=person.name, content=not child_abuse
    )
    kept = Evidence.objects.create(
        organisation_id=record.organisation_id, record=record, created_by=person, **facts
    )
    if child_abuse:
        purged = evidence_files.purge_media(record)
        kept.metadata = {**kept.metadata, "media_purged": purged}
        kept.save(update_fields=["metadata"])
    _chain(record, ChainEvent.EVIDENCE, kept.sha256, record.state)
    audit_record(
        organisation=record.organisation,
        actor=person,
        action="evidence.kept",
        target=kept,
        after={"sha256": kept.sha256, "path": kept.path, "keep_until": str(kept.keep_until)},
    )
    return kept


def _chain(record: Record, event: str, sha256: str, state: str) -> None:
    """Link an event to the record's chain; `state` is the record's state after it."""
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                append_chain(
                    cursor,
                    record.channel_id,
                    [(record.pk, record.platform_id, event, sha256, timezone.now(), state)],
                )
        except IntegrityError:
            # An import wrote to the chain at the same moment: read the new head and retry.
            append_chain(
                cursor,
                record.channel_id,
                [(record.pk, record.platform_id, event, sha256, timezone.now(), state)],
            )


def _mark_removed(record: Record, decision: Decision) -> None:
    Record.objects.filter(pk=record.pk).update(state=State.REMOVED)
    _chain(record, ChainEvent.REMOVED, record.current_sha256, State.REMOVED)


def _register_case(person: Person, record: Record, decision: Decision):
    from torget.dialogue.models import Registration
    from torget.dialogue.registration import write_package

    registration = Registration.objects.create(
        organisation_id=record.organisation_id,
        record=record,
        reason=f"{decision.get_reason_display()}. {decision.note}".strip(),
        description=(f"{decision.get_reason_display()} på {record.channel.name}")[:300],
        sender=record.author_name or record.author_handle or record.author_platform_id,
        received_at=record.created_at,
        created_by=person,
    )
    try:
        registration.package = str(write_package(registration))
    except (PdfNotValid, OSError) as error:
        raise SupervisionRefused(
            _(
                "The package for the registrar could not be written (%(error)s); nothing was "
                "decided. Try again, or tell the system administrator."
            )
            % {"error": error}
        ) from None
    registration.save(update_fields=["package"])
    return registration


@transaction.atomic
def task_done(*, person: Person, task: PlatformTask) -> PlatformTask:
    record = task.decision.record
    check_supervisor(person, record.channel)
    task = PlatformTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise SupervisionRefused(_("This is already done."))
    task.done_at, task.done_by = timezone.now(), person
    task.save(update_fields=["done_at", "done_by"])
    audit_record(
        organisation=record.organisation,
        actor=person,
        action=f"platform.{task.what}_done",
        target=record,
    )
    return task


@transaction.atomic
def item_assign(*, person: Person, item: ReviewItem, assignee: Person | None) -> ReviewItem:
    check_supervisor(person, item.channel)
    if assignee is not None and assignee.organisation_id != item.organisation_id:
        raise PermissionDenied
    item.assigned_to = assignee
    item.save(update_fields=["assigned_to"])
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="review.assigned",
        target=item.record,
        note=assignee.name if assignee else "",
    )
    return item


# Supervision passes and their alarms.


@transaction.atomic
def pass_record(
    *, person: Person, channel: Channel, records_seen: int = 0, note: str = ""
) -> SupervisionPass:
    check_supervisor(person, channel)
    done = SupervisionPass.objects.create(
        organisation_id=channel.organisation_id,
        channel=channel,
        person=person,
        records_seen=records_seen,
        note=note.strip(),
    )
    audit_record(
        organisation=channel.organisation,
        actor=person,
        action="supervision.pass",
        target=channel,
        note=f"{records_seen} records seen",
    )
    return done


def required(channel: Channel) -> tuple[int, datetime.timedelta]:
    """Passes per working day and the longest gap; crisis mode doubles and halves them."""
    passes = channel.supervision_passes_per_day
    gap = datetime.timedelta(hours=channel.supervision_max_gap_hours)
    if channel.crisis_mode:
        passes, gap = passes * 2, gap / 2
    return passes, gap


def day_status(channel: Channel, now: datetime.datetime) -> dict:
    """Today's passes on the channel and whether they keep the rule.

    On a working day the office's hours count: the gap is too long when more than the limit
    has passed since the last pass (or since opening, when there is none today) while the
    office is open; there are too few passes when the office has closed with fewer than
    required. Days off raise no alarm.
    """
    from torget.dialogue.services import calendar_for

    calendar = calendar_for(channel.organisation)
    zone = calendar.tz
    local = now.astimezone(zone)
    opens = datetime.datetime.combine(local.date(), calendar.opens, tzinfo=zone)
    closes = datetime.datetime.combine(local.date(), calendar.closes, tzinfo=zone)
    today = SupervisionPass.objects.filter(channel=channel, at__gte=opens - _EARLY, at__lte=now)
    passes_today = today.count()
    last = SupervisionPass.objects.filter(channel=channel, at__lte=now).order_by("-at").first()
    needed, gap = required(channel)
    working = calendar.is_working_day(local.date())
    started = max(opens, last.at) if last is not None else opens
    gap_exceeded = working and opens <= now <= closes and now - started > gap
    too_few = working and now > closes and passes_today < needed
    return {
        "channel": channel,
        "day": local.date(),
        "working_day": working,
        "passes_today": passes_today,
        "needed": needed,
        "max_gap": gap,
        "last": last,
        "since_last": now - started,
        "gap_exceeded": gap_exceeded,
        "too_few": too_few,
        "alarm": gap_exceeded or too_few,
    }


# A pass made shortly before the office opens counts for the day.
_EARLY = datetime.timedelta(hours=2)


def supervision_alarms(now: datetime.datetime | None = None) -> int:
    """Raise each day's alarms once per channel and kind: in the UI and by e-mail."""
    now = now or timezone.now()
    raised = 0
    for channel in Channel.objects.filter(status="active").select_related(
        "organisation", "responsible_manager"
    ):
        try:
            status = day_status(channel, now)
        except ValueError:  # an organisation without a holiday calendar
            continue
        kinds = []
        if status["too_few"]:
            kinds.append(
                (
                    "few_passes",
                    _("%(n)s of %(needed)s supervision passes today")
                    % {"n": status["passes_today"], "needed": status["needed"]},
                )
            )
        if status["gap_exceeded"]:
            hours = status["since_last"].total_seconds() / 3600
            kinds.append(
                (
                    "gap",
                    _("%(h)s hours since the last supervision pass")
                    % {"h": number_format(hours, 1)},
                )
            )
        for kind, detail in kinds:
            _alarm, created = SupervisionAlarm.objects.get_or_create(
                channel=channel, day=status["day"], kind=kind, defaults={"detail": detail}
            )
            if not created:
                continue
            raised += 1
            recipients = sorted(
                {p.email for p in channel.administrators.all() if p.email}
                | (
                    {channel.responsible_manager.email}
                    if channel.responsible_manager.email
                    else set()
                )
            )
            if recipients:
                send_mail(
                    subject=_("Torget: supervision of %(channel)s – %(detail)s")
                    % {"channel": channel.label, "detail": detail},
                    message=(
                        ngettext(
                            "The channel %(channel)s is to be looked through at least "
                            "%(n)s time each working day.",
                            "The channel %(channel)s is to be looked through at least "
                            "%(n)s times each working day.",
                            status["needed"],
                        )
                        % {"channel": channel.label, "n": status["needed"]}
                        + f" {detail}.\n\n"
                        + _("Look through it in Torget: %(url)s")
                        % {"url": absolute_url("supervision_pass", channel.slug)}
                        + "\n"
                    ),
                    from_email=None,
                    recipient_list=recipients,
                )
    return raised
