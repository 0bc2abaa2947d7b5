"""The channel lifecycle in the domain layer: who may take which step, when, and what is kept."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import channel_fields, channel_in
from torget.channels import services
from torget.channels.lifecycle import STEPS, TransitionRefused, steps_for
from torget.channels.models import Channel, ChannelTransition, Status
from torget.organisations.access import RoleRequired
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db

# Who is allowed each step, in the test world (attribute names of World).
ALLOWED = {
    "approve": {"communicator"},
    "send_back": {"communicator"},
    "open": {"manager"},
    "reject": {"manager"},
    "launch": {"channel_admin", "communicator"},
    "pause": {"manager", "other_manager", "communicator", "security"},
    "resume": {"manager"},
    "close": {"manager"},
    "resubmit": {"channel_admin", "communicator", "manager"},
}
SOURCE = {
    "approve": "proposed",
    "send_back": "proposed",
    "open": "decision",
    "reject": "decision",
    "launch": "preparing",
    "pause": "active",
    "resume": "paused",
    "close": "active",
    "resubmit": "returned",
}
PEOPLE = [
    "admin",
    "manager",
    "other_manager",
    "communicator",
    "channel_admin",
    "registrar",
    "archivist",
    "security",
    "auditor",
]


def test_full_walk_records_every_step_and_audits_it(world):
    channel = channel_in(world, "closed")
    actions = list(channel.transitions.values_list("action", "to_status"))
    assert actions == [
        ("propose", "proposed"),
        ("approve", "risk_assessment"),
        ("assess_risk", "decision"),
        ("open", "preparing"),
        ("launch", "active"),
        ("close", "closed"),
    ]
    audited = list(
        AuditEvent.objects.filter(object_type="channels.channel", object_id=str(channel.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert audited == [
        "channel.propose",
        "channel.approve",
        "channel.assess_risk",
        "channel.open",
        "channel.checklist",
        "channel.launch",
        "channel.close",
    ]
    close = AuditEvent.objects.get(action="channel.close", object_id=str(channel.pk))
    assert close.before["status"] == "active" and close.after["status"] == "closed"
    assert close.actor == world.manager and close.note == "Behovet finns inte längre."
    assert channel.closed_at is not None and channel.next_review_due is not None


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_allowed_roles_take_each_step(world, action, who):
    channel = channel_in(world, SOURCE[action])
    if action == "launch":
        services.channel_checklist_update(
            person=world.channel_admin,
            channel=channel,
            has_profile_picture=True,
            has_description=True,
            has_page_rules=True,
            is_listed_publicly=True,
        )
    person = getattr(world, who)
    before = AuditEvent.objects.count()
    comment = "Ett skäl." if STEPS[action].needs_comment else ""
    if who in ALLOWED[action]:
        moved = services.channel_step(
            person=person, channel=channel, action=action, comment=comment
        )
        assert moved.status == STEPS[action].target
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(RoleRequired):
            services.channel_step(person=person, channel=channel, action=action, comment=comment)
        channel.refresh_from_db()
        assert channel.status == SOURCE[action]
        assert AuditEvent.objects.count() == before


def test_steps_for_matches_the_role_table(world):
    channel = channel_in(world, "proposed")
    assert {s.action for s in steps_for(world.communicator, channel)} == {"approve", "send_back"}
    assert steps_for(world.manager, channel) == []
    assert steps_for(world.auditor, channel) == []


def test_a_step_from_the_wrong_state_is_refused_with_the_reason(world):
    channel = channel_in(world, "proposed")
    with pytest.raises(TransitionRefused) as refused:
        services.channel_step(person=world.channel_admin, channel=channel, action="launch")
    assert "proposed" in refused.value.message.lower() or "föreslagen" in refused.value.message
    assert (
        "preparing launch" in refused.value.message.lower()
        or "förbereder" in refused.value.message.lower()
    )
    channel.refresh_from_db()
    assert channel.status == Status.PROPOSED
    assert channel.transitions.count() == 1


def test_only_the_responsible_manager_decides(world):
    channel = channel_in(world, "decision")
    with pytest.raises(RoleRequired) as refused:
        services.channel_step(person=world.other_manager, channel=channel, action="open")
    assert world.manager.name in refused.value.message


def test_cannot_open_when_the_risk_outweighs_the_benefit(world):
    channel = channel_in(world, "risk_assessment")
    services.channel_assess_risk(
        person=world.security,
        channel=channel,
        assessment="Appen samlar in för mycket.",
        benefit_outweighs_risk=False,
    )
    with pytest.raises(TransitionRefused, match="risk"):
        services.channel_step(person=world.manager, channel=channel, action="open")
    # A new assessment with special reasons makes the decision possible.
    services.channel_assess_risk(
        person=world.security,
        channel=channel,
        assessment="Separat telefon.",
        benefit_outweighs_risk=True,
        special_reasons="Unga nås bara där.",
    )
    assert (
        services.channel_step(person=world.manager, channel=channel, action="open").status
        == Status.PREPARING
    )


def test_benefit_without_special_reasons_is_invalid(world):
    channel = channel_in(world, "risk_assessment")
    with pytest.raises(ValidationError) as error:
        services.channel_assess_risk(
            person=world.security,
            channel=channel,
            assessment="Bedömd.",
            benefit_outweighs_risk=True,
        )
    assert "special_reasons" in error.value.message_dict
    assert channel.risk_assessments.count() == 0


def test_launch_needs_the_whole_checklist(world):
    channel = channel_in(world, "preparing")
    services.channel_checklist_update(
        person=world.channel_admin, channel=channel, has_profile_picture=True, has_description=True
    )
    with pytest.raises(TransitionRefused, match=r"(?i)checklist"):
        services.channel_step(person=world.channel_admin, channel=channel, action="launch")
    assert Channel.objects.get(pk=channel.pk).status == Status.PREPARING


def test_pause_needs_a_reason_and_saves_nothing_without_one(world):
    channel = channel_in(world, "active")
    transitions = channel.transitions.count()
    with pytest.raises(TransitionRefused):
        services.channel_step(person=world.security, channel=channel, action="pause", comment="   ")
    channel.refresh_from_db()
    assert channel.status == Status.ACTIVE and channel.pause_reason == ""
    assert channel.transitions.count() == transitions


def test_pause_and_resume_keep_the_reason_in_history(world):
    channel = channel_in(world, "active")
    services.channel_step(
        person=world.security, channel=channel, action="pause", comment="Säkerhetsrisker ses över."
    )
    channel.refresh_from_db()
    assert channel.pause_reason == "Säkerhetsrisker ses över."
    services.channel_step(person=world.manager, channel=channel, action="resume")
    channel.refresh_from_db()
    assert channel.status == Status.ACTIVE and channel.pause_reason == ""
    assert channel.transitions.filter(action="pause").get().comment == "Säkerhetsrisker ses över."


def test_a_stale_copy_cannot_move_a_channel_twice(world):
    channel = channel_in(world, "active")
    stale = Channel.objects.get(pk=channel.pk)
    services.channel_step(person=world.manager, channel=channel, action="close", comment="Klar.")
    with pytest.raises(TransitionRefused):
        services.channel_step(person=world.manager, channel=stale, action="close", comment="Igen.")
    assert ChannelTransition.objects.filter(channel=channel, action="close").count() == 1


def test_the_database_refuses_impossible_states(world):
    channel = channel_in(world, "active")
    for bad in (
        {"status": "half-open"},
        {"status": "paused", "pause_reason": ""},
        {"status": "closed", "closed_at": None},
        {"next_review_due": None},
        {"comment_policy": "closed", "comment_policy_reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Channel.objects.filter(pk=channel.pk).update(**bad)


def test_nothing_from_another_organisation_can_be_attached(world, other_world):
    with pytest.raises(ValidationError):
        services.channel_propose(
            person=world.channel_admin, fields=channel_fields(world, unit=other_world.unit)
        )
    with pytest.raises(ValidationError):
        services.channel_propose(
            person=world.channel_admin,
            fields=channel_fields(world, responsible_manager=other_world.manager),
        )
    with pytest.raises(ValidationError):
        services.channel_propose(
            person=world.channel_admin,
            fields=channel_fields(world),
            administrators=[other_world.channel_admin],
        )
    assert not Channel.objects.filter(organisation=world.organisation).exists()


def test_closed_comments_need_a_reason(world):
    with pytest.raises(ValidationError) as error:
        services.channel_propose(
            person=world.channel_admin, fields=channel_fields(world, comment_policy="closed")
        )
    assert "comment_policy_reason" in error.value.message_dict


def test_review_continue_sets_the_next_date(world):
    channel = channel_in(world, "active")
    review = services.channel_review_record(
        person=world.communicator,
        channel=channel,
        fulfils_purpose=True,
        has_resources=True,
        outcome="continue",
    )
    channel.refresh_from_db()
    assert channel.next_review_due == review.next_review_due
    assert channel.status == Status.ACTIVE


def test_review_can_pause_and_explains_why(world):
    channel = channel_in(world, "active")
    with pytest.raises(ValidationError):
        services.channel_review_record(
            person=world.communicator,
            channel=channel,
            fulfils_purpose=False,
            has_resources=False,
            outcome="pause",
        )
    services.channel_review_record(
        person=world.communicator,
        channel=channel,
        fulfils_purpose=False,
        has_resources=False,
        outcome="pause",
        notes="Ingen har tid med kanalen.",
    )
    channel.refresh_from_db()
    assert channel.status == Status.PAUSED and channel.pause_reason == "Ingen har tid med kanalen."


def test_review_to_close_needs_the_responsible_manager(world):
    channel = channel_in(world, "active")
    with pytest.raises(RoleRequired):
        services.channel_review_record(
            person=world.communicator,
            channel=channel,
            fulfils_purpose=False,
            has_resources=True,
            outcome="close",
            notes="Syftet är uppfyllt.",
        )
    # The refused closure took the review with it: nothing half-saved.
    assert channel.reviews.count() == 0
    services.channel_review_record(
        person=world.manager,
        channel=channel,
        fulfils_purpose=False,
        has_resources=True,
        outcome="close",
        notes="Syftet är uppfyllt.",
    )
    channel.refresh_from_db()
    assert channel.status == Status.CLOSED


def test_edits_are_audited_with_before_and_after(world):
    channel = channel_in(world, "active")
    services.channel_update(
        person=world.communicator, channel=channel, fields={"purpose": "Nytt syfte."}
    )
    event = AuditEvent.objects.filter(action="channel.update").get()
    assert event.before == {"purpose": "Informera och svara på frågor."}
    assert event.after == {"purpose": "Nytt syfte."}


def test_closed_channels_cannot_be_edited(world):
    channel = channel_in(world, "closed")
    with pytest.raises(RoleRequired):
        services.channel_update(
            person=world.communicator, channel=channel, fields={"purpose": "Ändrat i efterhand."}
        )
