"""Disposal pages for archivists: rules, legal holds, runs with their dry-run report,
approval, progress, undo. Every page checks the organisation (selectors) and the role."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from torget.organisations.access import RoleRequired
from torget.organisations.decorators import person_required
from torget.organisations.forms import attach_domain_errors
from torget.organisations.models import Person
from torget.params import form_id

from . import selectors, services
from .forms import HoldForm, RuleForm
from .models import RecordClass, RunStatus, Tombstone
from .services import DisposalRefused


def _check_reader(person: Person) -> None:
    if not person.has_role(*selectors.READERS):
        raise RoleRequired(
            _(
                "Disposal is for archivists; registrars, organisation administrators and "
                "auditors may look."
            )
        )


_id = form_id  # a form's id, or 0 (which matches nothing): torget/params.py


@require_GET
@person_required
def index(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_reader(person)
    return render(
        request,
        "disposal/index.html",
        {
            "runs": selectors.runs_list(person=person)[:100],
            "rules": selectors.rules_list(person=person).filter(active=True),
            "active_holds": selectors.holds_list(person=person)
            .filter(released_at__isnull=True)
            .count(),
            "may_plan": person.has_role(*services.PLANNERS),
        },
    )


@person_required
def rules(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_reader(person)
    form = RuleForm(request.POST or None, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_create(person=person, **form.cleaned_data)
        except DisposalRefused as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The rule is saved."))
            return HttpResponseRedirect(reverse("disposal_rules"))
    return render(
        request,
        "disposal/rules.html",
        {
            "rules": selectors.rules_list(person=person),
            "form": form,
            "may_edit": person.has_role(*services.RULE_KEEPERS),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@person_required
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.rule_get(person=request.person, pk=pk)
    try:
        services.rule_deactivate(person=request.person, rule=rule)
        messages.success(request, _("The rule is out of use."))
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("disposal_rules"))


@person_required
def holds(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_reader(person)
    form = HoldForm(request.POST or None, organisation=person.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hold = services.hold_place(
                person=person,
                scope=data["scope"],
                channel=data["channel"],
                thread_platform_id=data["thread_platform_id"],
                who=data["person"],
                query=data["query"],
                reason=data["reason"],
                case_reference=data["case_reference"],
            )
        except DisposalRefused as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The hold is placed: nothing it covers is disposed."))
            return HttpResponseRedirect(reverse("disposal_hold", args=[hold.pk]))
    return render(
        request,
        "disposal/holds.html",
        {
            "holds": selectors.holds_list(person=person),
            "form": form,
            "may_hold": person.has_role(*services.HOLDERS),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@person_required
def hold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    _check_reader(person)
    hold = selectors.hold_get(person=person, pk=pk)
    count, examples = selectors.hold_coverage(hold=hold)
    return render(
        request,
        "disposal/hold.html",
        {
            "hold": hold,
            "count": count,
            "examples": examples,
            "may_hold": person.has_role(*services.HOLDERS),
        },
    )


@require_POST
@person_required
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = selectors.hold_get(person=request.person, pk=pk)
    try:
        services.hold_release(person=request.person, hold=hold, note=request.POST.get("note", ""))
        messages.success(request, _("The hold is released."))
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("disposal_hold", args=[hold.pk]))


@require_POST
@person_required
def run_plan(request: HttpRequest) -> HttpResponse:
    person = request.person
    chosen = [_id(v) for v in request.POST.getlist("rule")]
    rules = list(selectors.rules_list(person=person).filter(pk__in=chosen)) if chosen else None
    try:
        run = services.run_plan(person=person, rules=rules)
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("disposal_index"))
    messages.success(request, _("The dry run is ready. Nothing has been disposed of."))
    return HttpResponseRedirect(reverse("disposal_run", args=[run.pk]))


@require_GET
@person_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    _check_reader(person)
    run = selectors.run_get(person=person, pk=pk)
    report = run.report or {}
    rule_labels = {r["id"]: r for r in report.get("rules", [])}
    now = timezone.now()
    return render(
        request,
        "disposal/run.html",
        {
            "run": run,
            "report": report,
            "rows": [
                {**row, "class_label": RecordClass(row["record_class"]).label}
                for row in report.get("rows", [])
            ],
            "rule_labels": rule_labels,
            "excluded": [
                (selectors.EXCLUSIONS.get(k, k), v) for k, v in report.get("excluded", {}).items()
            ],
            "tombstones": selectors.run_tombstones(run=run),
            "may_approve": person.has_role(*services.APPROVERS),
            "undo_open": run.status == RunStatus.EXECUTED and run.undo_until > now,
            "stale": services.run_is_stale(run, now),
            "refresh": run.status in (RunStatus.APPROVED, RunStatus.EXECUTING, RunStatus.UNDOING),
            "statuses": RunStatus,
        },
    )


def _run_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    run = selectors.run_get(person=request.person, pk=pk)
    try:
        action(person=request.person, run=run)
        messages.success(request, done)
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("disposal_run", args=[run.pk]))


@require_POST
@person_required
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(
        request,
        pk,
        services.run_approve,
        _("Approved. The records are disposed of in batches; this page shows the progress."),
    )


@require_POST
@person_required
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(request, pk, services.run_cancel, _("The run is cancelled."))


@require_POST
@person_required
def run_undo(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_action(
        request, pk, services.run_undo, _("Undone: every record of the run is back.")
    )


@require_POST
@person_required
def run_resume(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    run = selectors.run_get(person=person, pk=pk)
    try:
        services.run_resume(person=person, run=run)
        messages.success(request, _("The run continues where it stopped."))
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("disposal_run", args=[run.pk]))


@require_POST
@person_required
def tombstone_restore(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    _check_reader(person)
    tombstone = (
        Tombstone.objects.filter(organisation_id=person.organisation_id, pk=pk)
        .select_related("record")
        .first()
    )
    if tombstone is None:
        raise Http404("No such tombstone.")
    try:
        services.tombstone_restore(person=person, tombstone=tombstone)
        messages.success(request, _("The record is restored."))
    except DisposalRefused as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(reverse("disposal_run", args=[tombstone.run_id]))
