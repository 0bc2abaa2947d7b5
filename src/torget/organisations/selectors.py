"""Reads for organisations, always scoped to the acting person's organisation."""

import datetime

from django.db.models import QuerySet
from django.http import Http404

from .access import check_role
from .models import ApiToken, AuditEvent, Person, Role, Unit

AUDIT_READERS = (Role.AUDITOR, Role.ORG_ADMIN)


def audit_events_list(
    *,
    person: Person,
    action: str = "",
    actor_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    check_role(person, AUDIT_READERS)
    events = AuditEvent.objects.filter(organisation=person.organisation).select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


def units_list(*, person: Person) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation=person.organisation)


def people_list(*, person: Person, role: str = "") -> QuerySet[Person]:
    people = Person.objects.filter(organisation=person.organisation, user__is_active=True)
    if role:
        people = people.filter(role_assignments__role=role)
    return people.distinct()


def people_admin_list(*, person: Person) -> QuerySet[Person]:
    check_role(person, (Role.ORG_ADMIN,))
    return (
        Person.objects.filter(organisation_id=person.organisation_id)
        .select_related("user", "unit")
        .prefetch_related("role_assignments")
        .order_by("-user__is_active", "name")
    )


def person_get(*, person: Person, pk: int) -> Person:
    check_role(person, (Role.ORG_ADMIN,))
    try:
        return Person.objects.select_related("user", "unit").get(
            organisation_id=person.organisation_id, pk=pk
        )
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


def api_tokens_list(*, person: Person, everyone: bool = False) -> QuerySet[ApiToken]:
    """The person's own API tokens; with `everyone`, every token in the organisation (only
    for organisation administrators). Newest first; revoked ones stay listed."""
    tokens = ApiToken.objects.select_related("person")
    if everyone:
        check_role(person, (Role.ORG_ADMIN,))
        tokens = tokens.filter(person__organisation_id=person.organisation_id)
    else:
        tokens = tokens.filter(person=person)
    return tokens.order_by("-created_at", "-id")


def api_token_get(*, person: Person, pk: int) -> ApiToken:
    """A token the person may act on: their own, or (administrators) any in the
    organisation; 404 for anything else, so ids cannot be guessed."""
    tokens = ApiToken.objects.select_related("person").filter(
        person__organisation_id=person.organisation_id
    )
    if not person.has_role(Role.ORG_ADMIN):
        tokens = tokens.filter(person=person)
    token = tokens.filter(pk=pk).first()
    if token is None:
        raise Http404("No such API token.")
    return token
