"""API keys can be revoked: by their owner on their own page, by an organisation
administrator for anyone in the organisation, and at the command line. A revoked key gives
401 from then on, and every revocation is in the audit log."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from torget.organisations.models import ApiToken, AuditEvent
from torget.organisations.services import api_token_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _api(client, secret: str) -> int:
    return client.get("/api/channels", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code


def test_a_person_lists_and_revokes_their_own_key(client, client_as, world):
    token, secret = api_token_create(person=world.auditor, name="Intranätet")
    other, _secret = api_token_create(person=world.communicator, name="Someone else's")
    assert _api(client, secret) == 200
    page = client_as(world.auditor).get(reverse("api_tokens"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Intranätet" in html and f"tg_{token.prefix}_" in html
    assert "Someone else" not in html  # only one's own, unless an administrator
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert f"{token.last_used_at:%Y-%m-%d}" in html

    response = client_as(world.auditor).post(
        reverse("api_tokens"), {"revoke": token.pk}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert _api(client, secret) == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == world.auditor and event.object_id == str(token.pk)
    # A second revocation says so and changes nothing.
    response = client_as(world.auditor).post(
        reverse("api_tokens"), {"revoke": token.pk}, follow=True
    )
    # The interface speaks Swedish first.
    assert "Nyckeln är redan återkallad." in [str(m) for m in response.context["messages"]]
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    other.refresh_from_db()
    assert other.revoked_at is None


def test_no_one_revokes_another_persons_key_but_an_administrator(
    client, client_as, world, other_world
):
    token, secret = api_token_create(person=world.auditor, name="Intranätet")
    for intruder in (world.communicator, other_world.admin):
        response = client_as(intruder).post(reverse("api_tokens"), {"revoke": token.pk})
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    page = client_as(world.admin).get(reverse("api_tokens")).content.decode()
    assert "Intranätet" in page and world.auditor.name in page
    assert client_as(world.admin).get(reverse("api_tokens")).status_code == 200
    client_as(world.admin).post(reverse("api_tokens"), {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.get(action="api_token.revoke").actor == world.admin
    client.logout()
    assert _api(client, secret) == 401


def test_the_command_lists_and_revokes(client, world):
    token, secret = api_token_create(person=world.auditor, name="Intranätet")
    username = world.auditor.user.username
    out = StringIO()
    call_command("apitoken", username, "--list", stdout=out)
    assert f"{token.prefix}\tIntranätet\t" in out.getvalue() and "active" in out.getvalue()
    out = StringIO()
    call_command("apitoken", "--revoke", f"tg_{token.prefix}", stdout=out)
    assert f"Revoked {token.prefix} (Intranätet)" in out.getvalue()
    assert _api(client, secret) == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor is None and "--revoke" in event.note
    with pytest.raises(CommandError, match="already revoked"):
        call_command("apitoken", "--revoke", token.prefix)
    with pytest.raises(CommandError, match="No API token begins with"):
        call_command("apitoken", "--revoke", "00000000")
    out = StringIO()
    call_command("apitoken", username, "--list", stdout=out)
    assert "revoked" in out.getvalue()
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "x"])
def test_a_revoke_of_no_token_is_404_not_500(client_as, world, value):
    """What is posted as the token's id is read as an id or matches nothing: never a 500."""
    response = client_as(world.communicator).post("/api-nycklar/", {"revoke": value})
    assert response.status_code == 404
