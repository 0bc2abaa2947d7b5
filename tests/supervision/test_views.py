"""Supervision pages: who sees what, masking, decisions through the form, evidence download."""

import pytest
from django.urls import reverse

from tests.factories import captured, channel_in
from torget.archive.models import Record
from torget.ingest.pipeline import Ingestion
from torget.organisations.models import AuditEvent
from torget.supervision.models import Evidence, ReviewItem, SupervisionPass

pytestmark = pytest.mark.django_db
NUMBER = "20000101-2384"


@pytest.fixture
def record(world):
    channel = channel_in(world, "active")
    with Ingestion(channel=channel, source="test") as ingestion:
        ingestion.add(captured("c1", f"Mitt personnummer: {NUMBER}. Kan ni hjälpa mig?"))
    return Record.objects.get(platform_id="c1")


def test_overview_queue_and_pass(client_as, world, record):
    client = client_as(world.communicator)
    page = client.get(reverse("supervision")).content.decode()
    assert record.channel.name in page and "0 / 3" in page
    queue = client.get(reverse("supervision_queue")).content.decode()
    assert "Personnummer" in queue
    response = client.post(reverse("supervision_pass", args=[record.channel.slug]))
    assert response.status_code == 302
    assert SupervisionPass.objects.get().records_seen == 1
    item = ReviewItem.objects.get()
    client.post(reverse("supervision_assign", args=[item.pk]), {"person": world.security.pk})
    item.refresh_from_db()
    assert item.assigned_to == world.security


def test_the_number_is_masked_and_revealed_only_to_those_who_need_it(client_as, world, record):
    page = (
        client_as(world.communicator)
        .get(reverse("supervision_record", args=[record.pk]))
        .content.decode()
    )
    assert NUMBER not in page and "2384" in page
    finding = record.findings.get(category="personal_id")
    assert (
        client_as(world.communicator)
        .post(reverse("supervision_reveal", args=[finding.pk]))
        .status_code
        == 403
    )
    shown = client_as(world.security).post(reverse("supervision_reveal", args=[finding.pk]))
    assert NUMBER in shown.content.decode()
    assert AuditEvent.objects.filter(action="finding.unmasked").count() == 1


def test_removal_through_the_form_gives_evidence_a_task_and_a_notice(client_as, world, record):
    client = client_as(world.communicator)
    response = client.post(
        reverse("supervision_decide", args=[record.pk]),
        {"action": "remove", "reason": "personal_data", "note": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "Ta bort på plattformen" in page and "personuppgifter" in page
    kept = Evidence.objects.get()
    pdf = client.get(reverse("supervision_evidence", args=[kept.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # A communicator may not see personal data whole: the download is a masked rendering.
    assert AuditEvent.objects.filter(action="evidence.opened_masked").exists()
    refused = client.post(
        reverse("supervision_decide", args=[record.pk]),
        {"action": "remove", "reason": "none"},
        follow=True,
    )
    assert "Ange varför" in refused.content.decode()


def test_other_organisations_and_other_roles_are_kept_out(client_as, world, other_world, record):
    stranger = client_as(other_world.communicator)
    assert stranger.get(reverse("supervision_record", args=[record.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("supervision_decide", args=[record.pk]), {"action": "keep", "reason": "none"}
        ).status_code
        == 404
    )
    assert client_as(world.manager).get(reverse("supervision")).status_code == 403
    assert (
        client_as(world.manager)
        .post(reverse("supervision_decide", args=[record.pk]), {"action": "keep", "reason": "none"})
        .status_code
        == 403
    )
    assert not record.decisions.exists()


def test_the_watch_list_page(client_as, world):
    client = client_as(world.security)
    client.post(reverse("supervision_watch"), {"value": "skyddad identitet", "note": "x"})
    page = client.get(reverse("supervision_watch")).content.decode()
    assert "skyddad identitet" in page
    refused = client.post(reverse("supervision_watch"), {"value": "re:(("}, follow=True)
    assert "Invalid watchlist pattern" in refused.content.decode()
    from torget.supervision.models import WatchEntry

    entry = WatchEntry.objects.get()
    client.post(reverse("supervision_watch"), {"remove": entry.pk})
    assert not WatchEntry.objects.exists()
    assert client_as(world.archivist).get(reverse("supervision_watch")).status_code == 403


def test_the_archive_and_the_inbox_show_personal_data_masked(client_as, world, record):
    for url in (reverse("record_detail", args=[record.pk]),):
        assert NUMBER not in client_as(world.communicator).get(url).content.decode()
        assert NUMBER in client_as(world.security).get(url).content.decode()
    from torget.dialogue.services import question_mark

    question = question_mark(person=world.communicator, record=record)
    page = client_as(world.communicator).get(reverse("question_detail", args=[question.pk]))
    assert NUMBER not in page.content.decode() and "2384" in page.content.decode()


def test_search_the_inbox_list_and_the_api_mask_personal_data_too(client_as, world, record):
    from torget.dialogue.services import question_mark

    question_mark(person=world.communicator, record=record)
    communicator, security = client_as(world.communicator), None
    for url, params in (
        (reverse("archive_search"), {"q": "personnummer"}),
        (reverse("inbox"), {}),
        (f"/api/records/{record.pk}", {}),
        ("/api/records", {"q": "personnummer"}),
    ):
        body = communicator.get(url, params).content.decode()
        assert "2384" in body and NUMBER not in body and NUMBER.replace("-", "") not in body, url
    security = client_as(world.security)
    assert NUMBER in security.get(f"/api/records/{record.pk}").content.decode()


def test_todays_supervision_alarms_reach_the_overview_page(client_as, world, record):
    from django.utils import timezone

    from torget.supervision.models import SupervisionAlarm

    SupervisionAlarm.objects.create(
        channel=record.channel,
        day=timezone.localdate(),
        kind="gap",
        detail="5,0 timmar sedan senaste genomgången",
    )
    page = client_as(world.channel_admin).get(reverse("dashboard")).content.decode()
    assert "Tillsynslarm i dag" in page and "5,0 timmar sedan" in page
    assert (
        "Tillsynslarm" not in client_as(world.archivist).get(reverse("dashboard")).content.decode()
    )
