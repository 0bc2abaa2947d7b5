"""Organisations are the tenants; everything else belongs to exactly one of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")
    DENMARK = "DK", _("Denmark")
    FINLAND = "FI", _("Finland")


class Organisation(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country, default=Country.SWEDEN)
    website = models.URLField(_("website"), blank=True)
    # How a member of the public asks for the records made on the channels (TF 2 kap.).
    records_request_email = models.EmailField(_("e-mail for records requests"), blank=True)
    records_request_phone = models.CharField(
        _("phone for records requests"), max_length=50, blank=True
    )
    records_request_info = models.TextField(_("how to request public records"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__in=Country.values), name="organisation_country_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit of the organisation (förvaltning, avdelning) that owns channels."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="unit_name_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    MANAGER = "manager", _("Manager")
    COMMUNICATOR = "communicator", _("Communicator")
    CHANNEL_ADMIN = "channel_admin", _("Channel administrator")
    REGISTRAR = "registrar", _("Registrar")
    ARCHIVIST = "archivist", _("Archivist")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    AUDITOR = "auditor", _("Auditor")


class Person(models.Model):
    """A member of staff: a login that belongs to exactly one organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="person"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split() if part).upper()


class RoleAssignment(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="role_once_per_person"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class AuditEvent(models.Model):
    """One thing someone did. Append-only: the database refuses updates (see migration 0002)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, related_name="audit_events"
    )
    # Kept as text too, so the log reads the same after a person is renamed.
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The audit log is a hash chain (torget.organisations.auditchain): each event carries its
    # place and the hash of the one before. Null only for events written before the chain,
    # which the chain's first event vouches for as a whole.
    seq = models.BigIntegerField(null=True, blank=True)
    # Nullable: a NOT NULL column would make SQLite rebuild the table, dropping its triggers.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["seq"], condition=models.Q(seq__isnull=False), name="audit_seq_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The audit log is append-only.")
        if self.seq is None:
            from .auditchain import append  # the chain reads the head through this model

            append(self)
            return
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit log is append-only.")

    @property
    def sentence(self) -> str:
        """The event as an auditor reads it (organisations/audit_events.py)."""
        from .audit_events import event_sentence

        return event_sentence(
            action=self.action, actor_name=self.actor_name, object_repr=self.object_repr
        )


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
