"""The audit log is append-only, in the model and in the database."""

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from torget.organisations.models import AuditEvent, Organisation, Person
from torget.organisations.services import audit_record

pytestmark = pytest.mark.django_db

TABLE = "organisations_auditevent"


def refused(statement: str):
    """The database's own refusal, by its words: anything else (a syntax error, a lock)
    fails the test."""
    words = f"the audit log is append-only: {statement} is refused"
    return pytest.raises(DatabaseError, match=words)


@pytest.fixture
def event(world) -> AuditEvent:
    event = audit_record(organisation=world.organisation, actor=world.admin, action="test.event")
    if connection.vendor == "postgresql":
        # Check the deferred foreign keys of these inserts now, as a commit would; else
        # PostgreSQL refuses a TRUNCATE in this transaction for that reason instead.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return event


def _unchanged(event: AuditEvent) -> None:
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.action, kept.actor_id, kept.organisation_id) == (
        "test.event",
        event.actor_id,
        event.organisation_id,
    )


def test_the_database_refuses_to_change_an_event(event):
    with refused("UPDATE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organisations_auditevent SET action = %s WHERE id = %s", ["forged", event.pk]
        )
    with refused("UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with refused("UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor=None, organisation=None)
    _unchanged(event)


def test_the_database_refuses_to_delete_an_event(event):
    with refused("DELETE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisations_auditevent WHERE id = %s", [event.pk])
    with refused("DELETE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM organisations_auditevent")
    with refused("DELETE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with refused("DELETE"), transaction.atomic():
        AuditEvent.objects.all().delete()
    _unchanged(event)


def test_the_database_refuses_a_flush_of_the_log(event):
    """What `torget flush` would run (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    statements = connection.ops.sql_flush(no_style(), [TABLE])
    verb = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE"
    with refused(verb), transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    _unchanged(event)


def test_postgresql_refuses_truncate(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused above")
    for sql in (
        "TRUNCATE organisations_auditevent",
        "TRUNCATE organisations_auditevent CASCADE",
        "TRUNCATE organisations_person CASCADE",  # would take the log with it
    ):
        with refused("TRUNCATE"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    _unchanged(event)


def test_deleting_an_organisation_or_person_never_takes_the_log_with_it(world, event):
    with pytest.raises(ProtectedError), transaction.atomic():
        Person.objects.filter(pk=world.admin.pk).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Organisation.objects.filter(pk=world.organisation.pk).delete()
    _unchanged(event)
    # In the database too, the log's references cascade nowhere and are never set to NULL.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT confdeltype FROM pg_constraint WHERE contype = 'f' "
                "AND conrelid = %s::regclass",
                [TABLE],
            )
            actions = {row[0] for row in cursor.fetchall()}
        assert actions == {"a"}  # NO ACTION: deleting a referenced row fails
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA foreign_key_list({TABLE})")
            actions = {row[6] for row in cursor.fetchall()}
        assert actions == {"NO ACTION"}


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_be_flushed_afterwards(world):
    """Outside a test transaction the refusal holds too; the suite's flush after this test
    (tests/audit_flush.py) is the only thing that empties the log."""
    event = audit_record(organisation=world.organisation, actor=world.admin, action="test.event")
    with refused("DELETE"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    _unchanged(event)


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
