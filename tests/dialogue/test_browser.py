"""A question walked through the real UI in Chromium: it arrives by import, is acknowledged,
assigned, answered with the signature, matched when the reply is imported, and the response
statistics move. Screenshots land in test-artifacts/screenshots/."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser import accessibility_violations, screenshot
from tests.factories import channel_in, interchange_line
from torget.dialogue.models import Question, Reply, Status
from torget.organisations.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _import(channel, tmp_path, name, *lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command(
        "import", str(path), "--channel", channel.slug, stdout=io.StringIO(), stderr=io.StringIO()
    )


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def test_a_question_from_import_to_answered(page_as, live_server, world, tmp_path):
    channel = channel_in(world, "active", name="Exempla kommun på Facebook")
    asked = timezone.now() - datetime.timedelta(hours=2)
    _import(
        channel,
        tmp_path,
        "morning.jsonl",
        interchange_line(
            "p1",
            "Nu öppnar den nya simhallen!",
            kind="post",
            created_at=_iso(asked - datetime.timedelta(hours=3)),
            author_is_organisation=True,
            author={"id": "exempla"},
        ),
        interchange_line(
            "c1",
            "Vilka tider har simhallen öppet på helgerna?",
            parent_id="p1",
            created_at=_iso(asked),
        ),
    )

    # The communicator finds it in the inbox, acknowledges it and assigns it.
    page = page_as(world.communicator)
    page.get_by_role("link", name="Dialog", exact=True).click()
    page.get_by_text("1 öppen fråga").wait_for()
    assert accessibility_violations(page) == []
    screenshot(page, "dialogue-01-inbox")
    page.get_by_role("link", name="Vilka tider har simhallen öppet på helgerna?").click()
    page.get_by_role("button", name="Bekräftelsen är klar att publicera").click()
    page.get_by_text("Bekräftelsen är klar att publicera.").wait_for()
    page.get_by_role("button", name="Det är publicerat på plattformen").click()
    page.get_by_text("Markerad som publicerad.").wait_for()
    page.locator("#s-person").select_option(str(world.channel_admin.pk))
    page.locator("#s-note").fill("Du har öppettiderna.")
    page.get_by_role("button", name="Tilldela").click()
    page.get_by_text("Frågan är tilldelad.").wait_for()
    assert accessibility_violations(page) == []

    # The channel administrator answers; the signature is added by itself.
    page = page_as(world.channel_admin)
    page.goto(f"{live_server.url}/dialog/?assigned=me")
    page.get_by_role("link", name="Vilka tider har simhallen öppet på helgerna?").click()
    page.get_by_text("Hälsningar Sidansvarig, webbredaktör").first.wait_for()
    page.get_by_label("Ditt svar").fill("Lördag och söndag 9–16.")
    page.get_by_role("button", name="Svaret är klart att publicera").click()
    page.get_by_text("Svaret är klart att publicera.").wait_for()
    screenshot(page, "dialogue-02-answer-to-publish")
    answer = Reply.objects.get(purpose="answer")
    assert answer.full_text == "Lördag och söndag 9–16.\n\nHälsningar Sidansvarig, webbredaktör"

    # The next import brings the reply as it was published: the question closes by itself.
    answered = timezone.now() - datetime.timedelta(minutes=5)
    _import(
        channel,
        tmp_path,
        "afternoon.jsonl",
        interchange_line(
            "r1",
            answer.full_text,
            kind="reply",
            parent_id="c1",
            created_at=_iso(answered),
            author_is_organisation=True,
            author={"id": "exempla", "name": "Exempla kommun"},
        ),
    )
    question = Question.objects.get()
    assert question.status == Status.ANSWERED
    assert question.answered_at == answered.replace(microsecond=answered.microsecond)
    page.reload()
    page.get_by_text("Besvarad").first.wait_for()
    page.get_by_text("svaret syns på plattformen").first.wait_for()
    screenshot(page, "dialogue-03-answered")

    # The statistics move: one question answered within the deadline.
    page = page_as(world.manager)
    page.goto(f"{live_server.url}/dialog/statistik/")
    row = page.locator("tbody tr").first
    assert "Exempla kommun på Facebook" in row.inner_text()
    assert "100 %" in row.inner_text()
    assert accessibility_violations(page) == []
    screenshot(page, "dialogue-04-statistics")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "question.acknowledged",
        "question.published",
        "question.assigned",
        "question.answer_written",
    } <= actions
