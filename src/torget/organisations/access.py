"""Permission checks shared by every app: the vocabulary is in docs/vocabulary.md.

`check_role` raises `RoleRequired` (a 403) with a sentence that names the roles that may act;
scoping by organisation happens in the selectors, which never fetch by id alone.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from torget.refusals import FORBIDDEN, Refusal

from .models import Person, Role


class RoleRequired(Refusal, PermissionDenied):
    """The person is in the right organisation but lacks the role for this step."""

    status = FORBIDDEN


def role_labels(roles: Iterable[str]) -> str:
    return ", ".join(str(Role(role).label).lower() for role in roles)


def check_role(person: Person, roles: Iterable[str]) -> None:
    roles = tuple(roles)
    if not person.has_role(*roles):
        raise RoleRequired(
            str(format_lazy(_("Only these roles may do this: {roles}."), roles=role_labels(roles)))
        )
