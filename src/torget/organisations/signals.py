"""Logins, failed logins and lockouts go to the audit log (Django's auth signals and
django-axes' lockout signal are their only hooks)."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditEvent, Person
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    person = Person.objects.select_related("organisation").filter(user=user).first()
    if person is not None:
        audit_record(organisation=person.organisation, actor=person, action="auth.login")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    person = Person.objects.select_related("organisation").filter(user__username=username).first()
    audit_record(
        organisation=person.organisation if person else None,
        actor=None,
        action="auth.login_failed",
        note=f"username={username}",
    )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """django-axes locked a user name out after too many wrong passwords from one address.

    axes says so again at every further try while the lockout lasts; the log records the
    lockout once (each try is already there as auth.login_failed)."""
    username = str(username or "")[:150]
    note = f"username={username} address={ip_address or '?'}"
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    if AuditEvent.objects.filter(action="auth.locked_out", note=note, at__gte=since).exists():
        return
    person = Person.objects.select_related("organisation").filter(user__username=username).first()
    audit_record(
        organisation=person.organisation if person else None,
        actor=None,
        action="auth.locked_out",
        note=note,
    )
