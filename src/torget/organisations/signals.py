"""Logins and failed logins go to the audit log (Django's auth signals are its only hook)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .models import Person
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
