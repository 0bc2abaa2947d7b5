"""The organisation administrator manages people, roles and units; nobody else can."""

import pytest
from django.urls import reverse

from torget.organisations.models import AuditEvent, Person, Unit

pytestmark = pytest.mark.django_db


def test_only_the_organisation_administrator_sees_people(client_as, world):
    assert client_as(world.communicator).get(reverse("people")).status_code == 403
    response = client_as(world.admin).get(reverse("people"))
    assert response.status_code == 200
    assert {p.pk for p in response.context["people"]} == {p.pk for p in world.everyone()}


def test_another_organisations_person_is_not_found(client_as, world, other_world):
    client = client_as(world.admin)
    url = reverse("person_edit", args=[other_world.communicator.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Kapad", "roles": ["org_admin"], "is_active": "on"})
    assert response.status_code == 404
    other_world.communicator.refresh_from_db()
    assert other_world.communicator.name != "Kapad"


def test_adding_a_person_with_roles_is_audited(client_as, world):
    response = client_as(world.admin).post(
        reverse("person_new"),
        {
            "username": "ny-registrator",
            "password": "Kanelbulle-1987",
            "name": "Nina Ny",
            "title": "registrator",
            "unit": world.unit.pk,
            "roles": ["registrar", "archivist"],
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(user__username="ny-registrator")
    assert person.roles == {"registrar", "archivist"}
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert event.actor == world.admin and event.after["roles"] == ["archivist", "registrar"]


def test_a_weak_password_or_taken_name_is_explained(client_as, world):
    client = client_as(world.admin)
    response = client.post(
        reverse("person_new"),
        {
            "username": world.auditor.user.username,
            "password": "12345678",
            "name": "X",
        },
    )
    html = response.content.decode()
    assert "Användarnamnet är upptaget." in html
    assert not Person.objects.filter(name="X").exists()
    response = client.post(
        reverse("person_new"),
        {
            "username": "ny",
            "password": "12345678",
            "name": "X",
        },
    )
    assert "enbart numeriskt" in response.content.decode()  # Django's own Swedish text


def test_changing_roles_and_access_is_audited(client_as, world):
    client_as(world.admin).post(
        reverse("person_edit", args=[world.auditor.pk]),
        {
            "name": world.auditor.name,
            "title": "revisor",
            "roles": ["auditor", "archivist"],
        },
    )
    world.auditor.refresh_from_db()
    world.auditor.user.refresh_from_db()
    assert world.auditor.roles == {"auditor", "archivist"}
    assert world.auditor.user.is_active is False
    event = AuditEvent.objects.get(action="person.update")
    assert event.before["is_active"] is True and event.after["is_active"] is False
    assert event.after["roles"] == ["archivist", "auditor"]


def test_the_last_administrator_cannot_remove_themselves(client_as, world):
    response = client_as(world.admin).post(
        reverse("person_edit", args=[world.admin.pk]),
        {
            "name": world.admin.name,
            "roles": ["communicator"],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "minst en aktiv organisationsadministratör" in response.content.decode()
    world.admin.refresh_from_db()
    assert "org_admin" in world.admin.roles


def test_units_are_added_once(client_as, world):
    client = client_as(world.admin)
    assert client.post(reverse("people"), {"name": "Miljöförvaltningen"}).status_code == 302
    response = client.post(reverse("people"), {"name": "miljöförvaltningen"})
    assert response.status_code == 400
    assert Unit.objects.filter(organisation=world.organisation).count() == 2
