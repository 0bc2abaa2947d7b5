"""Short dates as people write them: "29 nov. 14:05", "ons 2 dec." in Swedish, "29 Nov" in
English. Django's `M` gives "Nov" (capitalised, no period) in every language."""

import datetime

from django import template
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()

# The Swedish Language Council's abbreviations: short months are written out.
SWEDISH_MONTHS = (
    "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec.",
)  # fmt: skip
ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def month_abbreviation(month: int, language: str | None = None) -> str:
    language = (language or get_language() or "sv").split("-")[0]
    months = SWEDISH_MONTHS if language == "sv" else ENGLISH_MONTHS
    return months[month - 1]


@register.filter(expects_localtime=True, is_safe=False)
def short_date(value: datetime.date | datetime.datetime | None, fmt: str = "j M") -> str:
    """Like `date`, with `M` the month's usual abbreviation in the page's language."""
    if not value:
        return ""
    parts = []
    for char in fmt:
        if char == "M":
            parts.append(month_abbreviation(value.month))
        elif char.isalpha():
            parts.append(dateformat.format(value, char))
        else:
            parts.append(char)
    return "".join(parts)
