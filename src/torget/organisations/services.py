"""Writes for organisations: the audit log, people and API tokens."""

import datetime
import decimal
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from .models import ApiToken, AuditEvent, Organisation, Person, RoleAssignment, Unit


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def model_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-ready, for before/after in the audit log."""
    snapshot = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        snapshot[field.name] = _json_value(getattr(instance, field.attname))
    return snapshot


def snapshot_diff(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values changed, as (before, after)."""
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def audit_record(
    *,
    organisation: Organisation | None,
    actor: Person | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one event to the audit log, inside the caller's transaction."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        actor_name=actor.name if actor else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:300] if target is not None else "",
        before=before,
        after=after,
        note=note,
    )


@transaction.atomic
def person_create(
    *,
    organisation: Organisation,
    username: str,
    password: str,
    name: str,
    roles: Iterable[str],
    title: str = "",
    email: str = "",
    unit: Unit | None = None,
    actor: Person | None = None,
) -> Person:
    user = get_user_model().objects.create_user(username=username, password=password, email=email)
    person = Person.objects.create(
        user=user, organisation=organisation, unit=unit, name=name, title=title, email=email
    )
    RoleAssignment.objects.bulk_create(RoleAssignment(person=person, role=r) for r in set(roles))
    audit_record(
        organisation=organisation,
        actor=actor,
        action="person.create",
        target=person,
        after={**model_snapshot(person), "roles": sorted(set(roles))},
    )
    return person


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, person: Person, name: str) -> tuple[ApiToken, str]:
    """Make a token; the clear text is returned once and never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person, name=name, prefix=prefix, secret_hash=_token_hash(secret)
    )
    audit_record(
        organisation=person.organisation, actor=person, action="api_token.create", target=token
    )
    return token, f"tg_{prefix}_{secret}"


def api_token_authenticate(raw: str) -> Person | None:
    try:
        marker, prefix, secret = raw.split("_", 2)
    except ValueError:
        return None
    if marker != "tg":
        return None
    token = (
        ApiToken.objects.select_related("person__organisation", "person__user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.secret_hash, _token_hash(secret)):
        return None
    if not token.person.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.person
