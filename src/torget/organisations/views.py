"""The audit log, and the organisation administrator's pages for people, roles and units."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from torget.params import form_id, parse_date, parse_id

from . import selectors, services
from .decorators import person_required
from .forms import EditPersonForm, NewPersonForm, UnitForm, attach_domain_errors
from .models import Role
from .selectors import audit_events_list, people_list


@person_required
def audit_log(request: HttpRequest) -> HttpResponse:
    params = request.GET
    actor = params.get("actor", "")
    events = audit_events_list(
        person=request.person,
        action=params.get("action", "").strip(),
        actor_id=parse_id(actor),
        object_type=params.get("object_type", "").strip(),
        object_id=params.get("object_id", "").strip(),
        since=parse_date(params.get("since")),
        until=parse_date(params.get("until")),
    )
    page = Paginator(events, 50).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/audit_log.html",
        {
            "page": page,
            "people": people_list(person=request.person),
            "params": params,
            "query": query.urlencode(),
        },
    )


@person_required
def people(request: HttpRequest) -> HttpResponse:
    unit_form = UnitForm(request.POST or None)
    if request.method == "POST" and unit_form.is_valid():
        try:
            services.unit_create(actor=request.person, name=unit_form.cleaned_data["name"])
        except ValidationError as error:
            attach_domain_errors(unit_form, error)
        else:
            messages.success(request, _("The unit was added."))
            return redirect("people")
    return render(
        request,
        "organisations/people.html",
        {
            "people": selectors.people_admin_list(person=request.person),
            "units": selectors.units_list(person=request.person),
            "unit_form": unit_form,
        },
        status=400 if unit_form.errors else 200,
    )


@person_required
def person_new(request: HttpRequest) -> HttpResponse:
    selectors.people_admin_list(person=request.person)  # the role check
    form = NewPersonForm(request.POST or None, organisation=request.person.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(actor=request.person, **form.cleaned_data)
        except ValidationError as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The person was added."))
            return redirect("people")
    return render(request, "organisations/person_form.html", {"form": form, "new": True})


@person_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = selectors.person_get(person=request.person, pk=pk)
    form = EditPersonForm.for_person(subject, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.person, person=subject, **form.cleaned_data)
        except ValidationError as error:
            attach_domain_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people")
    return render(request, "organisations/person_form.html", {"form": form, "subject": subject})


@person_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A person's own API keys (name, created, last used; revoke), and for organisation
    administrators everyone's in the organisation."""
    person = request.person
    if request.method == "POST":
        raw = request.POST.get("revoke", "")
        token = selectors.api_token_get(person=person, pk=form_id(raw))
        try:
            services.api_token_revoke(actor=person, token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The key “%(name)s” was revoked. It no longer opens the API.")
                % {"name": token.name},
            )
        return redirect("api_tokens")
    is_admin = person.has_role(Role.ORG_ADMIN)
    return render(
        request,
        "organisations/api_tokens.html",
        {
            "own": selectors.api_tokens_list(person=person),
            "everyone": selectors.api_tokens_list(person=person, everyone=True)
            if is_admin
            else None,
        },
    )
