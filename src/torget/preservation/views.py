"""The archivist's pages: snapshots with their status, size and validation results; taking
one by hand; and the way to disposal rules, runs and holds."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from torget.archive.models import Record
from torget.channels.models import Channel, Status, mark_name_clashes
from torget.organisations.access import RoleRequired
from torget.organisations.decorators import person_required
from torget.organisations.models import Person
from torget.refusals import FORBIDDEN

from .models import Snapshot
from .package import PackageError, Period
from .services import TAKERS, VIEWERS, SnapshotRefused, request_snapshot
from .tasks import build_snapshot


def _check_viewer(person: Person) -> None:
    if not person.has_role(*VIEWERS):
        raise RoleRequired(_("Preservation is for archivists, registrars and auditors."))


def _disposal_links() -> list[tuple[str, str]]:
    links = []
    for name, label in (
        ("disposal_index", _("Disposal")),
        ("disposal_rules", _("Disposal rules")),
        ("disposal_holds", _("Legal holds")),
    ):
        try:
            links.append((reverse(name), label))
        except NoReverseMatch:
            continue
    return links


def suggested_period(organisation_id: int, today: datetime.date) -> Period:
    """The form's default: the last half year that ended, or, when the organisation has no
    records in it (a new installation, the demo), this half year up to today."""
    last_half = Period.half_year_before(today)
    start, end = last_half.bounds()
    if Record.objects.filter(
        channel__organisation_id=organisation_id, created_at__gte=start, created_at__lt=end
    ).exists():
        return last_half
    return Period(last_half.end + datetime.timedelta(days=1), today)


@require_GET
@person_required
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


def _overview(request: HttpRequest, *, posted=None, status: int = 200) -> HttpResponse:
    """The snapshots; after a refused snapshot, with the values the person chose."""
    person = request.person
    _check_viewer(person)
    snapshots = list(
        Snapshot.objects.filter(organisation=person.organisation)
        .select_related("channel", "requested_by")
        .order_by("-requested_at", "-id")[:200]
    )
    mark_name_clashes([snapshot.channel for snapshot in snapshots])
    channels = (
        Channel.objects.filter(
            organisation=person.organisation,
            status__in=[Status.ACTIVE, Status.PAUSED, Status.CLOSED],
        )
        .with_name_clash()
        .order_by("name")
    )
    suggested = suggested_period(person.organisation_id, timezone.localdate())
    return render(
        request,
        "preservation/overview.html",
        {
            "snapshots": snapshots,
            "channels": channels,
            "may_take": person.has_role(*TAKERS),
            "suggested": suggested,
            "disposal_links": _disposal_links(),
            "posted": posted or {},
        },
        status=status,
    )


@require_GET
@person_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = request.person
    _check_viewer(person)
    snapshot = get_object_or_404(
        Snapshot.objects.select_related("channel", "requested_by"),
        pk=pk,
        organisation=person.organisation,
    )
    return render(request, "preservation/detail.html", {"snapshot": snapshot})


@require_POST
@person_required
def take(request: HttpRequest) -> HttpResponse:
    person = request.person
    _check_viewer(person)
    channel = get_object_or_404(
        Channel, organisation=person.organisation, slug=request.POST.get("channel", "")
    )
    try:
        period = Period.of(request.POST.get("start", ""), request.POST.get("end", ""))
        snapshot = request_snapshot(person=person, channel=channel, period=period)
    except (PackageError, SnapshotRefused) as refusal:
        if refusal.status == FORBIDDEN:
            raise
        messages.error(request, refusal.sentence)
        return _overview(request, posted=request.POST, status=refusal.status)
    build_snapshot.enqueue(snapshot.pk)
    messages.success(
        request,
        _("The snapshot is being made in the background. This page shows when it is done."),
    )
    return HttpResponseRedirect(reverse("preservation_snapshot", args=[snapshot.pk]))
