"""Taking snapshots: by hand (archivists, `torget snapshot`), every half year for every live
channel, and when a channel closes. Each is built, validated and recorded with its results."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torget.channels.models import Channel, Status
from torget.organisations.models import Person, Role
from torget.organisations.services import audit_record
from torget.refusals import BAD_INPUT, FORBIDDEN, Refusal

from . import validate
from .models import Snapshot, SnapshotReason, SnapshotStatus
from .package import PackageError, Period, Progress, build_package

logger = logging.getLogger(__name__)

# Who may take and download snapshots; auditors and administrators may look.
TAKERS = (Role.ARCHIVIST,)
VIEWERS = (Role.ARCHIVIST, Role.REGISTRAR, Role.ORG_ADMIN, Role.AUDITOR)


# Comments harvested a few days after a half year ended still belong in its snapshot.
GRACE_DAYS = 7
# A build that has shown no end for this long was killed with its process.
STALE_AFTER = datetime.timedelta(hours=6)


class SnapshotRefused(Refusal):
    """`forbidden`: the person may not do this at all (rather than: not with these values)."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden
        self.status = FORBIDDEN if forbidden else BAD_INPUT


def default_path(snapshot: Snapshot) -> Path:
    return (
        settings.TORGET_SNAPSHOT_DIR
        / snapshot.organisation.slug
        / snapshot.channel.slug
        / f"{snapshot.period_start}_{snapshot.period_end}-{snapshot.reason}-{snapshot.pk}"
    )


def request_snapshot(
    *, person: Person | None, channel: Channel, period: Period, reason: str = SnapshotReason.MANUAL
) -> Snapshot:
    """Record that a snapshot is wanted; the worker (or the caller) builds it."""
    if person is not None and (
        person.organisation_id != channel.organisation_id or not person.has_role(*TAKERS)
    ):
        raise SnapshotRefused(
            _("Only the organisation's archivists take snapshots."), forbidden=True
        )
    if period.end > timezone.localdate():
        raise SnapshotRefused(
            _("The period has not ended yet: choose a last day no later than today.")
        )
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            organisation=channel.organisation,
            channel=channel,
            period_start=period.start,
            period_end=period.end,
            reason=reason,
            requested_by=person,
        )
        audit_record(
            organisation=channel.organisation,
            actor=person,
            action="snapshot.requested",
            target=snapshot,
            after={"period": period.label, "reason": reason, "channel": channel.slug},
        )
    return snapshot


def take_snapshot(
    snapshot: Snapshot,
    *,
    out: Path | None = None,
    force: bool = False,
    workers: int = 2,
    progress: Progress | None = None,
    check: bool = True,
) -> Snapshot:
    """Build the package, validate it, and record the outcome on the snapshot."""
    target = Path(out) if out else default_path(snapshot)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=SnapshotStatus.BUILDING, started_at=timezone.now(), error=""
    )
    period = Period.of(snapshot.period_start, snapshot.period_end)
    try:
        built = build_package(
            snapshot.channel, period, target, force=force, workers=workers, progress=progress
        )
        checks = validate.validate_snapshot(built.path) if check else []
    except PackageError as error:
        _finish(snapshot, status=SnapshotStatus.FAILED, error=str(error))
        raise
    except Exception as error:  # recorded for the archivist, then raised for the log
        _finish(snapshot, status=SnapshotStatus.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    results = [
        {
            "check": c.name,
            "ok": c.ok,
            "errors": c.errors,
            "warnings": c.warnings,
            "seconds": round(c.seconds, 2),
        }
        for c in checks
    ]
    if not check:
        status = SnapshotStatus.UNCHECKED
    elif all(c.ok for c in checks):
        status = SnapshotStatus.VALID
    else:
        status = SnapshotStatus.INVALID
    _finish(
        snapshot,
        status=status,
        objid=built.objid,
        path=str(built.path),
        size_bytes=built.size,
        file_count=built.files,
        record_count=built.records,
        version_count=built.versions,
        pdf_pages=built.pdf_pages,
        timings={key: round(value, 2) for key, value in built.seconds.items()},
        validation=results,
        validated_at=timezone.now() if check else None,
    )
    snapshot.refresh_from_db()
    return snapshot


def _finish(snapshot: Snapshot, **fields) -> None:
    fields["finished_at"] = timezone.now()
    Snapshot.objects.filter(pk=snapshot.pk).update(**fields)
    snapshot.refresh_from_db()
    audit_record(
        organisation=snapshot.organisation,
        actor=None,
        action=f"snapshot.{snapshot.status}",
        target=snapshot,
        after={
            "objid": snapshot.objid,
            "records": snapshot.record_count,
            "size": snapshot.size_bytes,
            "error": snapshot.error[:500],
        },
    )


def due_snapshots(today: datetime.date | None = None) -> list[Snapshot]:
    """Create the snapshots the rules ask for and have not been made: the last half year of
    every live channel, and the last part of a closed channel's life. Returns the new ones."""
    today = today or timezone.localdate()
    half = Period.half_year_before(today - datetime.timedelta(days=GRACE_DAYS))
    created = []
    live = Channel.objects.filter(
        status__in=[Status.ACTIVE, Status.PAUSED, Status.CLOSED],
        launched_at__date__lte=half.end,
    ).select_related("organisation")
    for channel in live:
        # A channel closed before the half year ended is covered by its closing snapshot.
        if channel.status == Status.CLOSED and timezone.localdate(channel.closed_at) <= half.end:
            continue
        created += _create_once(channel, half, SnapshotReason.HALF_YEAR)
    closed = Channel.objects.filter(status=Status.CLOSED, closed_at__isnull=False)
    for channel in closed.select_related("organisation"):
        closed_on = timezone.localdate(channel.closed_at)
        if closed_on > today - datetime.timedelta(days=GRACE_DAYS):
            continue  # the last harvests after closing are still coming in
        # From the start of the half year it closed in (earlier ones have their own).
        start = datetime.date(closed_on.year, 1 if closed_on.month <= 6 else 7, 1)
        created += _create_once(channel, Period(start, closed_on), SnapshotReason.CLOSING)
    return created


def _create_once(channel: Channel, period: Period, reason: str) -> list[Snapshot]:
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                organisation=channel.organisation,
                channel=channel,
                period_start=period.start,
                period_end=period.end,
                reason=reason,
            )
            audit_record(
                organisation=channel.organisation,
                actor=None,
                action="snapshot.scheduled",
                target=snapshot,
                after={"period": period.label, "reason": reason, "channel": channel.slug},
            )
            return [snapshot]
    except IntegrityError:
        return []  # already scheduled (the constraint snapshot_scheduled_once)


def schedule_due(today: datetime.date | None = None) -> int:
    """The clock's step: create what is due and hand it to the background worker."""
    from .tasks import build_snapshot

    created = due_snapshots(today)
    for snapshot in created + stale_builds():
        build_snapshot.enqueue(snapshot.pk)
    return len(created)


def stale_builds(now: datetime.datetime | None = None) -> list[Snapshot]:
    """Builds whose process died (killed, machine restarted): recorded as failed, so the
    archivist sees it, and handed to the worker again."""
    limit = (now or timezone.now()) - STALE_AFTER
    stale = list(
        Snapshot.objects.filter(
            status=SnapshotStatus.BUILDING, started_at__lt=limit
        ).select_related("organisation")
    )
    for snapshot in stale:
        _finish(
            snapshot,
            status=SnapshotStatus.FAILED,
            error=_("The build stopped without finishing (its process ended). It is taken again."),
        )
    return stale
