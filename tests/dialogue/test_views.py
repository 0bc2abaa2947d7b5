"""The inbox pages as people use them: who sees what, the steps through forms, the CSV."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import captured, channel_in
from torget.dialogue.models import ClosureDay, Question, Reply, Status
from torget.ingest.pipeline import Ingestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(world):
    channel = channel_in(world, "active")
    with Ingestion(channel=channel, source="test") as ingestion:
        ingestion.add(
            captured(
                "post",
                "Nya öppettider",
                kind="post",
                author_is_organisation=True,
                created_at=timezone.now() - datetime.timedelta(hours=3),
            )
        )
        ingestion.add(
            captured(
                "c1",
                "När öppnar biblioteket på söndagar?",
                parent_id="post",
                created_at=timezone.now() - datetime.timedelta(hours=1),
            )
        )
    return Question.objects.get()


def test_the_inbox_lists_questions_with_time_left_and_filters(client_as, world, question):
    client = client_as(world.communicator)
    page = client.get(reverse("inbox")).content.decode()
    assert "När öppnar biblioteket på söndagar?" in page and "kvar" in page
    assert "1 öppen fråga" in page
    answered = client.get(reverse("inbox"), {"show": "answered"}).content.decode()
    assert "När öppnar biblioteket" not in answered
    mine = client.get(reverse("inbox"), {"assigned": "me"}).content.decode()
    assert "När öppnar biblioteket" not in mine
    unknown = client.get(reverse("inbox"), {"channel": "no-such", "after": "junk"})
    assert unknown.status_code == 200


def test_the_question_page_and_its_steps_through_forms(client_as, world, question):
    client = client_as(world.communicator)
    url = reverse("question_detail", args=[question.pk])
    page = client.get(url).content.decode()
    assert "Hälsningar Kommunikator, kommunikatör" in page
    response = client.post(
        reverse("question_action", args=[question.pk, "answer"]), {"body": "Klockan 12–16."}
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.full_text == "Klockan 12–16.\n\nHälsningar Kommunikator, kommunikatör"
    client.post(reverse("question_action", args=[question.pk, "published"]), {"reply": reply.pk})
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    # A second answer is refused with a message, and nothing is saved.
    response = client.post(
        reverse("question_action", args=[question.pk, "answer"]), {"body": "Igen"}, follow=True
    )
    assert "redan besvarats" in response.content.decode()
    assert Reply.objects.count() == 1


def test_people_who_do_not_answer_cannot_act_and_other_organisations_see_nothing(
    client_as, world, other_world, question
):
    archivist = client_as(world.archivist)
    assert archivist.get(reverse("question_detail", args=[question.pk])).status_code == 403
    assert (
        archivist.post(
            reverse("question_action", args=[question.pk, "answer"]), {"body": "x"}
        ).status_code
        == 403
    )
    stranger = client_as(other_world.communicator)
    assert stranger.get(reverse("question_detail", args=[question.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("question_action", args=[question.pk, "answer"]), {"body": "x"}
        ).status_code
        == 404
    )
    assert "När öppnar" not in stranger.get(reverse("inbox")).content.decode()
    assert not Reply.objects.exists()


def test_statistics_page_and_csv(client_as, world, question):
    question.first_response_at = question.answered_at = question.asked_at + datetime.timedelta(
        hours=2
    )
    question.status = Status.ANSWERED
    question.save()
    client = client_as(world.manager)
    page = client.get(reverse("dialogue_statistics")).content.decode()
    assert "<svg" in page and "2,0 h" in page
    csv = client.get(reverse("dialogue_statistics_csv"), {"by": "unit"}).content.decode("utf-8")
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("unit,month,questions,answered,median_hours")
    assert lines[1].startswith("Kommunledningskontoret,") and ",1,1,2.0,2.0,1.0,0,0" in lines[1]
    assert client_as(world.archivist).get(reverse("dialogue_statistics")).status_code == 403


def test_the_calendar_page_shows_days_off_and_takes_closure_days(client_as, world):
    admin = client_as(world.admin)
    page = admin.get(reverse("dialogue_calendar")).content.decode()
    assert "måste besvaras senast" in page
    admin.post(
        reverse("dialogue_calendar"), {"what": "add", "date": "2026-05-15", "reason": "Klämdag"}
    )
    assert ClosureDay.objects.get().reason == "Klämdag"
    response = admin.post(
        reverse("dialogue_calendar"),
        {"what": "hours", "opens_at": "17:00", "closes_at": "08:00"},
        follow=True,
    )
    assert "måste öppna innan" in response.content.decode()
    communicator = client_as(world.communicator)
    assert communicator.get(reverse("dialogue_calendar")).status_code == 200
    assert (
        communicator.post(
            reverse("dialogue_calendar"), {"what": "add", "date": "2026-05-16"}
        ).status_code
        == 403
    )


def test_a_record_can_be_marked_as_a_question_from_its_page(client_as, world, question):
    statement = question.record.channel.records.get(platform_id="post")
    client = client_as(world.communicator)
    page = client.get(reverse("record_detail", args=[question.record.pk])).content.decode()
    assert "Öppna frågan" in page
    response = client.post(reverse("record_mark", args=[statement.pk]), follow=True)
    assert "Endast det som andra skrivit" in response.content.decode()
