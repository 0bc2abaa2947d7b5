"""Snapshots: one transfer package (SIP) per channel and period, built on disk, validated,
and listed for the archivists."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SnapshotStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    BUILDING = "building", _("Being built")
    VALID = "valid", _("Built and valid")
    UNCHECKED = "unchecked", _("Built, not checked")
    INVALID = "invalid", _("Built, but not valid")
    FAILED = "failed", _("Failed")


class SnapshotReason(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-yearly snapshot")
    CLOSING = "closing", _("Before the channel closed")
    MANUAL = "manual", _("Taken by hand")


class Snapshot(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="snapshots"
    )
    # The period, both days included, in the organisation's calendar (Europe/Stockholm).
    period_start = models.DateField()
    period_end = models.DateField()
    reason = models.CharField(max_length=12, choices=SnapshotReason, default=SnapshotReason.MANUAL)
    status = models.CharField(
        max_length=12, choices=SnapshotStatus, default=SnapshotStatus.SCHEDULED
    )
    requested_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Where the package is: a BagIt folder whose data/ holds the E-ARK SIP named after OBJID.
    objid = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=1000, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    version_count = models.PositiveIntegerField(default=0)
    pdf_pages = models.PositiveIntegerField(default=0)
    # [{"check": "eark-validator", "ok": true, "errors": [...], "warnings": n}, ...]
    validation = models.JSONField(default=list, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    # Seconds spent on each step of the build: {"records": .., "pdf": .., "metadata": ..}.
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_end", "channel_id", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="snapshot_period_ordered",
            ),
            # The clock schedules each half year and each closing once per channel.
            models.UniqueConstraint(
                fields=["channel", "period_start", "period_end", "reason"],
                condition=~Q(reason="manual"),
                name="snapshot_scheduled_once",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-requested_at"], name="snapshot_org")]

    def __str__(self) -> str:
        return f"{self.channel}, {self.period_start}–{self.period_end}"
