"""Questions asked on the channels, their deadlines, and the replies written to them.

Seed 002 §2.1.5: every question gets a response the same day, at the latest the next working
day, from the channel's official account, signed with the official's name and title.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OfficeCalendar(models.Model):
    """The organisation's office hours; its country's holidays come from its country."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="office_calendar"
    )
    opens_at = models.TimeField(_("office opens"), default="08:00")
    closes_at = models.TimeField(_("office closes"), default="17:00")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")), name="office_opens_before_close"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class ClosureDay(models.Model):
    """A day the organisation's offices are closed besides public holidays (a klämdag)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="closure_days"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="closure_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}".strip()


class Status(models.TextChoices):
    OPEN = "open", _("Waiting for a response")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    DISMISSED = "dismissed", _("Not a question")


class DetectedBy(models.TextChoices):
    MESSAGE = "message", _("Direct message")
    DETECTOR = "detector", _("Question detector")
    PERSON = "person", _("Marked by a person")


OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)


class Question(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="questions", db_index=False
    )
    record = models.OneToOneField(
        "archive.Record", on_delete=models.PROTECT, related_name="question"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    # 1 while the question waits for an answer, computed by the database from status, so the
    # inbox's "open, soonest deadline first" is one range of one index however many questions
    # there are. An integer, not a boolean: `is_open = 1` is an equality SQLite's planner can
    # use for the index's next column, where a bare boolean column is not.
    is_open = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=["open", "acknowledged"], then=models.Value(1)),
            default=models.Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    detected_by = models.CharField(max_length=10, choices=DetectedBy)
    asked_at = models.DateTimeField()
    deadline = models.DateTimeField()
    assigned_person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_questions",
    )
    assigned_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_questions",
    )
    # The first reply seen or confirmed on the platform (an acknowledgement counts), and the
    # answer; both are the platform's times when an import matched them.
    first_response_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_record = models.ForeignKey(
        "archive.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    overdue_alarm_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["organisation", "status", "deadline"], name="question_org_due"),
            models.Index(fields=["channel", "status", "deadline"], name="question_channel_due"),
            models.Index(
                fields=["organisation", "is_open", "deadline", "id"], name="question_org_open"
            ),
            models.Index(
                fields=["channel", "is_open", "deadline", "id"], name="question_channel_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="question_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="question_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"“{self.record.text[:60]}” ({self.channel})"

    @property
    def waiting(self) -> bool:
        """Open or acknowledged: still owes an answer (from status, so always current)."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.waiting and (now or timezone.now()) > self.deadline


class Purpose(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    ANSWER = "answer", _("Answer")


class ReplyState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TO_PUBLISH = "to_publish", _("To publish")
    PUBLISHED = "published", _("Published")


class Reply(models.Model):
    """A reply written in Torget. From "to publish" on it is a drawn-up record (upprättad
    handling): it is final and no longer changes; a correction is a new reply. When an import
    brings in the organisation's reply on the platform, `record` points at it."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="replies")
    purpose = models.CharField(max_length=16, choices=Purpose)
    body = models.TextField(_("text"))
    signature = models.CharField(_("signature"), max_length=200, blank=True)
    state = models.CharField(max_length=12, choices=ReplyState, default=ReplyState.DRAFT)
    written_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    final_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        "archive.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["written_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReplyState.values), name="reply_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="reply_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.body[:60]}"

    @property
    def full_text(self) -> str:
        return f"{self.body.rstrip()}\n\n{self.signature}" if self.signature else self.body


EVENT_LABELS = {
    "marked": _("marked as a question"),
    "unmarked": _("marked as not a question"),
    "assigned": _("assigned"),
    "acknowledged": _("acknowledgement written"),
    "answer_written": _("answer written"),
    "draft_saved": _("draft saved"),
    "published": _("marked published"),
    "matched": _("reply seen on the platform"),
    "forwarded": _("sent to the registrar"),
    "overdue_alarm": _("overdue alarm sent"),
}


class QuestionEvent(models.Model):
    """The question's own history, shown on its page (the audit log holds the same)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class Registration(models.Model):
    """An opinion of larger weight forwarded to the registrar, who enters the case number."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    reason = models.TextField(_("why it should be registered"))
    description = models.CharField(_("short description"), max_length=300)
    sender = models.CharField(_("sender"), max_length=300)
    received_at = models.DateTimeField()
    direction = models.CharField(max_length=10, default="received")
    package = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    case_reference = models.CharField(
        _("case reference (diarienummer)"), max_length=100, blank=True
    )
    registered_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.case_reference or self.description
