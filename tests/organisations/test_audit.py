"""The audit log is append-only, in the model and in the database."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from torget.organisations.models import AuditEvent
from torget.organisations.services import audit_record

pytestmark = pytest.mark.django_db


def test_the_database_refuses_to_change_an_event(world):
    event = audit_record(organisation=world.organisation, actor=world.admin, action="test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisations_auditevent SET action = %s WHERE id = %s", ["forged", event.pk]
        )
    event.refresh_from_db()
    assert event.action == "test.event"


def test_the_model_refuses_to_change_or_delete_an_event(world):
    event = audit_record(organisation=world.organisation, actor=world.admin, action="test.event")
    event.action = "forged"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_logins_and_failed_logins_are_logged(client, world):
    client.post(reverse("login"), {"username": world.admin.user.username, "password": "wrong"})
    client.post(
        reverse("login"), {"username": world.admin.user.username, "password": "test-password"}
    )
    actions = list(
        AuditEvent.objects.filter(organisation=world.organisation, action__startswith="auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["auth.login_failed", "auth.login"]


def test_a_wrong_password_gets_a_plain_message(client, world):
    response = client.post(
        reverse("login"), {"username": world.admin.user.username, "password": "wrong"}
    )
    assert "Användarnamnet eller lösenordet är fel" in response.content.decode()
