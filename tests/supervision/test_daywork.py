"""A day at work (issue 17) in supervision: a refused decision keeps what was chosen and
typed, the form starts from the decision in force, findings are named for people, and the
alarm writes hours with a decimal comma."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import captured, channel_in, ingest
from torget.archive.models import Record, State
from torget.supervision.models import SupervisionAlarm

pytestmark = pytest.mark.django_db
NUMBER = "20000101-2384"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def record(world):
    channel = channel_in(world, "active")
    ingest(channel, [captured("c1", f"Mitt personnummer: {NUMBER}. Kan ni hjälpa mig?")])
    return Record.objects.get(platform_id="c1")


def _checked_action(page: str) -> str:
    return re.search(r'name="action" value="(\w+)" checked', page).group(1)


def test_a_refused_decision_keeps_the_choice_and_the_note(client_as, world, record):
    client = client_as(world.security)
    response = client.post(
        reverse("supervision_decide", args=[record.pk]),
        {"action": "remove", "reason": "", "note": "Personnummer i klartext, ring kunden."},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert _checked_action(page) == "remove"
    assert "Personnummer i klartext, ring kunden." in page
    assert Record.objects.get(pk=record.pk).state != State.REMOVED


def test_after_a_removal_the_form_starts_from_the_removal_not_keep(client_as, world, record):
    client = client_as(world.security)
    client.post(
        reverse("supervision_decide", args=[record.pk]),
        {"action": "remove", "reason": "personal_data", "note": ""},
    )
    assert Record.objects.get(pk=record.pk).state == State.REMOVED
    page = client.get(reverse("supervision_record", args=[record.pk])).content.decode()
    assert _checked_action(page) == "remove"
    assert '<option value="personal_data" selected>' in page


def test_findings_are_named_for_people(client_as, world, record):
    page = client_as(world.security).get(reverse("supervision_record", args=[record.pk]))
    page = page.content.decode()
    assert "se_personnummer" not in page
    assert "Svenskt personnummer" in page
    assert "Träffsäkerhet" in page and "Säkerhet</th>" not in page
    assert re.search(r"<td>\d{1,3} %</td>", page)


def test_the_gap_alarm_and_its_mail_write_hours_with_a_decimal_comma(world):
    from torget.supervision import services
    from torget.supervision.models import SupervisionPass

    channel = channel_in(world, "active")
    world.channel_admin.email = "sidansvarig@exempla.se"
    world.channel_admin.save()
    SupervisionPass.objects.create(
        organisation=world.organisation,
        channel=channel,
        person=world.communicator,
        at=datetime.datetime(2026, 3, 11, 8, 5, tzinfo=STOCKHOLM),
    )
    services.supervision_alarms(datetime.datetime(2026, 3, 11, 13, 59, tzinfo=STOCKHOLM))
    alarm = SupervisionAlarm.objects.get(kind="gap")
    assert "5,9 timmar" in alarm.detail
    message = mail.outbox[-1]
    assert channel.label in message.subject and "5,9 timmar" in message.body
    assert "http://" in message.body and "/tillsyn/kanal/" in message.body


def test_a_refused_watch_list_entry_keeps_what_was_typed(client_as, world, record):
    response = client_as(world.security).post(
        reverse("supervision_watch"),
        {"value": "re:(obalanserad", "channel": record.channel.slug, "note": "Rykte om stängning"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="re:(obalanserad"' in page and 'value="Rykte om stängning"' in page
    assert f'value="{record.channel.slug}" selected' in page
    long = client_as(world.security).post(
        reverse("supervision_watch"), {"value": "bygglov", "note": "x" * 301}
    )
    assert long.status_code == 409 and "högst 300 tecken" in long.content.decode()


def test_a_refused_snapshot_keeps_the_channel_and_the_dates(client_as, world, record):
    response = client_as(world.archivist).post(
        reverse("preservation_take"),
        {"channel": record.channel.slug, "start": "2026-06-30", "end": "2026-01-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="2026-06-30"' in page and 'value="2026-01-01"' in page
    assert f'value="{record.channel.slug}" selected' in page
