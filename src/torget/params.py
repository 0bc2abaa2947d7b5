"""Reading ids, dates and paging cursors from query strings, forms and paths: one way, no 500.

A value that anyone can type into an address must never reach the database in a form it
cannot hold (an id over 2**63 - 1, a date whose day after does not exist), nor raise an
error the view did not expect (`int("²")`, `OverflowError`). Each parser here returns the
value, or None when the text is not one; the view then ignores the filter (or answers 404
for a path). Nothing here raises on any string.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

__all__ = [
    "MAX_ID",
    "IdChoiceField",
    "IdConverter",
    "IdsChoiceField",
    "RefuseNulMiddleware",
    "form_id",
    "parse_cursor",
    "parse_date",
    "parse_id",
    "parse_time",
]

# The largest value of a 64-bit signed integer: every primary key on both databases.
MAX_ID = 2**63 - 1
# Dates from here to there have a day before and after and survive any time zone.
MIN_DATE = datetime.date(2, 1, 1)
MAX_DATE = datetime.date(9998, 12, 31)
_DIGITS = re.compile(r"[0-9]{1,19}")
_MAX_TEXT = 64  # no date, time, id or cursor of ours is longer


def parse_id(value: object) -> int | None:
    """A database id written in ASCII digits (1 to 2**63 - 1), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def form_id(value: object) -> int:
    """A form's id, or 0 (which matches no row) when it is not one."""
    return parse_id(value) or 0


def parse_date(value: object) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) between year 2 and 9998, else None."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TEXT:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if MIN_DATE <= day <= MAX_DATE else None


def parse_time(value: object) -> datetime.time | None:
    """A time of day (HH:MM or HH:MM:SS), else None."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TEXT:
        return None
    try:
        return datetime.time.fromisoformat(value)
    except ValueError:
        return None


def parse_moment(value: object) -> datetime.datetime | None:
    """An ISO date and time between year 2 and 9998, in UTC (a time without a zone is read
    in the current zone), else None."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TEXT:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return None
    return moment if MIN_DATE <= moment.date() <= MAX_DATE else None


def parse_cursor(value: object) -> tuple[datetime.datetime, int] | None:
    """A keyset cursor "<ISO date and time>_<id>" as the pages write it, else None."""
    if not isinstance(value, str) or value.count("_") != 1:
        return None
    at, pk = value.split("_")
    if len(at) > _MAX_TEXT:
        return None
    try:
        if datetime.datetime.fromisoformat(at).tzinfo is None:
            return None  # the pages write every cursor with its offset: this one is not ours
    except ValueError:
        return None
    moment, number = parse_moment(at), parse_id(pk)
    if moment is None or number is None:
        return None
    return moment, number


class IdConverter:
    """A path's `<id:pk>`: ASCII digits up to 2**63 - 1; anything else is no match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row by id; a value no database integer holds is an invalid choice."""

    def to_python(self, value):
        unset = value in self.empty_values or self.to_field_name is not None
        if not unset and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by id; a value no database integer holds is an invalid choice
    (Django would send it to the database, where SQLite raises OverflowError)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value if isinstance(value, list | tuple) else ():
                if parse_id(str(pk)) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(pk)[:40]},
                    )
        return super()._check_values(value)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """A NUL character in an address, a query string or a form is refused with 400.

    No Torget page takes one, and PostgreSQL cannot compare or store text holding one: a
    filter such as /logg/?action=a%00b would otherwise end in a server error.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        refused = "\x00" in request.path or _has_nul(request.GET)
        if not refused and request.method == "POST":
            refused = _has_nul(request.POST)
        if refused:
            return HttpResponseBadRequest(
                _("The address or the form holds a NUL character, which Torget never accepts."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
