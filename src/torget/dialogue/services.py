"""Writes to the dialogue inbox. Each function checks permission, validates, writes, audits.

Questions are found by the ingest pipeline (`on_new_versions`, a version hook): direct
messages always, comments and replies when the detector says they ask something. The same
hook matches the organisation's own replies, when an import brings them in, to the question
they answer, and closes it with the platform's time.
"""

import datetime
import difflib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from torget.archive.models import Direction, Kind, Record
from torget.channels.models import Channel, SignatureStyle
from torget.documents.pdfa import PdfNotValid
from torget.links import absolute_url
from torget.organisations.access import RoleRequired
from torget.organisations.models import Organisation, Person, Role, Unit
from torget.organisations.services import audit_record
from torget.personal_data.masking import mask_text
from torget.refusals import CONFLICT, Refusal

from . import detector
from .deadlines import Calendar, deadline_for
from .limits import answer_limit
from .models import (
    OPEN_STATUSES,
    ClosureDay,
    DetectedBy,
    OfficeCalendar,
    Purpose,
    Question,
    QuestionEvent,
    Registration,
    Reply,
    ReplyState,
    Status,
)

# Roles that answer questions on every channel; a channel's own administrators answer on it.
ANSWERERS = (Role.COMMUNICATOR, Role.ORG_ADMIN)
ASKING_KINDS = (Kind.COMMENT, Kind.REPLY, Kind.MESSAGE)
# No platform takes a longer reply (YouTube's 10,000 is the most, dialogue/limits.py).
REPLY_LIMIT = 10_000
DEFAULT_ACKNOWLEDGEMENT = (
    "Tack för din fråga! Vi har tagit emot den och återkommer så snart vi har ett svar."
)


class DialogueRefused(ValidationError, Refusal):
    """A step on a question that cannot be taken, with a sentence saying why."""

    status = CONFLICT


# Permission.


def may_answer(person: Person, channel: Channel) -> bool:
    if person.organisation_id != channel.organisation_id:
        return False
    if person.has_role(*ANSWERERS):
        return True
    return channel.administrators.filter(pk=person.pk).exists()


def check_answerer(person: Person, question: Question) -> None:
    if not may_answer(person, question.channel):
        raise RoleRequired(
            _(
                "Only the channel's administrators, communicators and organisation "
                "administrators may work on its questions."
            )
        )


# The calendar.


def calendar_for(organisation: Organisation) -> Calendar:
    """The organisation's calendar; UnknownCountry if its country has no holiday calendar."""
    office = OfficeCalendar.objects.filter(organisation=organisation).first()
    closures = frozenset(
        ClosureDay.objects.filter(organisation=organisation).values_list("date", flat=True)
    )
    if office is None:
        return Calendar(country=organisation.country, closure_days=closures)
    return Calendar(
        country=organisation.country,
        opens=office.opens_at,
        closes=office.closes_at,
        closure_days=closures,
    )


def _event(question: Question, person: Person | None, action: str, note: str = "") -> None:
    QuestionEvent.objects.create(question=question, by=person, action=action, note=note)
    audit_record(
        organisation=question.organisation,
        actor=person,
        action=f"question.{action}",
        target=question,
        note=note[:2000],
    )


# Found by the pipeline.


def lookback() -> datetime.timedelta:
    """Only records newer than this become questions: importing years of history must not
    fill the inbox with questions no one can still answer (they stay searchable)."""
    return datetime.timedelta(days=getattr(settings, "TORGET_QUESTION_LOOKBACK_DAYS", 14))


_FIELDS = (
    "id",
    "organisation_id",
    "channel_id",
    "kind",
    "direction",
    "text",
    "created_at",
    "parent_id",
    "thread_platform_id",
    "platform_id",
    "version_count",
    "channel__organisation__country",
    "channel__organisation__id",
)


def on_new_versions(record_ids: list[int]) -> None:
    """Pipeline hook, inside the batch's transaction: new questions, and matched replies.
    The database picks out the few records that can matter, so a large import of old
    history or of the organisation's own posts costs two small queries a batch."""
    if not record_ids:
        return
    found = Record.objects.filter(pk__in=record_ids).select_related("channel__organisation")
    asking = list(
        found.filter(
            direction=Direction.RECEIVED,
            kind__in=ASKING_KINDS,
            created_at__gte=timezone.now() - lookback(),
        ).only(*_FIELDS)
    )
    if asking:
        _find_questions(asking)
    # Only a reply's first capture answers; its later edits do not answer again.
    own_replies = list(
        found.filter(direction=Direction.DRAWN_UP, version_count=1)
        .filter(Q(parent__isnull=False) | Q(kind=Kind.MESSAGE))
        .only(*_FIELDS)
    )
    if own_replies:
        _match_replies(own_replies)


def _find_questions(records: list[Record]) -> None:
    since = timezone.now() - lookback()
    calendars: dict[int, Calendar | None] = {}
    new = []
    # A conversation of direct messages is one question until it is answered.
    conversations = {
        (r.channel_id, r.thread_platform_id) for r in records if r.kind == Kind.MESSAGE
    }
    waiting = (
        set(
            Question.objects.filter(
                status__in=OPEN_STATUSES,
                record__kind=Kind.MESSAGE,
                channel_id__in={c for c, _t in conversations},
                record__thread_platform_id__in={t for _c, t in conversations},
            ).values_list("channel_id", "record__thread_platform_id")
        )
        if conversations
        else set()
    )
    for record in sorted(records, key=lambda r: (r.created_at, r.pk)):
        if record.kind not in ASKING_KINDS or record.created_at < since:
            continue
        if record.kind == Kind.MESSAGE:
            conversation = (record.channel_id, record.thread_platform_id)
            if conversation in waiting:
                continue
            waiting.add(conversation)
            found_by = DetectedBy.MESSAGE
        elif detector.question_reason(record.text):
            found_by = DetectedBy.DETECTOR
        else:
            continue
        org = record.channel.organisation
        if org.pk not in calendars:
            try:
                calendars[org.pk] = calendar_for(org)
            except ValueError:
                calendars[org.pk] = None  # shown on the calendar page; no deadline possible
        calendar = calendars[org.pk]
        if calendar is None:
            continue
        try:
            deadline = deadline_for(record.created_at, calendar)
        except (ValueError, OverflowError):  # a time no calendar reaches (year 9999)
            continue
        new.append(
            Question(
                organisation_id=record.organisation_id,
                channel_id=record.channel_id,
                record=record,
                detected_by=found_by,
                asked_at=record.created_at,
                deadline=deadline,
            )
        )
    if new:
        Question.objects.bulk_create(new, ignore_conflicts=True)


_SPACE = re.compile(r"\s+")


def _likeness(written: str, seen: str) -> float:
    """How alike a reply written in Torget and one seen on the platform are, 0 to 1."""
    a, b = _SPACE.sub(" ", written).strip().lower(), _SPACE.sub(" ", seen).strip().lower()
    if not a or not b:
        return 0.0
    if a == b or a in b or b in a:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < MATCH_AT_LEAST:  # an upper bound: cheap to rule out
        return 0.0
    return matcher.ratio()


MATCH_AT_LEAST = 0.85


def _match_replies(records: list[Record]) -> None:
    """The organisation's replies under a question, or later in a direct-message thread,
    taken in the order they were written."""
    replies: dict[int, list[Record]] = {}
    for record in records:
        if record.parent_id:
            replies.setdefault(record.parent_id, []).append(record)
    questions = {q.record_id: q for q in Question.objects.filter(record_id__in=list(replies))}
    for record in records:
        if record.kind != Kind.MESSAGE or record.parent_id:
            continue
        # The organisation's message answers every open question asked before it in the
        # conversation.
        for earlier in Question.objects.filter(
            channel_id=record.channel_id,
            record__thread_platform_id=record.thread_platform_id,
            record__created_at__lte=record.created_at,
            status__in=OPEN_STATUSES,
        ):
            questions.setdefault(earlier.record_id, earlier)
            replies.setdefault(earlier.record_id, []).append(record)
    for record_id, question in questions.items():
        for record in sorted(replies[record_id], key=lambda r: (r.created_at, r.pk)):
            _apply_reply(question, record)


def _apply_reply(question: Question, record: Record) -> None:
    waiting = list(
        question.replies.filter(state=ReplyState.TO_PUBLISH, record__isnull=True).order_by(
            "written_at"
        )
    )
    scored = [
        (max(_likeness(r.full_text, record.text), _likeness(r.body, record.text)), r)
        for r in waiting
    ]
    scored = [(score, r) for score, r in scored if score >= MATCH_AT_LEAST]
    reply = max(scored, key=lambda pair: pair[0])[1] if scored else None
    purpose = reply.purpose if reply is not None else Purpose.ANSWER
    if reply is not None:
        reply.state = ReplyState.PUBLISHED
        reply.published_at = record.created_at
        reply.record = record
        reply.save(update_fields=["state", "published_at", "record"])
    if question.first_response_at is None or record.created_at < question.first_response_at:
        question.first_response_at = record.created_at
    if purpose == Purpose.ANSWER and question.status != Status.ANSWERED:
        question.status = Status.ANSWERED
        question.answered_at = record.created_at
        question.answer_record = record
    elif question.status == Status.OPEN:
        question.status = Status.ACKNOWLEDGED
    question.save(update_fields=["first_response_at", "status", "answered_at", "answer_record"])
    QuestionEvent.objects.create(
        question=question,
        action="matched",
        note=_("The reply was seen on the platform (record %(id)s).") % {"id": record.pk},
    )


# Steps people take.


@transaction.atomic
def question_mark(*, person: Person, record: Record) -> Question:
    """Mark a received record as a question by hand (or reopen one marked as not one)."""
    if record.organisation_id != person.organisation_id:
        raise PermissionDenied
    if record.direction != Direction.RECEIVED:
        raise DialogueRefused(_("Only what others wrote can be a question to us."))
    existing = Question.objects.filter(record=record).first()
    if existing is not None:
        check_answerer(person, existing)
        if existing.status != Status.DISMISSED:
            raise DialogueRefused(_("This is already a question."))
        existing.status = Status.OPEN
        existing.detected_by = DetectedBy.PERSON
        existing.save(update_fields=["status", "detected_by"])
        _event(existing, person, "marked")
        return existing
    question = Question(
        organisation_id=record.organisation_id,
        channel=record.channel,
        record=record,
        detected_by=DetectedBy.PERSON,
        asked_at=record.created_at,
    )
    check_answerer(person, question)
    try:
        calendar = calendar_for(person.organisation)
    except ValueError as error:  # UnknownCountry: say so, save nothing
        raise DialogueRefused(str(error)) from None
    question.deadline = deadline_for(record.created_at, calendar)
    question.save()
    _event(question, person, "marked")
    return question


@transaction.atomic
def question_unmark(*, person: Person, question: Question, note: str = "") -> Question:
    check_answerer(person, question)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status == Status.ANSWERED:
        raise DialogueRefused(_("An answered question stays a question."))
    question.status = Status.DISMISSED
    question.save(update_fields=["status"])
    _event(question, person, "unmarked", note)
    return question


@transaction.atomic
def question_assign(
    *,
    person: Person,
    question: Question,
    assignee: Person | None = None,
    unit: Unit | None = None,
    note: str = "",
) -> Question:
    check_answerer(person, question)
    if assignee is None and unit is None:
        raise DialogueRefused(_("Choose an official or a unit to assign the question to."))
    for target in (assignee, unit):
        if target is not None and target.organisation_id != question.organisation_id:
            raise PermissionDenied
    question.assigned_person = assignee
    question.assigned_unit = unit
    question.save(update_fields=["assigned_person", "assigned_unit"])
    who = ", ".join(str(t) for t in (assignee and assignee.name, unit and unit.name) if t)
    _event(question, person, "assigned", f"{who}: {note}" if note else who)
    return question


def signature_for(person: Person, channel: Channel) -> str:
    """ "Hälsningar Sara, kommunikatör", or "/SA" where the channel signs with initials."""
    if channel.signature_style == SignatureStyle.INITIALS:
        return f"/{person.initials}"
    first = person.name.split()[0] if person.name.split() else person.name
    title = person.title.strip()
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        title = title[0].lower() + title[1:]  # Swedish titles are written in lower case
    return f"Hälsningar {first}, {title}" if title else f"Hälsningar {first}"


def _check_open(question: Question) -> None:
    if question.status == Status.DISMISSED:
        raise DialogueRefused(_("This record was marked as not a question."))


@transaction.atomic
def reply_write(
    *,
    person: Person,
    question: Question,
    body: str,
    purpose: str = Purpose.ANSWER,
    final: bool = False,
) -> Reply:
    """Write (or rewrite) the draft; `final` makes it a drawn-up reply waiting to be published.
    Only dialogue replies are signed: the signature is the writer's, added automatically."""
    check_answerer(person, question)
    question = Question.objects.select_for_update().get(pk=question.pk)
    _check_open(question)
    body = body.strip()
    if not body:
        raise DialogueRefused(_("Write the reply first."))
    if len(body) > REPLY_LIMIT:
        raise DialogueRefused(
            _("A reply may be at most %(limit)s characters; this one is %(n)s.")
            % {"limit": REPLY_LIMIT, "n": len(body)}
        )
    if purpose == Purpose.ANSWER and question.status == Status.ANSWERED:
        raise DialogueRefused(_("This question has already been answered."))
    if (
        purpose == Purpose.ANSWER
        and question.replies.filter(purpose=Purpose.ANSWER, state=ReplyState.TO_PUBLISH).exists()
    ):
        raise DialogueRefused(
            _("An answer is already waiting to be published; mark it published first.")
        )
    reply = question.replies.filter(
        state=ReplyState.DRAFT, purpose=purpose, written_by=person
    ).first() or Reply(question=question, purpose=purpose, written_by=person)
    reply.body = body
    reply.signature = signature_for(person, question.channel)
    reply.written_at = timezone.now()
    limit = answer_limit(question.channel.platform)
    if final and limit is not None and len(reply.full_text) > limit.chars:
        raise DialogueRefused(
            _(
                "The reply is %(n)s characters with the signature; %(platform)s allows "
                "%(limit)s. Shorten it, or save it as a draft."
            )
            % {
                "n": len(reply.full_text),
                "platform": question.channel.get_platform_display(),
                "limit": limit.chars,
            }
        )
    if final:
        reply.state = ReplyState.TO_PUBLISH
        reply.final_at = reply.written_at
    reply.save()
    if purpose == Purpose.ACKNOWLEDGEMENT and final and question.status == Status.OPEN:
        question.status = Status.ACKNOWLEDGED
        question.save(update_fields=["status"])
    action = {
        (Purpose.ACKNOWLEDGEMENT, True): "acknowledged",
        (Purpose.ANSWER, True): "answer_written",
    }.get((purpose, final), "draft_saved")
    _event(question, person, action, reply.full_text if final else "")
    return reply


@transaction.atomic
def reply_mark_published(
    *, person: Person, reply: Reply, at: datetime.datetime | None = None
) -> Reply:
    """Until live connectors exist a person confirms the reply is on the platform."""
    question = Question.objects.select_for_update().get(pk=reply.question_id)
    check_answerer(person, question)
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.state != ReplyState.TO_PUBLISH:
        raise DialogueRefused(
            _("Only a finished reply waiting to be published can be marked published.")
        )
    when = at or timezone.now()
    reply.state = ReplyState.PUBLISHED
    reply.published_at = when
    reply.published_by = person
    reply.save(update_fields=["state", "published_at", "published_by"])
    if question.first_response_at is None or when < question.first_response_at:
        question.first_response_at = when
    if reply.purpose == Purpose.ANSWER and question.status != Status.ANSWERED:
        question.status = Status.ANSWERED
        question.answered_at = when
    question.save(update_fields=["first_response_at", "status", "answered_at"])
    _event(question, person, "published", reply.get_purpose_display())
    return reply


@transaction.atomic
def question_forward(
    *, person: Person, question: Question, reason: str, description: str
) -> Registration:
    """An opinion of larger weight goes to the registrar (seed 002 §2.1.5) as a package."""
    from .registration import write_package

    check_answerer(person, question)
    if not reason.strip() or not description.strip():
        raise DialogueRefused(_("Say why it should be registered, and describe it briefly."))
    if question.registrations.exists():
        raise DialogueRefused(_("This question has already been sent to the registrar."))
    record = question.record
    registration = Registration.objects.create(
        organisation=question.organisation,
        record=record,
        question=question,
        reason=reason.strip(),
        description=description.strip()[:300],
        sender=record.author_name or record.author_handle or record.author_platform_id,
        received_at=record.created_at,
        created_by=person,
    )
    try:
        registration.package = str(write_package(registration))
    except (PdfNotValid, OSError) as error:
        raise DialogueRefused(
            _(
                "The package for the registrar could not be written (%(error)s); nothing was "
                "sent. Try again, or tell the system administrator."
            )
            % {"error": error}
        ) from None
    registration.save(update_fields=["package"])
    question.forwarded_at = registration.created_at
    question.save(update_fields=["forwarded_at"])
    _event(question, person, "forwarded", reason)
    return registration


@transaction.atomic
def registration_register(
    *, person: Person, registration: Registration, case_reference: str
) -> Registration:
    if person.organisation_id != registration.organisation_id:
        raise PermissionDenied
    if not person.has_role(Role.REGISTRAR):
        raise RoleRequired(_("Only registrars enter case references."))
    reference = case_reference.strip()
    if not reference:
        raise DialogueRefused(_("Enter the case reference (diarienummer)."))
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.case_reference:
        raise DialogueRefused(_("This item is already registered."))
    if len(reference) > 100:
        raise DialogueRefused(
            _("A case reference is at most 100 characters; this one is %(n)s.")
            % {"n": len(reference)}
        )
    registration.case_reference = reference
    registration.registered_by = person
    registration.registered_at = timezone.now()
    registration.save(update_fields=["case_reference", "registered_by", "registered_at"])
    audit_record(
        organisation=registration.organisation,
        actor=person,
        action="registration.registered",
        target=registration,
        after={"case_reference": registration.case_reference},
    )
    return registration


# Alarms.


def overdue_alarms(now: datetime.datetime | None = None) -> int:
    """Mail each overdue question's channel administrators once; return how many were sent."""
    now = now or timezone.now()
    overdue = (
        Question.objects.filter(
            status__in=OPEN_STATUSES, deadline__lt=now, overdue_alarm_at__isnull=True
        )
        .select_related("channel", "record")
        .order_by("channel_id", "deadline")
    )
    sent = 0
    by_channel: dict[int, list[Question]] = {}
    for question in overdue[:5000]:
        by_channel.setdefault(question.channel_id, []).append(question)
    for questions in by_channel.values():
        channel = questions[0].channel
        recipients = sorted(
            {p.email for p in channel.administrators.all() if p.email}
            | ({channel.responsible_manager.email} if channel.responsible_manager.email else set())
        )
        # Mail leaves Torget: personal data in it is masked for every recipient.
        lines = [
            f"- {mask_text(q.record.text)[:120]!r} ({mask_text(q.record.author_name)}), "
            f"svar senast {timezone.localtime(q.deadline):%Y-%m-%d %H:%M}"
            for q in questions
        ]
        if recipients:
            count = len(questions)
            send_mail(
                subject=ngettext(
                    "Torget: %(n)s unanswered question on %(channel)s",
                    "Torget: %(n)s unanswered questions on %(channel)s",
                    count,
                )
                % {"n": count, "channel": channel.label},
                message=(
                    ngettext(
                        "This question on %(channel)s has passed its deadline:",
                        "These questions on %(channel)s have passed their deadline:",
                        count,
                    )
                    % {"channel": channel.label}
                    + "\n\n"
                    + "\n".join(lines)
                    + "\n\n"
                    + _("Answer in Torget's inbox: %(url)s") % {"url": absolute_url("inbox")}
                    + "\n"
                ),
                from_email=None,
                recipient_list=recipients,
                fail_silently=False,
            )
            sent += 1
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(overdue_alarm_at=now)
        for question in questions:
            QuestionEvent.objects.create(
                question=question,
                action="overdue_alarm",
                note=", ".join(recipients) or _("no administrator has an e-mail address"),
            )
    return sent
