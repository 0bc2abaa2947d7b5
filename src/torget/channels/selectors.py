"""Reads from the channel register. Staff reads are scoped to the person's organisation;
public reads show only what the public list may show."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from torget.organisations.models import Organisation, Person

from .lifecycle import Step, next_steps_for
from .models import Channel, ChannelTransition, Status

# The public list shows live channels, and closed ones for a year so their records can
# still be found (PRODUCT.md R2).
PUBLIC_STATUSES = (Status.ACTIVE, Status.PAUSED, Status.CLOSED)
CLOSED_SHOWN_FOR = datetime.timedelta(days=365)
INACTIVE_AFTER = datetime.timedelta(days=30)


def channels_list(
    *,
    person: Person,
    status: str = "",
    platform: str = "",
    unit_id: int | None = None,
    query: str = "",
) -> QuerySet[Channel]:
    channels = (
        Channel.objects.filter(organisation_id=person.organisation_id)
        .select_related("unit", "responsible_manager")
        .with_name_clash()
    )
    if status:
        channels = channels.filter(status=status)
    if platform:
        channels = channels.filter(platform=platform)
    if unit_id:
        channels = channels.filter(unit_id=unit_id)
    if query:
        channels = channels.filter(
            Q(name__icontains=query) | Q(address__icontains=query) | Q(purpose__icontains=query)
        )
    return channels


def channel_get(*, person: Person, slug: str) -> Channel:
    """The channel of the person's own organisation, or 404 — the same for any other."""
    try:
        return (
            Channel.objects.select_related(
                "organisation", "unit", "responsible_manager", "proposed_by"
            )
            .prefetch_related("administrators")
            .get(organisation_id=person.organisation_id, slug=slug)
        )
    except Channel.DoesNotExist:
        raise Http404("No such channel.") from None


def channel_history(*, channel: Channel) -> QuerySet[ChannelTransition]:
    return channel.transitions.select_related("by")


def channels_review_overdue(
    *, person: Person, today: datetime.date | None = None
) -> QuerySet[Channel]:
    today = today or timezone.localdate()
    return (
        channels_list(person=person)
        .filter(status__in=(Status.ACTIVE, Status.PAUSED), next_review_due__lt=today)
        .order_by("next_review_due")
    )


def channels_inactive(*, person: Person, now: datetime.datetime | None = None) -> QuerySet[Channel]:
    """Active channels where the archive has seen nothing for a month."""
    cutoff = (now or timezone.now()) - INACTIVE_AFTER
    return (
        channels_list(person=person, status=Status.ACTIVE)
        .filter(
            Q(last_activity_at__lt=cutoff)
            | Q(last_activity_at__isnull=True, launched_at__lt=cutoff)
        )
        .order_by("last_activity_at")
    )


def channels_awaiting(*, person: Person) -> list[tuple[Channel, list[Step]]]:
    """Channels on which this person has a step to take, with those steps."""
    open_channels = (
        channels_list(person=person)
        .exclude(status__in=(Status.ACTIVE, Status.CLOSED, Status.REJECTED))
        .prefetch_related("administrators", "risk_assessments")
    )
    awaiting = []
    for channel in open_channels:
        steps = next_steps_for(person, channel)
        if steps:
            awaiting.append((channel, steps))
    return awaiting


def channels_public(
    *, organisation: Organisation | None = None, now: datetime.datetime | None = None
) -> QuerySet[Channel]:
    now = now or timezone.now()
    channels = (
        Channel.objects.filter(status__in=PUBLIC_STATUSES, is_listed_publicly=True)
        .exclude(status=Status.CLOSED, closed_at__lt=now - CLOSED_SHOWN_FOR)
        .select_related("organisation", "unit")
        .order_by("organisation__name", "name")
    )
    if organisation is not None:
        channels = channels.filter(organisation=organisation)
    return channels
