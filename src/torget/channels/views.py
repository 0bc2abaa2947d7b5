"""Pages of the channel register. Each view parses input, calls one service or selector, renders."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from torget.dialogue.selectors import open_count, overdue_count, registrations_waiting_count
from torget.dialogue.services import ANSWERERS
from torget.organisations.access import RoleRequired, check_role
from torget.organisations.decorators import person_required
from torget.organisations.forms import attach_domain_errors
from torget.organisations.models import Role
from torget.organisations.selectors import units_list
from torget.params import parse_id
from torget.refusals import Refusal
from torget.supervision.selectors import queue as supervision_queue
from torget.supervision.selectors import supervision_alarms_today

from . import selectors, services
from .forms import ChannelForm, ChecklistForm, CommentForm, ReviewForm, RiskAssessmentForm
from .lifecycle import STEPS, did_label, may_edit, steps_for, waiting_for
from .models import Platform, Status

LIFECYCLE_PATH = [
    Status.PROPOSED,
    Status.RISK_ASSESSMENT,
    Status.DECISION,
    Status.PREPARING,
    Status.ACTIVE,
]
# Where the states off the main path stand on it: a paused channel has been through every
# step up to active, so its ticks stay.
PATH_POSITION = {
    Status.RETURNED: Status.PROPOSED,
    Status.REJECTED: Status.DECISION,
    Status.PAUSED: Status.ACTIVE,
}
# The inventory review is offered as the next step only this close to its date.
REVIEW_SOON = datetime.timedelta(days=60)


@dataclass(frozen=True)
class Work:
    """Something waiting for the person, said in words, with where to do it."""

    text: str
    url: str


def work_waiting(person) -> list[Work]:
    """What waits for this person outside the channel steps, whatever their roles."""
    from torget.disposal.models import DisposalRun, RunStatus
    from torget.preservation.models import Snapshot, SnapshotStatus
    from torget.supervision.services import SUPERVISORS

    work = []
    if person.has_role(*ANSWERERS) or person.administered_channels.exists():
        n = open_count(person=person)
        if n:
            text = ngettext(
                "%(n)s unanswered question in the dialogue inbox",
                "%(n)s unanswered questions in the dialogue inbox",
                n,
            )
            work.append(Work(text % {"n": n}, reverse("inbox")))
    if person.has_role(*SUPERVISORS) or person.administered_channels.exists():
        n = supervision_queue(person=person).count()
        if n:
            text = ngettext(
                "%(n)s record to review in supervision", "%(n)s records to review in supervision", n
            )
            work.append(Work(text % {"n": n}, reverse("supervision_queue")))
    if person.has_role(Role.REGISTRAR):
        n = registrations_waiting_count(person=person)
        if n:
            text = ngettext(
                "%(n)s package waiting to be registered",
                "%(n)s packages waiting to be registered",
                n,
            )
            work.append(Work(text % {"n": n}, reverse("registrar_queue")))
    if person.has_role(Role.ARCHIVIST):
        n = DisposalRun.objects.filter(
            organisation_id=person.organisation_id, status=RunStatus.PLANNED
        ).count()
        if n:
            text = ngettext(
                "%(n)s disposal dry run waiting for approval",
                "%(n)s disposal dry runs waiting for approval",
                n,
            )
            work.append(Work(text % {"n": n}, reverse("disposal_index")))
        n = Snapshot.objects.filter(
            organisation_id=person.organisation_id,
            status__in=(SnapshotStatus.INVALID, SnapshotStatus.FAILED),
        ).count()
        if n:
            text = ngettext(
                "%(n)s snapshot that is not valid", "%(n)s snapshots that are not valid", n
            )
            work.append(Work(text % {"n": n}, reverse("preservation")))
    return work


@person_required
def dashboard(request: HttpRequest) -> HttpResponse:
    person = request.person
    channels = selectors.channels_list(person=person)
    counts = {status: 0 for status in Status.values}
    for status in channels.values_list("status", flat=True):
        counts[status] += 1
    return render(
        request,
        "channels/dashboard.html",
        {
            "awaiting": selectors.channels_awaiting(person=person),
            "work": work_waiting(person),
            "overdue": selectors.channels_review_overdue(person=person),
            "inactive": selectors.channels_inactive(person=person),
            "status_counts": [(Status(s), counts[s]) for s in Status.values],
            "total": sum(counts.values()),
            "questions_overdue": overdue_count(person=person),
            "supervision_alarms": supervision_alarms_today(person=person),
        },
    )


@person_required
def register(request: HttpRequest) -> HttpResponse:
    params = request.GET
    unit = params.get("unit", "")
    channels = selectors.channels_list(
        person=request.person,
        status=params.get("status", "") if params.get("status") in Status.values else "",
        platform=params.get("platform", "") if params.get("platform") in Platform.values else "",
        unit_id=parse_id(unit),
        query=params.get("q", "").strip(),
    )
    return render(
        request,
        "channels/register.html",
        {
            "channels": channels,
            "params": params,
            "statuses": Status.choices,
            "platforms": Platform.choices,
            "units": units_list(person=request.person),
            "may_propose": request.person.has_role(*services.PROPOSERS),
        },
    )


@person_required
def propose(request: HttpRequest) -> HttpResponse:
    check_role(request.person, services.PROPOSERS)
    form = ChannelForm(request.POST or None, person=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_propose(
                person=request.person,
                fields=form.channel_fields(),
                administrators=form.cleaned_data["administrators"],
            )
        except ValidationError as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The proposal was sent to the communicators for review."))
            return redirect("channel_detail", slug=channel.slug)
    return render(request, "channels/channel_form.html", {"form": form, "proposing": True})


@person_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    if not may_edit(request.person, channel):
        raise RoleRequired(_("You may not change this channel."))
    form = ChannelForm(request.POST or None, instance=channel, person=request.person)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(
                person=request.person,
                channel=channel,
                fields=form.channel_fields(),
                administrators=form.cleaned_data["administrators"],
            )
        except ValidationError as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("channel_detail", slug=channel.slug)
    return render(request, "channels/channel_form.html", {"form": form, "channel": channel})


@person_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    return _render_detail(request, channel)


def _render_detail(request: HttpRequest, channel, status: int = 200, **forms) -> HttpResponse:
    person = request.person
    steps = steps_for(person, channel)
    actions = {step.action for step in steps}
    next_actions = {step.action for step in steps if step.is_next(channel)}
    position = PATH_POSITION.get(channel.status, channel.status)
    if channel.status == Status.CLOSED:
        path_index = len(LIFECYCLE_PATH)
    else:
        path_index = LIFECYCLE_PATH.index(position) if position in LIFECYCLE_PATH else None
    review_due_soon = channel.next_review_due is not None and (
        channel.next_review_due - timezone.localdate() <= REVIEW_SOON
    )
    history = list(selectors.channel_history(channel=channel))
    for transition in history:
        transition.did = did_label(transition.action)
    return render(
        request,
        "channels/channel_detail.html",
        {
            "channel": channel,
            "step_forms": [
                (step, forms.get(f"comment_{step.action}") or _comment_form(step))
                for step in steps
                if step.action != "assess_risk"
            ],
            "risk_form": forms.get("risk_form")
            or (RiskAssessmentForm() if "assess_risk" in actions else None),
            "risk_is_next": "assess_risk" in next_actions or "risk_form" in forms,
            "waiting_for": "" if next_actions else waiting_for(channel),
            "checklist_form": forms.get("checklist_form")
            or (
                ChecklistForm(initial={f: getattr(channel, f) for f in services.CHECKLIST_FIELDS})
                if "launch" in actions
                else None
            ),
            "review_form": forms.get("review_form")
            or (
                ReviewForm()
                if channel.status in (Status.ACTIVE, Status.PAUSED)
                and person.has_role(*services.REVIEWERS)
                and review_due_soon
                else None
            ),
            "may_edit": may_edit(person, channel),
            "history": history,
            "risk_assessments": channel.risk_assessments.select_related("assessed_by"),
            "reviews": channel.reviews.select_related("reviewed_by")[:10],
            "lifecycle_path": [
                {
                    "status": Status(s),
                    "done": path_index is not None and i < path_index,
                    "current": s == position and channel.status != Status.CLOSED,
                }
                for i, s in enumerate(LIFECYCLE_PATH)
            ],
        },
        status=status,
    )


def _comment_form(step, data=None) -> CommentForm:
    return CommentForm(
        data,
        prefix=step.action,
        required=step.needs_comment,
        label=_("Reason") if step.needs_comment else _("Comment (optional)"),
    )


@require_POST
@person_required
def step(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    if action not in STEPS or action == "assess_risk":
        raise Http404("No such step.")
    form = _comment_form(STEPS[action], request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return _render_detail(request, channel, status=400, **{f"comment_{action}": form})
    try:
        services.channel_step(
            person=request.person,
            channel=channel,
            action=action,
            comment=form.cleaned_data["comment"],
        )
    except Refusal as refusal:
        messages.error(request, refusal.sentence)
        return _render_detail(
            request, channel, status=refusal.status, **{f"comment_{action}": form}
        )
    messages.success(request, STEPS[action].done)
    return redirect("channel_detail", slug=channel.slug)


@require_POST
@person_required
def assess_risk(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    form = RiskAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.channel_assess_risk(
                person=request.person, channel=channel, **form.cleaned_data
            )
        except ValidationError as error:
            attach_domain_errors(form, error)
        except Refusal as refusal:
            messages.error(request, refusal.sentence)
            return _render_detail(request, channel, status=refusal.status, risk_form=form)
        else:
            messages.success(request, STEPS["assess_risk"].done)
            return redirect("channel_detail", slug=channel.slug)
    return _render_detail(request, channel, status=400, risk_form=form)


@require_POST
@person_required
def checklist(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    form = ChecklistForm(request.POST)
    form.is_valid()  # only booleans: always valid
    try:
        services.channel_checklist_update(person=request.person, channel=channel, **form.flags())
    except Refusal as refusal:
        messages.error(request, refusal.sentence)
        return _render_detail(request, channel, status=refusal.status, checklist_form=form)
    messages.success(request, _("The checklist was saved."))
    return redirect("channel_detail", slug=channel.slug)


@require_POST
@person_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    channel = selectors.channel_get(person=request.person, slug=slug)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.channel_review_record(
                person=request.person, channel=channel, **form.cleaned_data
            )
        except ValidationError as error:
            attach_domain_errors(form, error)
        except Refusal as refusal:
            messages.error(request, refusal.sentence)
            return _render_detail(request, channel, status=refusal.status, review_form=form)
        else:
            messages.success(request, _("The review was recorded."))
            return redirect("channel_detail", slug=channel.slug)
    return _render_detail(request, channel, status=400, review_form=form)
