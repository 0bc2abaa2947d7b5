"""Disposal (gallring): the rules that cite disposal decisions, the legal holds that block
them, the runs that dispose in batches after an archivist's approval, and one tombstone per
disposed record so that the integrity chain still verifies (docs/disposal.md).

Snapshots (ögonblicksbilder) are never disposed: they are not a record class here.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordClass(models.TextChoices):
    COMMENTS = "comments", _("Received comments and replies")
    MESSAGES = "messages", _("Received direct messages")
    OWN_POSTS = "own_posts", _("The organisation's own posts and replies")
    EVIDENCE = "evidence", _("Removal evidence")


class DisposalRule(models.Model):
    """One class of records that a disposal decision allows to be disposed of after a time."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    record_class = models.CharField(_("class of records"), max_length=16, choices=RecordClass)
    # None: every channel of the organisation. A rule for one channel governs it over a rule
    # for all channels.
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    keep_years = models.PositiveSmallIntegerField(_("keep for (years)"))
    decision_reference = models.CharField(_("disposal decision (reference)"), max_length=200)
    decision_date = models.DateField(_("date of the decision"))
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deactivated_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record_class", "channel_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record_class__in=RecordClass.values), name="disposal_rule_class"
            ),
            models.CheckConstraint(
                condition=~Q(decision_reference=""), name="disposal_rule_cites_decision"
            ),
            models.CheckConstraint(
                condition=Q(keep_years__lte=200), name="disposal_rule_keep_years"
            ),
            models.CheckConstraint(
                condition=Q(active=True, deactivated_at__isnull=True)
                | Q(active=False, deactivated_at__isnull=False),
                name="disposal_rule_deactivation",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_record_class_display()}, {self.keep_years} år ({self.decision_reference})"
        )


class HoldScope(models.TextChoices):
    CHANNEL = "channel", _("A channel")
    THREAD = "thread", _("A thread")
    PERSON = "person", _("A person")
    SEARCH = "search", _("A search")


class LegalHold(models.Model):
    """While placed, nothing it covers is disposed of (a request, a case, an inquiry)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("what is held"), max_length=8, choices=HoldScope)
    # Required for a channel or a thread; for a person or a search it narrows to one channel.
    channel = models.ForeignKey(
        "channels.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    thread_platform_id = models.CharField(
        _("thread (the post's platform id)"), max_length=200, blank=True
    )
    # The author's platform id or handle.
    person = models.CharField(_("person (platform id or handle)"), max_length=300, blank=True)
    query = models.CharField(_("search"), max_length=500, blank=True)
    reason = models.TextField(_("reason"))
    case_reference = models.CharField(_("case reference"), max_length=200, blank=True)
    placed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=HoldScope.values), name="hold_scope"),
            models.CheckConstraint(
                condition=~Q(scope="channel") | Q(channel__isnull=False),
                name="hold_channel_names_channel",
            ),
            models.CheckConstraint(
                condition=~Q(scope="thread")
                | (Q(channel__isnull=False) & ~Q(thread_platform_id="")),
                name="hold_thread_names_thread",
            ),
            models.CheckConstraint(
                condition=~Q(scope="person") | ~Q(person=""), name="hold_person_names_person"
            ),
            models.CheckConstraint(
                condition=~Q(scope="search") | ~Q(query=""), name="hold_search_has_query"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="hold_release_complete",
            ),
        ]

    def __str__(self) -> str:
        what = {
            HoldScope.CHANNEL: self.channel.name if self.channel_id else "",
            HoldScope.THREAD: self.thread_platform_id,
            HoldScope.PERSON: self.person,
            HoldScope.SEARCH: f"“{self.query}”",
        }[self.scope]
        return f"{self.get_scope_display()}: {what}"

    @property
    def active(self) -> bool:
        return self.released_at is None


class RunStatus(models.TextChoices):
    PLANNED = "planned", _("Dry run, waiting for approval")
    APPROVED = "approved", _("Approved, waiting to start")
    EXECUTING = "executing", _("Disposing")
    EXECUTED = "executed", _("Disposed, can still be undone")
    UNDOING = "undoing", _("Being undone")
    UNDONE = "undone", _("Undone")
    FINAL = "final", _("Gone for good")
    CANCELLED = "cancelled", _("Cancelled")


class DisposalRun(models.Model):
    """One disposal: planned as a dry run, approved by an archivist, executed in batches,
    undoable until `undo_until`, then purged for good."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    rules = models.ManyToManyField(DisposalRule, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus, default=RunStatus.PLANNED)
    report = models.JSONField(default=dict)
    planned_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    held_back = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    undo_until = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-planned_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="run_status"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(approved_by__isnull=False),
                name="run_approved_before_execution",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["executed", "undoing", "undone", "final"])
                | Q(executed_at__isnull=False, undo_until__isnull=False),
                name="run_executed_has_undo_window",
            ),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(purged_at__isnull=False), name="run_final_purged"
            ),
        ]

    def __str__(self) -> str:
        return f"gallring {self.pk} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 100
        return int(100 * (self.done + self.held_back + self.skipped) / self.total)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("To dispose")
    DISPOSED = "disposed", _("Disposed")
    HELD = "held", _("Held back by a legal hold")
    SKIPPED = "skipped", _("No longer to be disposed")


class RunItem(models.Model):
    """One record (or one evidence file) in a run: what the archivist approved, and what
    became of it. Execution works through the pending ones, so a killed run resumes."""

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="items")
    rule = models.ForeignKey(DisposalRule, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(
        "supervision.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ItemStatus, default=ItemStatus.PENDING)
    hold = models.ForeignKey(
        LegalHold, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "status", "id"], name="runitem_run_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "record"],
                condition=Q(evidence__isnull=True),
                name="runitem_record_once",
            ),
            models.UniqueConstraint(
                fields=["run", "evidence"],
                condition=Q(evidence__isnull=False),
                name="runitem_evidence_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.record_id}"


class Tombstone(models.Model):
    """What is left of a disposed record (or evidence file): its identity, its hashes, the
    rule and the time. The Record row stays as a shell so the chain entries keep their
    record; after the undo window the content is deleted and this vouches for the hashes."""

    run = models.ForeignKey(DisposalRun, on_delete=models.PROTECT, related_name="tombstones")
    item = models.OneToOneField(RunItem, on_delete=models.PROTECT, related_name="tombstone")
    rule = models.ForeignKey(DisposalRule, on_delete=models.PROTECT, related_name="tombstones")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(
        "supervision.Evidence", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    record_class = models.CharField(max_length=16, choices=RecordClass)
    platform_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    thread_platform_id = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    # The record's current version hash, or the evidence file's SHA-256.
    current_sha256 = models.CharField(max_length=64)
    # Every version hash of the record, in order: what the chain entries point at.
    version_hashes = models.JSONField(default=list)
    previous_state = models.CharField(max_length=10)
    evidence_path = models.CharField(max_length=500, blank=True)
    disposed_at = models.DateTimeField(default=timezone.now)
    undo_until = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["disposed_at", "id"]
        indexes = [
            models.Index(fields=["channel", "record"], name="tombstone_channel_record"),
            models.Index(fields=["run", "purged_at", "undone_at"], name="tombstone_run_state"),
        ]
        constraints = [
            # One live tombstone per record (and per evidence file): never disposed twice.
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(undone_at__isnull=True, evidence__isnull=True),
                name="tombstone_record_once",
            ),
            models.UniqueConstraint(
                fields=["evidence"],
                condition=Q(undone_at__isnull=True, evidence__isnull=False),
                name="tombstone_evidence_once",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(purged_at__isnull=True),
                name="tombstone_undone_or_purged",
            ),
        ]

    def __str__(self) -> str:
        return f"tombstone {self.platform_id} ({self.current_sha256[:12]})"
