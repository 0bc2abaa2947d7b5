"""Supervision pages: the overview of passes and alarms, a channel's pass, the review queue,
and one record under review with its findings, decisions, evidence and platform tasks."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from torget.archive.selectors import record_thread
from torget.channels.models import mark_name_clashes
from torget.organisations.access import RoleRequired
from torget.organisations.decorators import person_required
from torget.organisations.models import Person, Role
from torget.organisations.services import audit_record
from torget.params import form_id
from torget.personal_data import policy
from torget.refusals import Refusal

from . import evidence as evidence_files
from . import selectors, services
from .models import Action, Finding, PlatformTask, Reason, ReviewItem
from .notices import removal_notice

EVIDENCE_READERS = (
    Role.SECURITY_OFFICER,
    Role.REGISTRAR,
    Role.ARCHIVIST,
    Role.ORG_ADMIN,
    Role.AUDITOR,
)


_id = form_id  # a form's id, or 0 (which matches nothing): torget/params.py


def _check_looker(person: Person) -> None:
    if not (person.has_role(*services.SUPERVISORS) or person.administered_channels.exists()):
        raise RoleRequired(
            _("Supervision is for channel administrators, communicators and security officers.")
        )


@require_GET
@person_required
def overview(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_looker(person)
    tasks = list(selectors.open_tasks(person=person))
    alarms = list(selectors.recent_alarms(person=person))
    mark_name_clashes(
        [task.decision.record.channel for task in tasks] + [alarm.channel for alarm in alarms]
    )
    return render(
        request,
        "supervision/overview.html",
        {
            "rows": selectors.overview(person=person),
            "tasks": tasks,
            "alarms": alarms,
            "queue_size": selectors.queue(person=person).count(),
            "now": timezone.now(),
        },
    )


@person_required
def channel_pass(request: HttpRequest, slug: str) -> HttpResponse:
    person = request.person
    channel = selectors.channel_get(person=person, slug=slug)
    last = channel.supervision_passes.order_by("-at").first()
    records = selectors.pass_records(channel=channel, since=last.at if last else None)
    if request.method == "POST":
        services.pass_record(
            person=person,
            channel=channel,
            records_seen=len(records),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The supervision pass is recorded."))
        return HttpResponseRedirect(reverse("supervision"))
    flagged = set(Finding.objects.filter(record__in=records).values_list("record_id", flat=True))
    return render(
        request,
        "supervision/pass.html",
        {
            "channel": channel,
            "last": last,
            "records": records,
            "flagged": flagged,
            "status": services.day_status(channel, timezone.now()),
            "may_see_personal_data": policy.sees_whole(person),
        },
    )


@require_GET
@person_required
def review_queue(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_looker(person)
    channels = selectors.supervised_channels(person=person)
    channel = channels.filter(slug=request.GET.get("channel", "")).first()
    items = list(selectors.queue(person=person, channel=channel)[:200])
    mark_name_clashes([item.channel for item in items])
    return render(
        request,
        "supervision/queue.html",
        {
            "items": items,
            "may_see_personal_data": policy.sees_whole(person),
            "channels": channels,
            "channel": channel,
            "people": Person.objects.filter(
                organisation_id=person.organisation_id, user__is_active=True
            ).order_by("name"),
        },
    )


@require_POST
@person_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    item = get_object_or_404(ReviewItem, organisation_id=person.organisation_id, pk=pk)
    assignee = None
    if request.POST.get("person"):
        assignee = get_object_or_404(
            Person, organisation_id=person.organisation_id, pk=_id(request.POST["person"])
        )
    services.item_assign(person=person, item=item, assignee=assignee)
    messages.success(request, _("Assigned."))
    return HttpResponseRedirect(reverse("supervision_queue"))


def _record_page(request, record, reveal=None, status=200, posted=None) -> HttpResponse:
    """The record under review. `posted`: a refused decision's values, shown again."""
    person = request.person
    if not services.may_supervise(person, record.channel) and not person.has_role(
        *EVIDENCE_READERS
    ):
        raise RoleRequired(_("You do not supervise this channel."))
    findings = selectors.findings_for(record)
    decisions = list(record.decisions.select_related("decided_by", "task", "replaces"))
    current = services.current_decision(record)
    # The decision form starts from what was typed, else from the decision in force, so a
    # new decision right after a removal does not silently default to "keep".
    chosen = {
        "action": (posted or {}).get("action") or (current.action if current else Action.KEEP),
        "reason": (posted or {}).get("reason") or (current.reason if current else ""),
        "note": (posted or {}).get("note", ""),
    }
    notice = {}
    if current is not None and current.action in (Action.REMOVE, Action.REMOVE_AND_BLOCK):
        for language in ("sv", "en"):
            notice[language] = removal_notice(
                language=language,
                reason=current.reason,
                name=record.author_name.split()[0] if record.author_name else "",
                channel=record.channel.name,
                rules=record.channel.url or record.channel.address,
            )
    return render(
        request,
        "supervision/record.html",
        {
            "record": record,
            "segments": selectors.segments(
                record.text, findings, reveal, plain=policy.text_for(person)
            ),
            "findings": findings,
            "reveal": reveal or {},
            "may_unmask": policy.sees_whole(person),
            "may_decide": services.may_supervise(person, record.channel),
            "decisions": decisions,
            "current": current,
            "evidence": record.evidence.all(),
            "may_read_evidence": person.has_role(*EVIDENCE_READERS)
            or services.may_supervise(person, record.channel),
            "thread": record_thread(record=record, limit=100),
            "actions": Action.choices,
            "reasons": Reason.choices,
            "notice": notice,
            "chosen": chosen,
        },
        status=status,
    )


@require_GET
@person_required
def record_review(request: HttpRequest, record_pk: int) -> HttpResponse:
    record = selectors.record_get(person=request.person, pk=record_pk)
    return _record_page(request, record)


@require_POST
@person_required
def finding_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    finding = get_object_or_404(Finding, organisation_id=request.person.organisation_id, pk=pk)
    value = services.finding_value(person=request.person, finding=finding)
    return _record_page(request, finding.record, reveal={finding.pk: value})


@require_POST
@person_required
def record_decide(request: HttpRequest, record_pk: int) -> HttpResponse:
    person = request.person
    record = selectors.record_get(person=person, pk=record_pk)
    try:
        decision = services.decide(
            person=person,
            record=record,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except Refusal as refusal:
        messages.error(request, refusal.sentence)
        return _record_page(request, record, status=refusal.status, posted=request.POST)
    else:
        if decision.action in (Action.REMOVE, Action.REMOVE_AND_BLOCK):
            messages.success(
                request,
                _(
                    "The evidence is kept and the record is marked removed "
                    "by us. Now remove it on the platform."
                ),
            )
        else:
            messages.success(request, _("The decision is recorded."))
    return HttpResponseRedirect(reverse("supervision_record", args=[record.pk]))


@require_POST
@person_required
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    task = get_object_or_404(PlatformTask, decision__organisation_id=person.organisation_id, pk=pk)
    try:
        services.task_done(person=person, task=task)
        messages.success(request, _("Confirmed as done on the platform."))
    except Refusal as refusal:
        messages.error(request, refusal.sentence)
    return HttpResponseRedirect(reverse("supervision_record", args=[task.decision.record_id]))


@require_GET
@person_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    from django.conf import settings

    person = request.person
    kept = selectors.evidence_get(person=person, pk=pk)
    if not (
        person.has_role(*EVIDENCE_READERS) or services.may_supervise(person, kept.record.channel)
    ):
        raise PermissionDenied
    if not kept.content_kept or not kept.path:
        raise Http404("Only the hash and the facts were kept.")
    path = settings.DATA_DIR / kept.path
    if not policy.sees_whole(person):
        # The evidence stays whole; this person is given a masked rendering of it.
        data = evidence_files.render_masked_copy(kept, for_name=person.name)
        audit_record(
            organisation=person.organisation,
            actor=person,
            action="evidence.opened_masked",
            target=kept,
            note="masked copy",
        )
        response = HttpResponse(data, content_type="application/pdf")
        name = path.name.removesuffix(".pdf") + "-maskerad.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    audit_record(
        organisation=person.organisation, actor=person, action="evidence.opened", target=kept
    )
    return FileResponse(
        path.open("rb"), content_type="application/pdf", filename=path.name, as_attachment=False
    )


@person_required
def watch_list(request: HttpRequest) -> HttpResponse:
    from .models import WatchEntry

    person = request.person
    if not person.has_role(*services.WATCHERS):
        raise RoleRequired(
            _(
                "Only security officers, communicators and organisation "
                "administrators keep the watch list."
            )
        )
    channels = selectors.supervised_channels(person=person)
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                entry = get_object_or_404(
                    WatchEntry,
                    organisation_id=person.organisation_id,
                    pk=_id(request.POST["remove"]),
                )
                services.watch_remove(person=person, entry=entry)
                messages.success(request, _("Removed from the watch list."))
            else:
                services.watch_add(
                    person=person,
                    value=request.POST.get("value", ""),
                    channel_slug=request.POST.get("channel", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request, _("Added. New and edited records are watched for it from now on.")
                )
        except Refusal as refusal:
            messages.error(request, refusal.sentence)
            posted, status = request.POST, refusal.status
        else:
            return HttpResponseRedirect(reverse("supervision_watch"))
    else:
        posted, status = {}, 200
    return render(
        request,
        "supervision/watch.html",
        {
            "entries": WatchEntry.objects.filter(
                organisation_id=person.organisation_id
            ).select_related("channel", "created_by"),
            "channels": channels,
            "posted": posted,
        },
        status=status,
    )
