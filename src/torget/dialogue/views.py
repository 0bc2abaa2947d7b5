"""The dialogue inbox: questions by deadline, one question's page and the steps on it, the
response-time statistics, the office calendar, and the registrar's queue."""

import csv
import datetime
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from torget.archive.selectors import record_get, record_thread
from torget.channels.models import mark_name_clashes
from torget.organisations.access import RoleRequired
from torget.organisations.decorators import person_required
from torget.organisations.models import Person, Role, Unit
from torget.organisations.services import audit_record
from torget.params import form_id, parse_date
from torget.personal_data import policy

from . import selectors, services
from .deadlines import Calendar, UnknownCountry
from .limits import answer_limit
from .models import ClosureDay, OfficeCalendar, Purpose, Reply, ReplyState
from .services import DEFAULT_ACKNOWLEDGEMENT, DialogueRefused

# Read a question without working on it: the registrar reads what she registers (only in
# her organisation: question_get scopes it).
QUESTION_READERS = (Role.REGISTRAR,)
REGISTRATION_FILES = {"handling.pdf": "application/pdf", "registrering.json": "application/json"}

STATISTICS_ROLES = (
    Role.COMMUNICATOR,
    Role.ORG_ADMIN,
    Role.MANAGER,
    Role.AUDITOR,
    Role.CHANNEL_ADMIN,
)


_id = form_id  # a form's id, or 0 (which matches nothing): torget/params.py


@require_GET
@person_required
def inbox(request: HttpRequest) -> HttpResponse:
    person = request.person
    channels = selectors.answerable_channels(person=person)
    params = request.GET
    channel_id = None
    if params.get("channel"):
        found = channels.filter(slug=params["channel"]).first()
        channel_id = found.pk if found else -1
    filters = selectors.InboxFilters(
        channel_id=channel_id,
        show=params.get("show", "open"),
        assigned=params.get("assigned", ""),
    )
    page = selectors.inbox(person=person, filters=filters, after=params.get("after", ""))
    mark_name_clashes([q.channel for q in page.questions])
    next_query = params.copy()
    next_query["after"] = page.next_cursor
    return render(
        request,
        "dialogue/inbox.html",
        {
            "page": page,
            "params": params,
            "channels": channels,
            "now": timezone.now(),
            "next_query": next_query.urlencode() if page.next_cursor else "",
            "may_see_personal_data": policy.sees_whole(person),
        },
    )


@require_GET
@person_required
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get(person=request.person, pk=pk)
    return _question_page(request, question)


def _question_page(
    request: HttpRequest, question, *, posted=None, action: str = "", status: int = 200
) -> HttpResponse:
    """The question's page; after a refused step, with what the person typed (`posted`)."""
    person = request.person
    posted = posted or {}
    may_answer = services.may_answer(person, question.channel)
    if not may_answer and not person.has_role(*STATISTICS_ROLES, *QUESTION_READERS):
        raise RoleRequired(_("You do not work on this channel's questions."))
    replies = list(question.replies.select_related("written_by", "published_by"))
    draft = next(
        (r for r in replies if r.state == ReplyState.DRAFT and r.written_by_id == person.pk),
        None,
    )
    typed = {
        "answer": posted.get("body") if action in ("answer", "draft") else None,
        "acknowledgement": posted.get("body") if action == "acknowledge" else None,
        "assign_note": posted.get("note", "") if action == "assign" else "",
        "description": posted.get("description", "") if action == "forward" else "",
        "reason": posted.get("reason", "") if action == "forward" else "",
    }
    return render(
        request,
        "dialogue/question.html",
        {
            "question": question,
            "record": question.record,
            "thread": record_thread(record=question.record, limit=200),
            "replies": replies,
            "draft": draft,
            "answer_waiting": any(
                r.purpose == Purpose.ANSWER and r.state == ReplyState.TO_PUBLISH for r in replies
            ),
            "events": question.events.select_related("by"),
            "may_answer": may_answer,
            "may_see_personal_data": policy.sees_whole(person),
            "signature": services.signature_for(person, question.channel),
            "acknowledgement": DEFAULT_ACKNOWLEDGEMENT,
            "people": Person.objects.filter(
                organisation_id=person.organisation_id, user__is_active=True
            ).order_by("name"),
            "units": Unit.objects.filter(organisation_id=person.organisation_id).order_by("name"),
            "now": timezone.now(),
            "typed": typed,
            "answer_limit": _limit_shown(question.channel),
        },
        status=status,
    )


def _limit_shown(channel) -> dict | None:
    limit = answer_limit(channel.platform)
    if limit is None:
        return None
    return {"platform": channel.get_platform_display(), "chars": limit.chars}


ACTIONS = {"acknowledge", "assign", "draft", "answer", "published", "unmark", "forward"}


@require_POST
@person_required
def question_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    person = request.person
    question = selectors.question_get(person=person, pk=pk)
    if action not in ACTIONS:
        raise PermissionDenied
    data = request.POST
    back = HttpResponseRedirect(reverse("question_detail", args=[question.pk]))
    try:
        if action == "acknowledge":
            services.reply_write(
                person=person,
                question=question,
                body=data.get("body", ""),
                purpose=Purpose.ACKNOWLEDGEMENT,
                final=True,
            )
            messages.success(request, _("The acknowledgement is ready to publish."))
        elif action == "assign":
            assignee = unit = None
            if data.get("person"):
                assignee = get_object_or_404(
                    Person, organisation_id=person.organisation_id, pk=_id(data["person"])
                )
            if data.get("unit"):
                unit = get_object_or_404(
                    Unit, organisation_id=person.organisation_id, pk=_id(data["unit"])
                )
            services.question_assign(
                person=person,
                question=question,
                assignee=assignee,
                unit=unit,
                note=data.get("note", ""),
            )
            messages.success(request, _("The question is assigned."))
        elif action in ("draft", "answer"):
            services.reply_write(
                person=person,
                question=question,
                body=data.get("body", ""),
                final=action == "answer",
            )
            messages.success(
                request,
                _("The answer is ready to publish.") if action == "answer" else _("Draft saved."),
            )
        elif action == "published":
            reply = get_object_or_404(Reply, question=question, pk=_id(data.get("reply")))
            services.reply_mark_published(person=person, reply=reply)
            messages.success(request, _("Marked as published."))
        elif action == "unmark":
            services.question_unmark(person=person, question=question, note=data.get("note", ""))
            messages.success(request, _("Marked as not a question."))
        elif action == "forward":
            services.question_forward(
                person=person,
                question=question,
                reason=data.get("reason", ""),
                description=data.get("description", ""),
            )
            messages.success(request, _("Sent to the registrar."))
    except DialogueRefused as refusal:
        messages.error(request, refusal.sentence)
        return _question_page(request, question, posted=data, action=action, status=refusal.status)
    return back


@require_POST
@person_required
def record_mark(request: HttpRequest, record_pk: int) -> HttpResponse:
    record = record_get(person=request.person, pk=record_pk)
    try:
        question = services.question_mark(person=request.person, record=record)
    except DialogueRefused as refusal:
        messages.error(request, refusal.sentence)
        return HttpResponseRedirect(reverse("record_detail", args=[record.pk]))
    messages.success(request, _("Marked as a question."))
    return HttpResponseRedirect(reverse("question_detail", args=[question.pk]))


def _period(params) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    earliest, latest = datetime.date(2000, 1, 1), datetime.date(2999, 12, 30)
    since = parse_date(params.get("since")) or (
        (today.replace(day=1) - datetime.timedelta(days=160)).replace(day=1)
    )
    until = parse_date(params.get("until")) or today
    since = min(max(since, earliest), latest)
    until = min(max(until, since), latest)
    return since, until


@require_GET
@person_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    person = request.person
    if not person.has_role(*STATISTICS_ROLES):
        raise RoleRequired(_("Your roles do not include the dialogue statistics."))
    since, until = _period(request.GET)
    by = "unit" if request.GET.get("by") == "unit" else "channel"
    rows = selectors.response_statistics(person=person, since=since, until=until, by=by)
    months = selectors.months_summary(rows)
    # Chart geometry is computed here and drawn with SVG attributes: the CSP allows no
    # inline styles.
    longest = max((m["p90"] or 0 for m in months), default=0) or 1
    for index, month in enumerate(months):
        share = round((month["share"] or 0) * 100)
        month["x"] = index * 40 + 6
        month["label_x"] = index * 40 + 20
        month["bar_y"] = 110 - share
        month["bar_h"] = share
        month["row_y"] = index * 22
        month["median_w"] = round((month["median"] or 0) / longest * 300)
        month["p90_w"] = round((month["p90"] or 0) / longest * 300)
    return render(
        request,
        "dialogue/statistics.html",
        {
            "rows": rows,
            "months": months,
            "since": since,
            "until": until,
            "by": by,
            "chart_width": max(len(months) * 40 + 10, 120),
            "bars_height": len(months) * 22,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@person_required
def statistics_csv(request: HttpRequest) -> HttpResponse:
    person = request.person
    if not person.has_role(*STATISTICS_ROLES):
        raise RoleRequired(_("Your roles do not include the dialogue statistics."))
    since, until = _period(request.GET)
    by = "unit" if request.GET.get("by") == "unit" else "channel"
    rows = selectors.response_statistics(person=person, since=since, until=until, by=by)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="svarstider-{since}-{until}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            by,
            "month",
            "questions",
            "answered",
            "median_hours_to_first_response",
            "p90_hours_to_first_response",
            "share_answered_within_deadline",
            "open",
            "overdue",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.group,
                row.month,
                row.questions,
                row.answered,
                row.median_hours,
                row.p90_hours,
                row.share_within_deadline,
                row.open,
                row.overdue,
            ]
        )
    return response


@person_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    person = request.person
    if not person.has_role(Role.ORG_ADMIN, Role.COMMUNICATOR):
        raise RoleRequired(_("Only organisation administrators and communicators may see this."))
    organisation = person.organisation
    office, _created = OfficeCalendar.objects.get_or_create(organisation=organisation)
    if request.method == "POST":
        if not person.has_role(Role.ORG_ADMIN):
            raise RoleRequired(_("Only organisation administrators may change the calendar."))
        _calendar_post(request, person, office)
        return HttpResponseRedirect(reverse("dialogue_calendar"))
    problem = ""
    days: list[tuple[datetime.date, str]] = []
    try:
        calendar = services.calendar_for(organisation)
    except UnknownCountry as error:
        problem = str(error)
    else:
        today = timezone.localdate()
        for offset in range(0, 90):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() < 5 and not calendar.is_working_day(day):
                days.append((day, calendar.day_off_name(day) or _("closure day")))
    return render(
        request,
        "dialogue/calendar.html",
        {
            "office": office,
            "closures": ClosureDay.objects.filter(organisation=organisation),
            "days_off": days,
            "problem": problem,
            "may_edit": person.has_role(Role.ORG_ADMIN),
            "example": _example_deadlines(organisation) if not problem else [],
        },
    )


def _example_deadlines(organisation) -> list[tuple[datetime.datetime, datetime.datetime]]:
    from .deadlines import deadline_for

    calendar: Calendar = services.calendar_for(organisation)
    now = timezone.localtime()
    arrivals = [
        now.replace(hour=h, minute=m, second=0, microsecond=0)
        for h, m in ((10, 0), (calendar.closes.hour, 55 if calendar.closes.minute == 0 else 0))
    ]
    return [(a, timezone.localtime(deadline_for(a, calendar))) for a in arrivals]


def _calendar_post(request, person, office: OfficeCalendar) -> None:
    data = request.POST
    with transaction.atomic():
        if data.get("what") == "hours":
            try:
                opens = datetime.time.fromisoformat(data.get("opens_at", ""))
                closes = datetime.time.fromisoformat(data.get("closes_at", ""))
            except ValueError:
                messages.error(request, _("Write the times as HH:MM, for example 08:00."))
                return
            if not opens < closes:
                messages.error(request, _("The office must open before it closes."))
                return
            before = {"opens_at": str(office.opens_at), "closes_at": str(office.closes_at)}
            office.opens_at, office.closes_at = opens, closes
            office.save()
            audit_record(
                organisation=person.organisation,
                actor=person,
                action="calendar.hours",
                target=office,
                before=before,
                after={"opens_at": str(opens), "closes_at": str(closes)},
            )
        elif data.get("what") == "add":
            try:
                day = datetime.date.fromisoformat(data.get("date", ""))
            except ValueError:
                messages.error(request, _("Choose a date."))
                return
            closure, created = ClosureDay.objects.get_or_create(
                organisation=person.organisation,
                date=day,
                defaults={"reason": data.get("reason", "")[:200]},
            )
            if created:
                audit_record(
                    organisation=person.organisation,
                    actor=person,
                    action="calendar.closure_added",
                    target=closure,
                    after={"date": str(day), "reason": closure.reason},
                )
        elif data.get("what") == "remove":
            closure = get_object_or_404(
                ClosureDay, organisation=person.organisation, pk=_id(data.get("closure"))
            )
            audit_record(
                organisation=person.organisation,
                actor=person,
                action="calendar.closure_removed",
                target=closure,
                before={"date": str(closure.date), "reason": closure.reason},
            )
            closure.delete()
    messages.success(request, _("The calendar is saved. New questions get deadlines from it."))


@require_GET
@person_required
def registration_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The PDF/A or the facts of a package for the registrar, read through Torget."""
    person = request.person
    if not person.has_role(Role.REGISTRAR, Role.ORG_ADMIN, Role.AUDITOR):
        raise RoleRequired(_("Only registrars see the registration queue."))
    registration = selectors.registration_get(person=person, pk=pk)
    if not policy.sees_whole(person):
        # The package is the record itself, personal data whole (docs/supervision.md).
        raise RoleRequired(
            _(
                "Only registrars and security officers open the package itself: "
                "it holds personal data unmasked."
            )
        )
    if name not in REGISTRATION_FILES or not registration.package:
        raise Http404("No such file.")
    path = Path(registration.package) / name
    if not path.is_file():
        raise Http404("The package is not where it was written.")
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="registration.opened",
        target=registration,
        note=name,
    )
    return FileResponse(path.open("rb"), content_type=REGISTRATION_FILES[name], filename=name)


@person_required
def registrar_queue(request: HttpRequest) -> HttpResponse:
    person = request.person
    if not person.has_role(Role.REGISTRAR, Role.ORG_ADMIN, Role.AUDITOR):
        raise RoleRequired(_("Only registrars see the registration queue."))
    typed: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        registration = selectors.registration_get(person=person, pk=_id(request.POST.get("item")))
        try:
            registration = services.registration_register(
                person=person,
                registration=registration,
                case_reference=request.POST.get("case_reference", ""),
            )
        except DialogueRefused as refusal:
            messages.error(request, refusal.sentence)
            typed[registration.pk] = request.POST.get("case_reference", "")
            status = refusal.status
        else:
            messages.success(
                request,
                _("Registered as %(reference)s.") % {"reference": registration.case_reference},
            )
            return HttpResponseRedirect(reverse("registrar_queue"))
    items = selectors.registrations(person=person)
    waiting = list(items.filter(case_reference=""))
    for item in waiting:
        item.typed_reference = typed.get(item.pk, "")
    return render(
        request,
        "dialogue/registrar.html",
        {
            "may_see_personal_data": policy.sees_whole(person),
            "waiting": waiting,
            "registered": items.exclude(case_reference="")[:100],
            "may_register": person.has_role(Role.REGISTRAR),
        },
        status=status,
    )
