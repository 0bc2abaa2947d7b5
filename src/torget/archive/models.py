"""Public records as captured: each record, every distinct version of it, the media they carry,
the per-channel integrity chain over every capture event, and the runs that captured them.

Only the ingest pipeline writes here (ARCHITECTURE.md, "The one data flow").
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from torget.sources.base import Kind as SourceKind


class Kind(models.TextChoices):
    POST = SourceKind.POST, _("Post")
    COMMENT = SourceKind.COMMENT, _("Comment")
    REPLY = SourceKind.REPLY, _("Reply")
    MESSAGE = SourceKind.MESSAGE, _("Direct message")
    STORY = SourceKind.STORY, _("Story")
    VIDEO = SourceKind.VIDEO, _("Video")
    ARTICLE = SourceKind.ARTICLE, _("Article")


class Direction(models.TextChoices):
    # DOMAIN.md: the organisation's own posts are drawn up (upprättade), everything from
    # others is received (inkommet) once it is published on the organisation's channel.
    RECEIVED = "received", _("Received")
    DRAWN_UP = "drawn_up", _("Drawn up")


class State(models.TextChoices):
    LIVE = "live", _("Live")
    EDITED = "edited", _("Edited")
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", _("Deleted on the platform")
    REMOVED = "removed", _("Removed by us")
    # Disposed of under a disposal decision (the disposal app): hidden everywhere, its
    # content deleted after the undo window; a tombstone keeps its hashes.
    DISPOSED = "disposed", _("Disposed")


class Record(models.Model):
    # Indexes are chosen for the ingest rate: the composite indexes below lead with
    # organisation and channel, so these foreign keys need none of their own.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="records", db_index=False
    )
    platform_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # threads are read through thread_platform_id
    )
    parent_platform_id = models.CharField(max_length=200, blank=True)
    # The platform id of the thread's first record (the post); a post is its own thread.
    thread_platform_id = models.CharField(max_length=200)
    author_platform_id = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=300, blank=True)
    author_handle = models.CharField(max_length=300, blank=True)
    author_is_organisation = models.BooleanField(default=False)
    direction = models.CharField(max_length=10, choices=Direction)
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    deleted_seen_at = models.DateTimeField(null=True, blank=True)
    # The ingestion run that last saw the record: after a complete listing, the records a run
    # did not see are the ones deleted on the platform.
    last_seen_run = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.LIVE)
    text = models.TextField(blank=True)
    title = models.CharField(max_length=1000, blank=True)
    language = models.CharField(max_length=16, blank=True)
    permalink = models.CharField(max_length=2000, blank=True)
    has_media = models.BooleanField(default=False)
    version_count = models.PositiveIntegerField(default=1)
    current_sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "platform_id"], name="record_once_per_channel"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="record_state_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="record_direction_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "thread_platform_id"], name="record_thread"),
            # Only replies whose parent has not arrived yet are looked up by the parent's id.
            models.Index(
                fields=["channel", "parent_platform_id"],
                name="record_waiting_for_parent",
                condition=Q(parent__isnull=True) & ~Q(parent_platform_id=""),
            ),
            models.Index(fields=["organisation", "created_at"], name="record_org_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_kind_display().lower()} {self.platform_id})"


class RecordVersion(models.Model):
    """One distinct content of a record. `content` is the canonical JSON that was hashed."""

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField()
    captured_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    raw = models.TextField()
    run = models.ForeignKey(
        "IngestionRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"


class Blob(models.Model):
    """A media file, stored once under its SHA-256 however often it recurs."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    mime_type = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.sha256


class MediaUse(models.Model):
    """Which organisations' records carry a blob: who may download it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="uses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "blob"], name="media_use_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.blob_id}"


class ChainEvent(models.TextChoices):
    CAPTURED = "captured", _("Captured")
    EDITED = "edited", _("Edited on the platform")
    DELETED = "deleted", _("Deleted on the platform")
    REAPPEARED = "reappeared", _("Seen again on the platform")
    # Supervision: the removal evidence's SHA-256 (a PDF/A, not a version), then the removal.
    EVIDENCE = "evidence", _("Evidence kept")
    REMOVED = "removed", _("Removed by us")
    # State changes (chain form 2): each is a link too, so none can be made behind the chain.
    HIDDEN = "hidden", _("Hidden on the platform")
    UNHIDDEN = "unhidden", _("Shown again on the platform")
    DISPOSED = "disposed", _("Disposed")
    RESTORED = "restored", _("Restored after disposal")


class IntegrityEntry(models.Model):
    """One link of a channel's hash chain over capture events (docs/integrity.md)."""

    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    event = models.CharField(max_length=12, choices=ChainEvent)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="chain_entries")
    version_sha256 = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)
    # The form the entry was hashed in (torget.archive.chain): null for form 1, written before
    # the record's state was hashed; form 2 hashes `state`, the record's state after the event.
    form = models.PositiveSmallIntegerField(null=True, blank=True)
    # Nullable so that adding the column does not rebuild the table on SQLite.
    state = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["channel", "seq"]
        constraints = [models.UniqueConstraint(fields=["channel", "seq"], name="chain_seq_unique")]

    def __str__(self) -> str:
        return f"{self.channel_id}#{self.seq}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


class IngestionRun(models.Model):
    """One import or harvest of one channel: what came in, what was refused, how long it took."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="ingestion_runs"
    )
    source = models.CharField(max_length=500)
    status = models.CharField(max_length=12, choices=RunStatus, default=RunStatus.RUNNING)
    complete_listing = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            # One channel is never captured twice at once (STYLE.md: a lock per channel).
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(status="running"),
                name="one_running_run_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_status_display()})"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class SealKind(models.TextChoices):
    CHANNEL = "channel", _("Channel chain")
    AUDIT = "audit", _("Audit log")


class Seal(models.Model):
    """A signed statement of a chain's head at a moment (torget.archive.seals). The seal log
    on disk is what counts; this copy is for display and may be rewritten by whoever writes
    the database, which `torget verify` notices."""

    kind = models.CharField(max_length=10, choices=SealKind)
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    seq = models.BigIntegerField()
    head = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()
    key_id = models.CharField(max_length=32)
    line = models.TextField()  # the signed JSON line, as in the log on disk
    timestamped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sealed_at", "-id"]
        indexes = [models.Index(fields=["channel", "-sealed_at"], name="seal_channel_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel_id or ''}#{self.seq}"
