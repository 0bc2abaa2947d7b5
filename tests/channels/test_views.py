"""The register's pages: scoping by organisation, roles, clear messages, nothing half-saved."""

import pytest
from django.urls import reverse

from tests.factories import channel_fields, channel_in
from torget.channels.models import Channel, Status
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form_data(world, **overrides) -> dict:
    fields = channel_fields(world, **overrides)
    data = {key: getattr(value, "pk", value) for key, value in fields.items()}
    data.update({"posting_goal": 3, "posting_period": "week", "comment_policy": "open"})
    data["administrators"] = [world.channel_admin.pk]
    return data


def test_pages_need_a_login(client, world):
    channel = channel_in(world, "active")
    for url in [
        reverse("dashboard"),
        reverse("register"),
        reverse("channel_detail", args=[channel.slug]),
        reverse("audit_log"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_another_organisations_channel_is_not_found(client_as, world, other_world):
    theirs = channel_in(other_world, "proposed")
    client = client_as(world.communicator)
    for url in [
        reverse("channel_detail", args=[theirs.slug]),
        reverse("channel_edit", args=[theirs.slug]),
    ]:
        assert client.get(url).status_code == 404
    response = client.post(reverse("channel_step", args=[theirs.slug, "approve"]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.PROPOSED
    # Even with the same slug, a person only ever reaches their own organisation's channel.
    assert client.get(reverse("register")).context["channels"].count() == 0


def test_a_step_by_the_wrong_role_is_forbidden_and_says_who_may(client_as, world):
    channel = channel_in(world, "proposed")
    response = client_as(world.channel_admin).post(
        reverse("channel_step", args=[channel.slug, "approve"])
    )
    assert response.status_code == 403
    assert "kommunikatör" in response.content.decode()
    channel.refresh_from_db()
    assert channel.status == Status.PROPOSED


def test_the_right_role_takes_the_step(client_as, world):
    channel = channel_in(world, "proposed")
    response = client_as(world.communicator).post(
        reverse("channel_step", args=[channel.slug, "approve"]), {"approve-comment": "Bra."}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == Status.RISK_ASSESSMENT
    assert AuditEvent.objects.filter(action="channel.approve", actor=world.communicator).exists()


def test_a_refused_transition_says_why(client_as, world):
    channel = channel_in(world, "preparing")
    response = client_as(world.channel_admin).post(
        reverse("channel_step", args=[channel.slug, "launch"])
    )
    assert response.status_code == 409
    assert "Checklistan inför lansering är inte klar" in response.content.decode()


def test_a_missing_reason_is_asked_for(client_as, world):
    channel = channel_in(world, "active")
    response = client_as(world.manager).post(
        reverse("channel_step", args=[channel.slug, "pause"]), {"pause-comment": ""}
    )
    assert response.status_code == 400
    channel.refresh_from_db()
    assert channel.status == Status.ACTIVE


def test_proposal_form_errors_are_in_swedish_and_nothing_is_saved(client_as, world):
    data = _form_data(world, name="", comment_policy="closed")
    data["comment_policy"] = "closed"
    data["hours_per_week"] = "många"
    response = client_as(world.channel_admin).post(reverse("channel_propose"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Detta fält måste fyllas i." in html
    assert "Fyll i ett tal." in html
    assert "Förklara varför kommentarerna är begränsade eller stängda" in html
    assert not Channel.objects.exists()


def test_proposal_form_errors_in_english_when_chosen(client_as, world):
    client = client_as(world.channel_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("channel_propose"), _form_data(world, name=""))
    assert "This field is required." in response.content.decode()
    assert response.headers["Content-Language"] == "en"


def test_swedish_is_the_default_whatever_the_browser_asks(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "sv"
    assert "Logga in" in response.content.decode()


def test_a_valid_proposal_is_saved_and_audited(client_as, world):
    response = client_as(world.channel_admin).post(
        reverse("channel_propose"), _form_data(world, name="Biblioteket")
    )
    channel = Channel.objects.get(name="Biblioteket")
    assert response.status_code == 302 and channel.slug in response["Location"]
    assert channel.status == Status.PROPOSED and channel.proposed_by == world.channel_admin
    assert list(channel.administrators.all()) == [world.channel_admin]
    assert AuditEvent.objects.filter(action="channel.propose", object_id=str(channel.pk)).exists()


def test_a_role_without_proposal_rights_cannot_open_the_form(client_as, world):
    assert client_as(world.auditor).get(reverse("channel_propose")).status_code == 403


def test_risk_assessment_through_the_page(client_as, world):
    channel = channel_in(world, "risk_assessment")
    client = client_as(world.security)
    response = client.post(
        reverse("channel_assess_risk", args=[channel.slug]),
        {"assessment": "Bedömt.", "benefit_outweighs_risk": "yes", "special_reasons": ""},
    )
    assert response.status_code == 400
    assert channel.risk_assessments.count() == 0
    response = client.post(
        reverse("channel_assess_risk", args=[channel.slug]),
        {"assessment": "Bedömt.", "benefit_outweighs_risk": "yes", "special_reasons": "Unga."},
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.status == Status.DECISION


def test_detail_shows_only_the_steps_the_person_may_take(client_as, world):
    channel = channel_in(world, "decision")
    manager_page = client_as(world.manager).get(reverse("channel_detail", args=[channel.slug]))
    assert {step.action for step, _form in manager_page.context["step_forms"]} == {"open", "reject"}
    other = client_as(world.other_manager).get(reverse("channel_detail", args=[channel.slug]))
    assert other.context["step_forms"] == []


def test_dashboard_lists_what_awaits_the_person(client_as, world):
    channel = channel_in(world, "proposed")
    response = client_as(world.communicator).get(reverse("dashboard"))
    assert [c for c, _steps in response.context["awaiting"]] == [channel]
    assert response.context["total"] == 1


def test_audit_log_is_for_auditors_and_admins(client_as, world):
    channel_in(world, "active")
    assert client_as(world.communicator).get(reverse("audit_log")).status_code == 403
    response = client_as(world.auditor).get(reverse("audit_log"), {"action": "channel."})
    assert response.status_code == 200
    actions = {event.action for event in response.context["page"]}
    assert {"channel.propose", "channel.launch"} <= actions


def test_audit_log_shows_only_the_own_organisation(client_as, world, other_world):
    channel_in(other_world, "active")
    response = client_as(world.auditor).get(reverse("audit_log"))
    assert all(event.organisation_id == world.organisation.pk for event in response.context["page"])
