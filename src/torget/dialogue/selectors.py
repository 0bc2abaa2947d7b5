"""Reads for the inbox, a question's page, the registrar's queue and the statistics.
Every query starts from the person's organisation."""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from torget.channels.models import Channel
from torget.organisations.models import Person
from torget.params import MAX_DATE, MIN_DATE, parse_id

from .models import OPEN_STATUSES, Question, Registration, Status
from .services import ANSWERERS

PAGE_SIZE = 50


def answerable_channels(*, person: Person) -> QuerySet[Channel]:
    channels = Channel.objects.filter(organisation_id=person.organisation_id)
    if not person.has_role(*ANSWERERS):
        channels = channels.filter(administrators=person)
    return channels.with_name_clash().order_by("name")


@dataclass
class InboxFilters:
    channel_id: int | None = None
    show: str = "open"  # open, overdue, answered, dismissed, all
    assigned: str = ""  # "me", "unassigned", "" (anyone)


@dataclass
class InboxPage:
    questions: list[Question]
    next_cursor: str = ""
    counts: dict = field(default_factory=dict)


def _cursor(question: Question) -> str:
    return f"{question.deadline.timestamp():.6f}_{question.pk}"


def _parse_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    """The inbox's cursor ("<POSIX seconds>_<id>"), else None: an edited one is ignored."""
    try:
        stamp, pk = value.split("_")
        moment = datetime.datetime.fromtimestamp(float(stamp), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    number = parse_id(pk)
    if number is None or not MIN_DATE <= moment.date() <= MAX_DATE:
        return None
    return moment, number


def inbox(*, person: Person, filters: InboxFilters, after: str = "") -> InboxPage:
    """One page of questions by deadline, the soonest first, with keyset paging."""
    now = timezone.now()
    base = Question.objects.filter(organisation_id=person.organisation_id)
    if not person.has_role(*ANSWERERS):
        base = base.filter(channel__administrators=person)
    if filters.channel_id is not None:
        base = base.filter(channel_id=filters.channel_id)
    if filters.assigned == "me":
        mine = Q(assigned_person=person)
        if person.unit_id is not None:
            mine |= Q(assigned_unit_id=person.unit_id)
        base = base.filter(mine)
    elif filters.assigned == "unassigned":
        base = base.filter(assigned_person__isnull=True, assigned_unit__isnull=True)
    shown = {
        "open": base.filter(is_open=1),
        "overdue": base.filter(is_open=1, deadline__lt=now),
        "answered": base.filter(status=Status.ANSWERED),
        "dismissed": base.filter(status=Status.DISMISSED),
        "all": base,
    }.get(filters.show, base.filter(is_open=1))
    cursor = _parse_cursor(after) if after else None
    if cursor is not None:
        deadline, pk = cursor
        shown = shown.filter(Q(deadline__gt=deadline) | Q(deadline=deadline, pk__gt=pk))
    rows = list(
        shown.select_related("channel", "record", "assigned_person", "assigned_unit").order_by(
            "deadline", "id"
        )[: PAGE_SIZE + 1]
    )
    page = InboxPage(questions=rows[:PAGE_SIZE])
    if len(rows) > PAGE_SIZE:
        page.next_cursor = _cursor(rows[PAGE_SIZE - 1])
    # One pass over the open questions' index for both counts.
    page.counts = base.filter(is_open=1).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(deadline__lt=now))
    )
    return page


def question_get(*, person: Person, pk: int) -> Question:
    try:
        return Question.objects.select_related(
            "channel", "record", "record__channel", "assigned_person", "assigned_unit"
        ).get(organisation_id=person.organisation_id, pk=pk)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


def open_count(*, person: Person) -> int:
    """Questions waiting for an answer on the channels this person answers on."""
    questions = Question.objects.filter(
        organisation_id=person.organisation_id, status__in=OPEN_STATUSES
    )
    if not person.has_role(*ANSWERERS):
        questions = questions.filter(channel__in=answerable_channels(person=person))
    return questions.count()


def registrations_waiting_count(*, person: Person) -> int:
    return registrations(person=person).filter(case_reference="").count()


def overdue_count(*, person: Person) -> int:
    return (
        Question.objects.filter(
            organisation_id=person.organisation_id,
            status__in=OPEN_STATUSES,
            deadline__lt=timezone.now(),
        )
        .filter(
            Q(channel__in=answerable_channels(person=person))
            if not person.has_role(*ANSWERERS)
            else Q()
        )
        .count()
    )


def registrations(*, person: Person) -> QuerySet[Registration]:
    return Registration.objects.filter(organisation_id=person.organisation_id).select_related(
        "record", "record__channel", "created_by", "registered_by"
    )


def registration_get(*, person: Person, pk: int) -> Registration:
    try:
        return registrations(person=person).get(pk=pk)
    except Registration.DoesNotExist:
        raise Http404("No such registration.") from None


# Statistics.


@dataclass
class Row:
    """Response times for one group (a channel or a unit) in one month."""

    group: str
    month: str  # "2026-03"
    questions: int = 0
    responded: list[float] = field(default_factory=list)  # hours to first response
    answered: int = 0
    within_deadline: int = 0
    due: int = 0  # questions whose deadline has passed, or that were answered
    open: int = 0
    overdue: int = 0

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.responded), 1) if self.responded else None

    @property
    def p90_hours(self) -> float | None:
        if not self.responded:
            return None
        ordered = sorted(self.responded)
        # Nearest-rank 90th percentile: the smallest value with at least 90% at or below it.
        rank = max(1, -(-9 * len(ordered) // 10))
        return round(ordered[rank - 1], 1)

    @property
    def share_within_deadline(self) -> float | None:
        return round(self.within_deadline / self.due, 3) if self.due else None


def response_statistics(
    *, person: Person, since: datetime.date, until: datetime.date, by: str = "channel"
) -> list[Row]:
    """Per channel (or unit) and month of asking: median and 90th percentile hours to the
    first response, share answered within the deadline, open and overdue counts."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, zone)
    questions = (
        Question.objects.filter(
            organisation_id=person.organisation_id, asked_at__gte=start, asked_at__lt=end
        )
        .exclude(status=Status.DISMISSED)
        .values_list(
            "channel_id",
            "channel__unit__name",
            "asked_at",
            "deadline",
            "first_response_at",
            "answered_at",
            "status",
        )
        .iterator(chunk_size=5000)
    )
    labels = {
        channel.pk: channel.label
        for channel in Channel.objects.filter(organisation_id=person.organisation_id)
        .with_name_clash()
        .only("pk", "name", "platform", "address")
    }
    rows: dict[tuple[str, str], Row] = {}
    for channel_id, unit, asked, deadline, first, answered, status in questions:
        group = unit if by == "unit" else labels[channel_id]
        month = timezone.localtime(asked, zone).strftime("%Y-%m")
        row = rows.setdefault((group, month), Row(group=group, month=month))
        row.questions += 1
        if first is not None:
            row.responded.append((first - asked).total_seconds() / 3600)
        if answered is not None:
            row.answered += 1
        if answered is not None or deadline < now:
            row.due += 1
            if answered is not None and answered <= deadline:
                row.within_deadline += 1
        if status in OPEN_STATUSES:
            row.open += 1
            if deadline < now:
                row.overdue += 1
    return sorted(rows.values(), key=lambda r: (r.group, r.month))


def months_summary(rows: list[Row]) -> list[dict]:
    """All groups together, per month: what the charts draw."""
    months: dict[str, Row] = {}
    for row in rows:
        total = months.setdefault(row.month, Row(group="", month=row.month))
        total.questions += row.questions
        total.responded += row.responded
        total.answered += row.answered
        total.within_deadline += row.within_deadline
        total.due += row.due
        total.open += row.open
        total.overdue += row.overdue
    return [
        {
            "month": m.month,
            "share": m.share_within_deadline,
            "median": m.median_hours,
            "p90": m.p90_hours,
            "questions": m.questions,
        }
        for m in sorted(months.values(), key=lambda r: r.month)
    ]
