"""Writes for organisations: the audit log, people and API tokens."""

import datetime
import decimal
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from torget.refusals import CONFLICT, Refusal

from .access import check_role
from .models import ApiToken, AuditEvent, Organisation, Person, Role, RoleAssignment, Unit


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


def audit_change(
    *,
    organisation: Organisation,
    actor: Person | None,
    action: str,
    target: models.Model,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str = "",
    ignore: Iterable[str] = ("updated_at",),
) -> AuditEvent | None:
    """Audit only what changed between two snapshots; nothing when nothing did."""
    changed_before, changed_after = snapshot_diff(before, after)
    for key in ignore:
        changed_before.pop(key, None)
        changed_after.pop(key, None)
    if not changed_after:
        return None
    return audit_record(
        organisation=organisation,
        actor=actor,
        action=action,
        target=target,
        before=changed_before,
        after=changed_after,
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


class TokenRefused(ValidationError, Refusal):
    """A token that cannot be revoked (already revoked), with a sentence saying why."""

    status = CONFLICT


@transaction.atomic
def api_token_revoke(*, actor: Person | None, token: ApiToken, note: str = "") -> ApiToken:
    """Revoke a token for good: from then on it gives 401. A person revokes their own;
    an organisation administrator anyone's in the organisation; `actor` None is the
    operator at the command line. Audited either way."""
    token = ApiToken.objects.select_for_update().select_related("person").get(pk=token.pk)
    if actor is not None and actor.pk != token.person_id:
        if actor.organisation_id != token.person.organisation_id:
            raise PermissionDenied
        check_role(actor, ADMINS)
    if token.revoked_at is not None:
        raise TokenRefused(_("The key was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        organisation=token.person.organisation,
        actor=actor,
        action="api_token.revoke",
        target=token,
        after={
            "person": token.person_id,
            "name": token.name,
            "prefix": token.prefix,
            "revoked_at": token.revoked_at.isoformat(),
        },
        note=note,
    )
    return token


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


ADMINS = (Role.ORG_ADMIN,)


def _check_admin(actor: Person, person: Person | None = None) -> None:
    check_role(actor, ADMINS)
    if person is not None and person.organisation_id != actor.organisation_id:
        raise Http404("No such person.")


def _check_unit(actor: Person, unit: Unit | None) -> None:
    if unit is not None and unit.organisation_id != actor.organisation_id:
        raise ValidationError({"unit": _("Choose a unit of your own organisation.")})


@transaction.atomic
def unit_create(*, actor: Person, name: str) -> Unit:
    _check_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the unit a name.")})
    if Unit.objects.filter(organisation_id=actor.organisation_id, name__iexact=name).exists():
        raise ValidationError({"name": _("There is already a unit with this name.")})
    unit = Unit.objects.create(organisation_id=actor.organisation_id, name=name)
    audit_record(
        organisation=actor.organisation,
        actor=actor,
        action="unit.create",
        target=unit,
        after=model_snapshot(unit),
    )
    return unit


@transaction.atomic
def person_add(
    *,
    actor: Person,
    username: str,
    password: str,
    name: str,
    roles: Iterable[str],
    title: str = "",
    email: str = "",
    unit: Unit | None = None,
) -> Person:
    """An organisation administrator adds a member of staff with their roles."""
    _check_admin(actor)
    _check_unit(actor, unit)
    if get_user_model().objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    try:
        password_validation.validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    return person_create(
        organisation=actor.organisation,
        username=username,
        password=password,
        name=name,
        roles=roles,
        title=title,
        email=email,
        unit=unit,
        actor=actor,
    )


@transaction.atomic
def person_update(
    *,
    actor: Person,
    person: Person,
    name: str,
    title: str,
    email: str,
    unit: Unit | None,
    roles: Iterable[str],
    is_active: bool,
) -> Person:
    """Change a person's details, roles or access; every change is in the audit log."""
    _check_admin(actor, person)
    _check_unit(actor, unit)
    roles = set(roles)
    if not roles <= set(Role.values):
        raise ValidationError({"roles": _("Unknown role.")})
    before = {
        **model_snapshot(person),
        "roles": sorted(person.roles),
        "is_active": person.user.is_active,
    }
    removes_admin = Role.ORG_ADMIN in before["roles"] and (
        Role.ORG_ADMIN not in roles or not is_active
    )
    if (
        removes_admin
        and not Person.objects.filter(
            organisation_id=actor.organisation_id,
            user__is_active=True,
            role_assignments__role=Role.ORG_ADMIN,
        )
        .exclude(pk=person.pk)
        .exists()
    ):
        raise ValidationError(
            _("The organisation must keep at least one active organisation administrator.")
        )
    person.name, person.title, person.email, person.unit = name, title, email, unit
    person.full_clean(exclude=["user", "organisation"])
    person.save(update_fields=["name", "title", "email", "unit"])
    RoleAssignment.objects.filter(person=person).exclude(role__in=roles).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(person=person, role=r) for r in roles - set(before["roles"])]
    )
    if person.user.is_active != is_active:
        person.user.is_active = is_active
        person.user.save(update_fields=["is_active"])
    person.__dict__.pop("roles", None)
    after = {**model_snapshot(person), "roles": sorted(roles), "is_active": is_active}
    audit_change(
        organisation=actor.organisation,
        actor=actor,
        action="person.update",
        target=person,
        before=before,
        after=after,
    )
    return person
