"""The register of official channels and the steps of each channel's life."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    WORDPRESS = "wordpress", _("WordPress blog")
    BLOG = "blog", _("Other blog or news feed")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RETURNED = "returned", _("Returned for changes")
    RISK_ASSESSMENT = "risk_assessment", _("Awaiting risk assessment")
    DECISION = "decision", _("Awaiting decision")
    REJECTED = "rejected", _("Rejected")
    PREPARING = "preparing", _("Preparing launch")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class CommentPolicy(models.TextChoices):
    OPEN = "open", pgettext_lazy("comments are", "Open")
    RESTRICTED = "restricted", pgettext_lazy("comments are", "Restricted")
    CLOSED = "closed", pgettext_lazy("comments are", "Closed")


class PostingPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class SignatureStyle(models.TextChoices):
    # Seed 002 §2.1.5: "Hälsningar Sara, kommunikatör"; some channels sign with initials.
    NAME_AND_TITLE = "name_title", _("First name and title")
    INITIALS = "initials", _("Initials")


def channel_label(*, name: str, platform: str, address: str = "", clash: bool = False) -> str:
    """How a channel is shown everywhere: its name and platform, and its address too when
    another channel of the organisation has the same name on the same platform."""
    platform_label = Platform(platform).label if platform in Platform.values else platform
    if clash and address:
        return f"{name} ({platform_label}, {address})"
    return f"{name} ({platform_label})"


class ChannelQuerySet(models.QuerySet):
    def with_name_clash(self) -> "ChannelQuerySet":
        """Annotate `name_clash`, so that `label` needs no query of its own."""
        others = Channel.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            platform=OuterRef("platform"),
            name=OuterRef("name"),
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(name_clash=Exists(others))


def mark_name_clashes(channels: "list[Channel]") -> None:
    """Set `name_clash` on channels fetched through a relation (one query for all)."""
    pending = [c for c in channels if "name_clash" not in c.__dict__]
    if not pending:
        return
    clashing = set(
        Channel.objects.filter(organisation_id__in={c.organisation_id for c in pending})
        .values("organisation_id", "platform", "name")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
        .values_list("organisation_id", "platform", "name")
    )
    for channel in pending:
        channel.name_clash = (channel.organisation_id, channel.platform, channel.name) in clashing


class Channel(models.Model):
    """One official account on one platform, with what it is for and who answers for it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="channels"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(
        _("address"), max_length=500, help_text=_("The channel's web address or handle.")
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("owning unit"),
    )
    responsible_manager = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="managed_channels",
        verbose_name=_("responsible manager"),
    )
    administrators = models.ManyToManyField(
        "organisations.Person",
        related_name="administered_channels",
        blank=True,
        verbose_name=_("channel administrators"),
    )
    proposed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="proposed_channels"
    )

    # The questions of the "new channel" form (seed 002 §2).
    need = models.TextField(_("need"), help_text=_("Why is the channel needed?"))
    organisation_goal = models.CharField(
        _("goal it serves"),
        max_length=300,
        help_text=_("Which of the organisation's goals does the channel serve?"),
    )
    purpose = models.TextField(_("purpose"))
    target_groups = models.TextField(_("target groups"))
    content_plan = models.TextField(_("content plan"))
    desired_effects = models.TextField(_("desired effects"))
    complements_website = models.TextField(
        _("how it complements the website"),
        help_text=_("The channel is one among several: how does it complement the main website?"),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Working hours set aside for the channel each week."),
    )
    resources_until = models.DateField(
        _("resources secured until"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the resources are permanent."),
    )
    posting_goal = models.PositiveSmallIntegerField(_("posting goal"), default=1)
    posting_period = models.CharField(
        _("posting period"), max_length=8, choices=PostingPeriod, default=PostingPeriod.WEEK
    )
    comment_policy = models.CharField(
        _("comments"), max_length=12, choices=CommentPolicy, default=CommentPolicy.OPEN
    )
    comment_policy_reason = models.TextField(_("why comments are restricted or closed"), blank=True)
    page_rules = models.TextField(_("page rules"), blank=True)
    ads_allowed = models.BooleanField(_("ads and sponsored posts allowed"), default=False)
    crisis_channel = models.BooleanField(_("on the crisis list"), default=False)
    # Supervision (seed 002 §5: at least three times a day); crisis mode doubles the passes
    # and halves the gap.
    supervision_passes_per_day = models.PositiveSmallIntegerField(
        _("supervision passes per working day"), default=3
    )
    supervision_max_gap_hours = models.PositiveSmallIntegerField(
        _("longest time between passes (hours)"), default=4
    )
    crisis_mode = models.BooleanField(_("crisis mode"), default=False)
    signature_style = models.CharField(
        _("replies are signed with"),
        max_length=12,
        choices=SignatureStyle,
        default=SignatureStyle.NAME_AND_TITLE,
    )
    archive_from = models.DateField(_("archive coverage starts"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PROPOSED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    pause_reason = models.TextField(_("reason for pause"), blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)

    # The launch checklist (seed 002 §2: profile picture, description, page rules, ...).
    has_profile_picture = models.BooleanField(_("profile picture in place"), default=False)
    has_description = models.BooleanField(_("description in place"), default=False)
    has_page_rules = models.BooleanField(_("page rules published on the channel"), default=False)
    is_listed_publicly = models.BooleanField(_("listed in the public list"), default=False)

    next_review_due = models.DateField(_("next inventory review"), null=True, blank=True)
    # When the archive last saw something happen on the channel; the ingest pipeline sets it.
    last_activity_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="channel_slug_per_org"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="channel_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(platform__in=Platform.values), name="channel_platform_valid"
            ),
            models.CheckConstraint(
                condition=Q(comment_policy__in=CommentPolicy.values),
                name="channel_comment_policy_valid",
            ),
            models.CheckConstraint(
                condition=Q(comment_policy=CommentPolicy.OPEN) | ~Q(comment_policy_reason=""),
                name="channel_comment_policy_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PAUSED) | ~Q(pause_reason=""),
                name="channel_paused_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="channel_closed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.ACTIVE, Status.PAUSED, Status.CLOSED])
                | Q(launched_at__isnull=False),
                name="channel_live_was_launched",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.ACTIVE) | Q(next_review_due__isnull=False),
                name="channel_active_has_review_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="channel_org_status")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The channel as people see it, on every page, e-mail and log line."""
        if "name_clash" not in self.__dict__:
            mark_name_clashes([self])
        return channel_label(
            name=self.name, platform=self.platform, address=self.address, clash=self.name_clash
        )

    @property
    def checklist_complete(self) -> bool:
        return all(
            [
                self.has_profile_picture,
                self.has_description,
                self.has_page_rules,
                self.is_listed_publicly,
            ]
        )

    @property
    def url(self) -> str:
        return self.address if self.address.startswith(("http://", "https://")) else ""


class ChannelTransition(models.Model):
    """One step in a channel's life: who moved it from which state to which, and why."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.from_status or '-'} → {self.to_status}"


class RiskAssessment(models.Model):
    """The recorded risk assessment a manager decides on (the full risk module comes later)."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="risk_assessments")
    assessment = models.TextField(_("assessment"))
    benefit_outweighs_risk = models.BooleanField(_("the benefit outweighs the risk"))
    special_reasons = models.TextField(_("special reasons"), blank=True)
    reevaluate_on = models.DateField(_("re-evaluate on"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.assessed_at:%Y-%m-%d}"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    PAUSE = "pause", _("Pause the channel")
    CLOSE = "close", _("Close the channel")


class ChannelReview(models.Model):
    """An inventory review (kanalinventering) of an active or paused channel."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    fulfils_purpose = models.BooleanField(_("the channel still fulfils its purpose"))
    has_resources = models.BooleanField(_("the channel still has its resources"))
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome)
    next_review_due = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.reviewed_at:%Y-%m-%d}"
