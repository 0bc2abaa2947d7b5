"""Supervision (R5, R6): what the scanners found, the review queue, decisions on records,
evidence kept before removal, and the supervision passes people make on each channel.

Seed 002 §5: watch the channels at least three times a day; keep a PDF/A capture before
removing anything, for ten years.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Risk order of the queue: personal identity numbers and threats first, then the rest.
RISK = {
    "personal_id": 100,
    "bbs": 90,
    "payment": 70,
    "special_category": 60,
    "address": 50,
    "phone": 40,
    "email": 40,
    "watchlist": 30,
}


CATEGORY_LABELS = {
    "personal_id": _("Personal identity number"),
    "phone": _("Phone number"),
    "email": _("E-mail address"),
    "payment": _("Payment details"),
    "address": _("Street address"),
    "special_category": _("Sensitive personal data"),
    "bbs": _("Possibly unlawful content"),
    "watchlist": _("Watch list"),
}

# What each scanner's subtype is, for people: never a raw code like `se_personnummer`.
SUBTYPE_LABELS = {
    "se_personnummer": _("Swedish personal identity number (personnummer)"),
    "se_samordningsnummer": _("Swedish co-ordination number (samordningsnummer)"),
    "no_fodselsnummer": _("Norwegian national identity number (fødselsnummer)"),
    "no_d_nummer": _("Norwegian D number"),
    "dk_cpr": _("Danish CPR number"),
    "fi_hetu": _("Finnish personal identity code (henkilötunnus)"),
    "se_phone": _("Swedish phone number"),
    "no_phone": _("Norwegian phone number"),
    "no_plain": _("Norwegian phone number"),
    "email": _("E-mail address"),
    "se_address": _("Swedish street address"),
    "iban": _("Bank account (IBAN)"),
    "card": _("Payment card number"),
    "pattern": _("Watch list pattern"),
    "term": _("Watch list term"),
    "criminal": _("Criminal offences"),
    "ethnicity": _("Ethnic origin"),
    "health": _("Health"),
    "politics": _("Political opinions"),
    "religion": _("Religious or philosophical beliefs"),
    "sexuality": _("Sex life or sexual orientation"),
    "trade_union": _("Trade union membership"),
    "child_abuse": _("Child sexual abuse material"),
    "copyright": _("Copyright infringement"),
    "hate_speech": _("Hate speech against a group"),
    "incitement": _("Incitement to crime"),
    "privacy_violation": _("Violation of privacy"),
    "terrorism": _("Terrorist crime"),
    "threat": _("Unlawful threat"),
    "violent_depiction": _("Unlawful depiction of violence"),
}


class Finding(models.Model):
    """One thing a scanner found in one version of a record. The value itself is the text of
    the record between start and end; it is shown masked except to the roles that need it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="findings")
    version = models.PositiveIntegerField()
    category = models.CharField(max_length=20)
    subtype = models.CharField(max_length=40)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    confidence = models.FloatField()
    scanner = models.CharField(max_length=40)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="finding_span"),
        ]

    def __str__(self) -> str:
        return f"#{self.record_id} ({self.label})"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    @property
    def subtype_label(self) -> str:
        return str(SUBTYPE_LABELS.get(self.subtype, self.subtype.replace("_", " ")))


class ItemStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DECIDED = "decided", _("Decided")


class ReviewItem(models.Model):
    """A record in the review queue: it has findings, or someone put it there."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record = models.OneToOneField(
        "archive.Record", on_delete=models.PROTECT, related_name="review_item"
    )
    risk = models.PositiveSmallIntegerField(default=0)
    categories = models.CharField(max_length=200, blank=True)  # "personal_id, phone"
    status = models.CharField(max_length=10, choices=ItemStatus, default=ItemStatus.OPEN)
    assigned_to = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-risk", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-risk", "created_at"], name="review_queue"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.record_id}"

    @property
    def labels(self) -> str:
        names = [c.strip() for c in self.categories.split(",") if c.strip()]
        return ", ".join(str(CATEGORY_LABELS.get(c, c)) for c in names)


class Action(models.TextChoices):
    KEEP = "keep", _("Keep")
    HIDE = "hide", _("Hide")
    REMOVE = "remove", _("Remove")
    REMOVE_AND_BLOCK = "remove_block", _("Remove and block the author")
    REGISTER = "register", _("Register as a case")


REMOVING = (Action.REMOVE, Action.REMOVE_AND_BLOCK)


class Reason(models.TextChoices):
    """The fixed list. Criticism of the organisation is deliberately not on it (seed 002
    §2.1.5: users may be critical of us)."""

    NONE = "none", _("Nothing wrong")
    THREAT = "threat", _("Unlawful threat (olaga hot)")
    HATE_SPEECH = "hate_speech", _("Hate speech against a group (hets mot folkgrupp)")
    INCITEMENT = "incitement", _("Incitement to crime (uppvigling)")
    CHILD_ABUSE = "child_abuse", _("Child sexual abuse material")
    UNLAWFUL_DEPICTION = "unlawful_depiction", _("Unlawful depiction or violation of privacy")
    COPYRIGHT = "copyright", _("Copyright infringement")
    CONFIDENTIAL = "confidential", _("Confidential information")
    PERSONAL_DATA = "personal_data", _("Personal data")
    SPAM = "spam", _("The page's rules: spam or advertising")
    OFF_TOPIC = "off_topic", _("The page's rules: off topic")
    PERSONAL_ATTACK = "personal_attack", _("The page's rules: personal attack")


# BBS-lagen §5 crimes and other unlawful content: kept as a case, registered.
CRIMES = (
    Reason.THREAT,
    Reason.HATE_SPEECH,
    Reason.INCITEMENT,
    Reason.CHILD_ABUSE,
    Reason.UNLAWFUL_DEPICTION,
    Reason.COPYRIGHT,
)


class Decision(models.Model):
    """A final decision on a record. It is never changed: a new decision points to the one
    it replaces (`replaces`)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(_("decision"), max_length=16, choices=Action)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=Action.values), name="decision_action"),
            models.CheckConstraint(condition=Q(reason__in=Reason.values), name="decision_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.get_reason_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A decision is final; make a new one that replaces it.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A decision is final and is never deleted.")


class PlatformTask(models.Model):
    """What must still be done on the platform after a decision (remove, hide, block), until
    a connector can do it: a person does it and confirms."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="task")
    what = models.CharField(max_length=16)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.what} on the platform"


class Evidence(models.Model):
    """The capture kept before a removal: a PDF/A-2b of the record in its thread, its SHA-256
    in the channel's integrity chain, kept for ten years. For child sexual abuse material
    only the hash and the metadata are kept, never the content."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    record = models.ForeignKey("archive.Record", on_delete=models.PROTECT, related_name="evidence")
    path = models.CharField(max_length=500, blank=True)  # relative to DATA_DIR; "" if none
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    content_kept = models.BooleanField(default=True)
    metadata = models.JSONField(default=dict)
    retention_class = models.CharField(max_length=40, default="removal-evidence-10y")
    keep_until = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.record_id}, PDF/A SHA-256 {self.sha256[:12]}…"


class SupervisionPass(models.Model):
    """One person's look through one channel's new records."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="supervision_passes"
    )
    person = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    records_seen = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "id"]
        indexes = [models.Index(fields=["channel", "-at"], name="pass_channel_at")]

    def __str__(self) -> str:
        return f"{self.channel}, {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class SupervisionAlarm(models.Model):
    """An alarm raised once per channel, day and kind."""

    channel = models.ForeignKey("channels.Channel", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16)  # "few_passes" or "gap"
    detail = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "day", "kind"], name="alarm_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.channel_id} {self.day}"


class WatchEntry(models.Model):
    """One line of the organisation's watch list (a rumour to counter, a name under
    protection): a term, a phrase, or `re:` and a pattern; for one channel or for all."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    value = models.CharField(_("term, phrase or pattern"), max_length=300)
    note = models.CharField(_("why it is watched"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["value", "id"]

    def __str__(self) -> str:
        return self.value
