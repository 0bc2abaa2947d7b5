"""The dialogue inbox: questions found on import, the steps on them, matching the real reply,
alarms, the registrar's package, and the statistics."""

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone, translation

from tests.factories import captured, channel_in, ingest
from torget.archive.models import Record
from torget.dialogue import selectors, services
from torget.dialogue.models import (
    ClosureDay,
    DetectedBy,
    Purpose,
    Question,
    QuestionEvent,
    Registration,
    ReplyState,
    Status,
)
from torget.dialogue.services import DialogueRefused
from torget.documents.pdfa import problems
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The refusals are checked in English here; the views' tests check the Swedish."""
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def arrive(channel, *, hours_ago=1, **items):
    """Received comments on one post: {platform_id: text}."""
    post = captured(
        "post",
        "Biblioteket har nya öppettider.",
        kind="post",
        author_is_organisation=True,
        created_at=ago(hours=hours_ago + 5),
    )
    ingest(
        channel,
        [post]
        + [
            captured(pid, text, parent_id="post", created_at=ago(hours=hours_ago))
            for pid, text in items.items()
        ],
    )


def test_questions_are_found_on_import_with_their_deadline(channel, world):
    arrive(channel, c1="När öppnar biblioteket på lördagar?", c2="Tack för infon!")
    ingest(
        channel,
        [
            captured(
                "dm1",
                "Hej, jag vill klaga på snöröjningen.",
                kind="direct_message",
                thread_id="conv-1",
                created_at=ago(hours=2),
            )
        ],
    )
    found = {q.record.platform_id: q for q in Question.objects.select_related("record")}
    assert set(found) == {"c1", "dm1"}, "a question and a direct message; not thanks, not ours"
    assert found["c1"].detected_by == DetectedBy.DETECTOR
    assert found["dm1"].detected_by == DetectedBy.MESSAGE
    calendar = services.calendar_for(world.organisation)
    from torget.dialogue.deadlines import deadline_for

    assert found["c1"].deadline == deadline_for(found["c1"].asked_at, calendar)
    assert found["c1"].status == Status.OPEN and found["c1"].channel == channel


def test_importing_years_of_history_does_not_fill_the_inbox(channel):
    arrive(channel, hours_ago=24 * 60, old="Varför är vägen avstängd?")
    assert not Question.objects.exists()
    assert Record.objects.filter(platform_id="old").exists()


def test_the_same_import_twice_makes_no_second_question(channel):
    arrive(channel, c1="Hur söker man bygglov?")
    arrive(channel, c1="Hur söker man bygglov?")
    assert Question.objects.count() == 1


def test_acknowledge_assign_answer_and_the_imported_reply_closes_the_question(channel, world):
    arrive(channel, c1="Hur lång tid tar bygglovet för ett garage?")
    question = Question.objects.get()
    services.reply_write(
        person=world.communicator,
        question=question,
        body=services.DEFAULT_ACKNOWLEDGEMENT,
        purpose=Purpose.ACKNOWLEDGEMENT,
        final=True,
    )
    question.refresh_from_db()
    assert question.status == Status.ACKNOWLEDGED
    services.question_assign(
        person=world.communicator,
        question=question,
        assignee=world.channel_admin,
        note="Du kan bygglov.",
    )
    answer = services.reply_write(
        person=world.channel_admin, question=question, body="Normalt inom tio veckor.", final=True
    )
    assert answer.signature == "Hälsningar Sidansvarig, webbredaktör"
    assert answer.state == ReplyState.TO_PUBLISH
    # The acknowledgement and then the answer appear on the platform; an import brings them in.
    acknowledged_at, answered_at = ago(minutes=50), ago(minutes=10)
    ingest(
        channel,
        [
            captured(
                "r1",
                f"{services.DEFAULT_ACKNOWLEDGEMENT}\n\nHälsningar Kommunikator, kommunikatör",
                parent_id="c1",
                author_is_organisation=True,
                created_at=acknowledged_at,
            ),
            captured(
                "r2",
                answer.full_text,
                parent_id="c1",
                author_is_organisation=True,
                created_at=answered_at,
            ),
        ],
    )
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert question.answered_at == answered_at
    assert question.first_response_at == acknowledged_at
    assert question.answer_record.platform_id == "r2"
    replies = {r.purpose: r for r in question.replies.all()}
    assert replies[Purpose.ANSWER].state == ReplyState.PUBLISHED
    assert replies[Purpose.ANSWER].record.platform_id == "r2"
    assert replies[Purpose.ACKNOWLEDGEMENT].record.platform_id == "r1"
    actions = list(QuestionEvent.objects.values_list("action", flat=True))
    assert actions == ["acknowledged", "assigned", "answer_written", "matched", "matched"]
    audited = set(
        AuditEvent.objects.filter(object_type="dialogue.question").values_list("action", flat=True)
    )
    assert {"question.acknowledged", "question.assigned", "question.answer_written"} <= audited


def test_a_reply_can_be_marked_published_by_hand_until_connectors_exist(channel, world):
    arrive(channel, c1="Får man grilla i parken?")
    question = Question.objects.get()
    reply = services.reply_write(
        person=world.communicator, question=question, body="Ja, på grillplatserna.", final=True
    )
    services.reply_mark_published(person=world.communicator, reply=reply)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.answered_at is not None
    with pytest.raises(DialogueRefused, match="already been answered"):
        services.reply_write(person=world.communicator, question=question, body="Igen", final=True)
    with pytest.raises(DialogueRefused, match="waiting to be published"):
        services.reply_mark_published(person=world.communicator, reply=reply)


def test_a_direct_message_is_answered_by_the_next_own_message_in_the_conversation(channel):
    ingest(
        channel,
        [
            captured(
                "dm1",
                "Hej! Min soptunna är trasig.",
                kind="direct_message",
                thread_id="conv-9",
                created_at=ago(hours=3),
            )
        ],
    )
    ingest(
        channel,
        [
            captured(
                "dm2",
                "Vi skickar en ny.",
                kind="direct_message",
                thread_id="conv-9",
                author_is_organisation=True,
                created_at=ago(hours=1),
            )
        ],
    )
    question = Question.objects.get()
    assert question.status == Status.ANSWERED and question.answer_record.platform_id == "dm2"


def test_drafts_are_kept_and_only_one_answer_waits_at_a_time(channel, world):
    arrive(channel, c1="Vad kostar det att hyra idrottshallen?")
    question = Question.objects.get()
    draft = services.reply_write(person=world.communicator, question=question, body="Utkast")
    again = services.reply_write(person=world.communicator, question=question, body="Utkast 2")
    assert draft.pk == again.pk and again.state == ReplyState.DRAFT
    services.reply_write(person=world.communicator, question=question, body="Svar", final=True)
    with pytest.raises(DialogueRefused, match="already waiting"):
        services.reply_write(person=world.communicator, question=question, body="Till", final=True)
    with pytest.raises(DialogueRefused, match="Write the reply first"):
        services.reply_write(person=world.channel_admin, question=question, body="  ")


def test_marking_by_hand_unmarking_and_what_cannot_be_a_question(channel, world):
    arrive(channel, c1="Det är för mörkt på gångvägen vid skolan.")
    record = Record.objects.get(platform_id="c1")
    question = services.question_mark(person=world.communicator, record=record)
    assert question.detected_by == DetectedBy.PERSON
    with pytest.raises(DialogueRefused, match="already a question"):
        services.question_mark(person=world.communicator, record=record)
    services.question_unmark(person=world.communicator, question=question)
    question.refresh_from_db()
    assert question.status == Status.DISMISSED
    with pytest.raises(DialogueRefused, match="not a question"):
        services.reply_write(person=world.communicator, question=question, body="Svar")
    own = Record.objects.get(platform_id="post")
    with pytest.raises(DialogueRefused, match="Only what others wrote"):
        services.question_mark(person=world.communicator, record=own)


def test_an_unknown_calendar_country_is_a_clear_refusal_and_nothing_is_saved(channel, world):
    arrive(channel, c1="Tack för bra service.")
    record = Record.objects.get(platform_id="c1")
    world.communicator.organisation.country = "DE"  # cannot be stored; as if it were
    with pytest.raises(DialogueRefused, match="no calendar of public holidays for the country"):
        services.question_mark(person=world.communicator, record=record)
    assert not Question.objects.exists()


def test_only_answerers_work_on_questions(channel, world, other_world):
    arrive(channel, c1="Varför är simhallen stängd?")
    question = Question.objects.get()
    for person in (world.registrar, world.archivist, world.manager, world.auditor):
        with pytest.raises(services.PermissionDenied):
            services.reply_write(person=person, question=question, body="Svar")
    other_channel = channel_in(world, "active")
    other_channel.administrators.set([])
    assert not services.may_answer(world.channel_admin, other_channel)
    assert services.may_answer(world.channel_admin, channel)
    assert not services.may_answer(other_world.communicator, channel)


def test_signatures_follow_the_channels_rule(channel, world):
    assert services.signature_for(world.communicator, channel) == (
        "Hälsningar Kommunikator, kommunikatör"
    )
    channel.signature_style = "initials"
    assert services.signature_for(world.communicator, channel) == "/KE"


def test_overdue_questions_alarm_the_channel_administrators_once(channel, world):
    world.channel_admin.email = "sidansvarig@exempla.se"
    world.channel_admin.save()
    arrive(channel, hours_ago=24 * 6, c1="När kommer sopbilen?")
    question = Question.objects.get()
    assert question.is_overdue()
    assert services.overdue_alarms() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "sidansvarig@exempla.se" in message.to and "När kommer sopbilen?" in message.body
    assert services.overdue_alarms() == 0 and len(mail.outbox) == 1
    assert selectors.overdue_count(person=world.communicator) == 1


def test_forwarding_gives_the_registrar_a_checked_pdfa_and_the_facts(
    channel, world, settings, tmp_path
):
    settings.TORGET_REGISTRATION_DIR = tmp_path / "registrering"
    arrive(channel, c1="Jag vill lämna ett medborgarförslag om en ny lekplats, hur gör jag?")
    question = Question.objects.get()
    registration = services.question_forward(
        person=world.communicator,
        question=question,
        reason="Medborgarförslag",
        description="Förslag om lekplats i Norrby",
    )
    package = tmp_path / "registrering" / f"{world.organisation.slug}-{registration.pk:06d}"
    assert registration.package == str(package)
    assert problems(package / "handling.pdf") == []
    facts = json.loads((package / "registrering.json").read_text())
    assert facts["direction"] == "received" and facts["short_description"].startswith("Förslag")
    assert facts["sender"] == "Anna Andersson"
    assert facts["record"]["sha256"] == question.record.current_sha256
    with pytest.raises(DialogueRefused, match="already been sent"):
        services.question_forward(
            person=world.communicator, question=question, reason="x", description="y"
        )
    with pytest.raises(services.PermissionDenied):
        services.registration_register(
            person=world.communicator, registration=registration, case_reference="KS 2026/1"
        )
    with pytest.raises(DialogueRefused, match="Enter the case reference"):
        services.registration_register(
            person=world.registrar, registration=registration, case_reference=" "
        )
    services.registration_register(
        person=world.registrar, registration=registration, case_reference="KS 2026/17"
    )
    assert Registration.objects.get().case_reference == "KS 2026/17"


def test_response_time_statistics(channel, world):
    now = timezone.now()
    arrive(channel, hours_ago=30, a="Hur söker jag?", b="När öppnar ni?", c="Varför stängt?")
    questions = {q.record.platform_id: q for q in Question.objects.select_related("record")}
    for pid, hours in (("a", 2), ("b", 10)):
        q = questions[pid]
        q.first_response_at = q.answered_at = q.asked_at + datetime.timedelta(hours=hours)
        q.status = Status.ANSWERED
        q.save()
    rows = selectors.response_statistics(
        person=world.communicator, since=(now - datetime.timedelta(days=5)).date(), until=now.date()
    )
    assert len(rows) >= 1
    total_questions = sum(r.questions for r in rows)
    assert total_questions == 3
    row = next(r for r in rows if r.answered)
    assert row.median_hours == 6.0 and row.p90_hours == 10.0
    assert row.answered == 2


def test_closure_days_move_deadlines_of_new_questions(channel, world):
    arrive(channel, c1="Vad gäller för parkering?")
    before = Question.objects.get().deadline
    calendar = services.calendar_for(world.organisation)
    due_day = timezone.localtime(before).date()
    ClosureDay.objects.create(organisation=world.organisation, date=due_day, reason="Klämdag")
    later = services.calendar_for(world.organisation)
    assert not later.is_working_day(due_day) and calendar.is_working_day(due_day)


def test_a_conversation_is_one_question_and_one_reply_answers_it(channel):
    ingest(
        channel,
        [
            captured(
                "dm1", "Hej", kind="direct_message", thread_id="conv-3", created_at=ago(hours=4)
            ),
            captured(
                "dm2",
                "När öppnar biblioteket?",
                kind="direct_message",
                thread_id="conv-3",
                created_at=ago(hours=3),
            ),
        ],
    )
    ingest(
        channel,
        [
            captured(
                "dm3",
                "Och på söndagar?",
                kind="direct_message",
                thread_id="conv-3",
                created_at=ago(hours=2),
            )
        ],
    )
    assert Question.objects.count() == 1
    ingest(
        channel,
        [
            captured(
                "dm4",
                "Klockan 10–16 alla dagar.",
                kind="direct_message",
                thread_id="conv-3",
                author_is_organisation=True,
                created_at=ago(hours=1),
            )
        ],
    )
    assert Question.objects.get().status == Status.ANSWERED
    # A new message after the answer opens a new question.
    ingest(
        channel,
        [
            captured(
                "dm5",
                "Tack! En sak till: parkering?",
                kind="direct_message",
                thread_id="conv-3",
                created_at=ago(minutes=30),
            )
        ],
    )
    assert Question.objects.filter(status=Status.OPEN).count() == 1


def test_a_reply_is_matched_by_its_words_not_only_its_letters(channel, world):
    arrive(channel, c1="Vem ska jag kontakta om parkeringstillstånd?")
    question = Question.objects.get()
    services.reply_write(
        person=world.communicator,
        question=question,
        body="Tack för din fråga, vi har skickat den vidare till förvaltningen.",
        purpose=Purpose.ACKNOWLEDGEMENT,
        final=True,
    )
    answer = services.reply_write(
        person=world.communicator,
        question=question,
        body="Kontakta gärna trafikavdelningen via växeln.",
        final=True,
    )
    ingest(
        channel,
        [
            captured(
                "r1",
                answer.full_text,
                parent_id="c1",
                author_is_organisation=True,
                created_at=ago(minutes=5),
            )
        ],
    )
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    matched = question.replies.get(record__isnull=False)
    assert matched.purpose == Purpose.ANSWER
    assert question.replies.get(purpose=Purpose.ACKNOWLEDGEMENT).state == ReplyState.TO_PUBLISH


def test_a_time_no_calendar_reaches_does_not_stop_the_import(channel):
    far = datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC)
    ingest(channel, [captured("c1", "Varför?", created_at=far)])
    assert Record.objects.filter(platform_id="c1").exists()
    assert not Question.objects.exists()


def test_a_package_that_cannot_be_written_sends_nothing(channel, world, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    settings.TORGET_REGISTRATION_DIR = blocked
    arrive(channel, c1="Hur lämnar jag ett medborgarförslag?")
    question = Question.objects.get()
    with pytest.raises(DialogueRefused, match="nothing was sent"):
        services.question_forward(
            person=world.communicator,
            question=question,
            reason="Förslag",
            description="Medborgarförslag",
        )
    assert not Registration.objects.exists()
    question.refresh_from_db()
    assert question.forwarded_at is None
