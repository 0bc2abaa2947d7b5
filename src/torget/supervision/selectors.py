"""Reads for supervision: the overview, a channel's pass, the queue, one record under review.
Every query starts from the person's organisation."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from torget.archive.models import Direction, Record, State
from torget.channels.models import Channel
from torget.organisations.models import Person
from torget.personal_data.masking import MASKED_CATEGORIES
from torget.personal_data.masking import mask_value as masked

from .models import Evidence, Finding, ItemStatus, PlatformTask, ReviewItem, SupervisionAlarm
from .services import SUPERVISORS, day_status

PASS_LIMIT = 200


def supervised_channels(*, person: Person) -> QuerySet[Channel]:
    channels = Channel.objects.filter(organisation_id=person.organisation_id, status="active")
    if not person.has_role(*SUPERVISORS):
        channels = channels.filter(administrators=person)
    return (
        channels.select_related("organisation", "responsible_manager")
        .with_name_clash()
        .order_by("name")
    )


def channel_get(*, person: Person, slug: str) -> Channel:
    channel = supervised_channels(person=person).filter(slug=slug).first()
    if channel is None:
        raise Http404("No such channel.")
    return channel


def overview(*, person: Person, now: datetime.datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    channels = list(supervised_channels(person=person))
    waiting = dict(
        ReviewItem.objects.filter(
            organisation_id=person.organisation_id,
            status=ItemStatus.OPEN,
            channel__in=channels,
        )
        .values_list("channel_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for channel in channels:
        try:
            status = day_status(channel, now)
        except ValueError:
            continue
        status["waiting"] = waiting.get(channel.pk, 0)
        rows.append(status)
    return rows


def open_tasks(*, person: Person) -> QuerySet[PlatformTask]:
    return PlatformTask.objects.filter(
        decision__organisation_id=person.organisation_id, done_at__isnull=True
    ).select_related("decision__record__channel", "decision__decided_by")


def recent_alarms(*, person: Person, days: int = 7) -> QuerySet[SupervisionAlarm]:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return SupervisionAlarm.objects.filter(
        channel__organisation_id=person.organisation_id, day__gte=since
    ).select_related("channel")


def queue(*, person: Person, channel: Channel | None = None) -> QuerySet[ReviewItem]:
    items = ReviewItem.objects.filter(
        organisation_id=person.organisation_id, status=ItemStatus.OPEN
    ).select_related("record", "channel", "assigned_to")
    if not person.has_role(*SUPERVISORS):
        items = items.filter(channel__administrators=person)
    if channel is not None:
        items = items.filter(channel=channel)
    return items.order_by("-risk", "created_at", "id")


def pass_records(*, channel: Channel, since: datetime.datetime | None) -> list[Record]:
    """What arrived on the channel since the last pass (at most PASS_LIMIT, newest first)."""
    records = Record.objects.filter(channel=channel, direction=Direction.RECEIVED).exclude(
        state=State.DISPOSED
    )
    if since is not None:
        records = records.filter(first_seen_at__gt=since)
    return list(records.order_by("-first_seen_at", "-id")[:PASS_LIMIT])


def record_get(*, person: Person, pk: int) -> Record:
    try:
        # Disposed of under a disposal decision: gone from use, like from the archive's pages.
        return (
            Record.objects.select_related("channel", "channel__organisation")
            .exclude(state=State.DISPOSED)
            .get(organisation_id=person.organisation_id, pk=pk)
        )
    except Record.DoesNotExist:
        raise Http404("No such record.") from None


def evidence_get(*, person: Person, pk: int) -> Evidence:
    try:
        return Evidence.objects.select_related("record__channel").get(
            organisation_id=person.organisation_id, pk=pk
        )
    except Evidence.DoesNotExist:
        raise Http404("No such evidence.") from None


@dataclass
class Segment:
    text: str
    finding: Finding | None = None
    hidden: bool = False  # shown masked


def segments(
    text: str,
    findings: list[Finding],
    reveal: dict[int, str] | None = None,
    plain: Callable[[str], str] = str,
) -> list[Segment]:
    """The text cut at the findings: personal data masked (unless revealed), the rest marked.
    Overlapping findings keep the first. `plain` shows the text between findings (the
    policy's `text_for`): personal data the stored findings missed (found by a newer engine)
    is masked there too."""
    reveal = reveal or {}
    parts, at = [], 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.start < at or finding.end > len(text):
            continue
        if finding.start > at:
            parts.append(Segment(plain(text[at : finding.start])))
        value = text[finding.start : finding.end]
        hide = finding.category in MASKED_CATEGORIES and finding.pk not in reveal
        parts.append(Segment(masked(value) if hide else value, finding, hide))
        at = finding.end
    if at < len(text):
        parts.append(Segment(plain(text[at:])))
    return parts


def findings_for(record: Record) -> list[Finding]:
    return list(
        Finding.objects.filter(record=record, version=record.version_count).order_by("start")
    )


def counts_by_category(*, person: Person) -> dict[str, int]:
    return dict(
        Finding.objects.filter(organisation_id=person.organisation_id)
        .filter(~Q(record__state="removed"))
        .values_list("category")
        .annotate(n=Count("id"))
    )


def supervision_alarms_today(*, person: Person) -> list[SupervisionAlarm]:
    """Today's alarms on the channels the person supervises, for the overview page."""
    return list(
        SupervisionAlarm.objects.filter(
            channel__in=supervised_channels(person=person), day=timezone.localdate()
        ).select_related("channel")
    )
