"""When a question must be answered: the end of the next working day after it arrived.

Seed 002 §2.1.5: "Helst samma dag, men allra senast dagen efter (vardagar)". A working day is
a weekday that is neither a public holiday of the organisation's country, nor one of the days
offices close in practice (midsummer eve, Christmas eve, New Year's eve), nor one of the
organisation's own closure days. A question that arrives after office hours, or on a day off,
counts from the next working day; one that arrives before opening counts from that day.

    arrives Friday 17:05 (office 08:00-17:00)  -> counts from Monday -> due Tuesday 17:00
    arrives Friday 16:55                       -> counts from Friday -> due Monday 17:00

All arithmetic is done on local dates and wall-clock times in the organisation's zone and
converted to UTC at the end, so a daylight-saving change never moves a deadline by an hour.
"""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

__all__ = ["Calendar", "UnknownCountry", "deadline_for"]

# Which of the `holidays` package's categories are days off, per country. Sweden's de facto
# days (midsommarafton, julafton, nyårsafton) and Denmark's optional ones (juleaftensdag,
# nytårsaftensdag, grundlovsdag, 1 maj) close offices; Finland's public calendar already holds
# juhannusaatto and jouluaatto.
CATEGORIES = {
    "SE": ("public", "de_facto"),
    "NO": ("public",),
    "DK": ("public", "optional"),
    "FI": ("public",),
}
# Days off in practice that the package does not list: Norway's julaften and nyttårsaften.
EXTRA_DAYS_OFF = {"NO": ((12, 24, _("Christmas Eve")), (12, 31, _("New Year's Eve")))}
DEFAULT_ZONES = {
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "DK": "Europe/Copenhagen",
    "FI": "Europe/Helsinki",
}


class UnknownCountry(ValueError):
    """A calendar for a country Torget has no public holidays for."""

    def __init__(self, country: str) -> None:
        known = ", ".join(sorted(CATEGORIES))
        super().__init__(
            f"Torget has no calendar of public holidays for the country {country!r}; "
            f"it knows {known}."
        )
        self.country = country


@dataclass(frozen=True)
class Calendar:
    country: str = "SE"
    opens: datetime.time = datetime.time(8, 0)
    closes: datetime.time = datetime.time(17, 0)
    zone: str = ""
    closure_days: frozenset[datetime.date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.country not in CATEGORIES:
            raise UnknownCountry(self.country)
        if not self.opens < self.closes:
            raise ValueError("Office hours must open before they close.")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone or DEFAULT_ZONES[self.country])

    def is_working_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() < 5
            and day not in _days_off(self.country, day.year)
            and day not in self.closure_days
        )

    def next_working_day(self, day: datetime.date) -> datetime.date:
        day += datetime.timedelta(days=1)
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def day_off_name(self, day: datetime.date) -> str:
        """The holiday's name in the language of the page (Swedish by default)."""
        language = _holiday_language(self.country, get_language() or "sv")
        name = _names(self.country, day.year, language).get(day)
        if name:
            return name
        for month, number, extra in EXTRA_DAYS_OFF.get(self.country, ()):
            if (day.month, day.day) == (month, number):
                return str(extra)
        return ""


@lru_cache(maxsize=64)
def _days_off(country: str, year: int) -> dict[datetime.date, str]:
    days = dict(
        holidays.country_holidays(country, years=year, categories=CATEGORIES[country]).items()
    )
    for month, day, _name in EXTRA_DAYS_OFF.get(country, ()):
        days.setdefault(datetime.date(year, month, day), "day off in practice")
    return days


@lru_cache(maxsize=64)
def _names(country: str, year: int, language: str) -> dict[datetime.date, str]:
    return dict(
        holidays.country_holidays(
            country, years=year, categories=CATEGORIES[country], language=language
        ).items()
    )


def _holiday_language(country: str, ui_language: str) -> str:
    """The `holidays` package's language nearest the page's: Swedish names for a Swedish
    page (Finland's in Finland-Swedish), English for English, else the country's own."""
    entity = holidays.country_holidays(country).__class__
    supported = entity.supported_languages
    wanted = {"sv": ("sv", f"sv_{country}"), "en": ("en_US", "en_GB")}.get(
        ui_language.split("-")[0], ()
    )
    for language in wanted:
        if language in supported:
            return language
    return entity.default_language


def counts_from(arrived: datetime.datetime, calendar: Calendar) -> datetime.date:
    """The working day a question arriving at `arrived` counts from."""
    local = arrived.astimezone(calendar.tz)
    day = local.date()
    if calendar.is_working_day(day) and local.time() < calendar.closes:
        return day
    return calendar.next_working_day(day)


def deadline_for(arrived: datetime.datetime, calendar: Calendar) -> datetime.datetime:
    """The end of office hours on the next working day after the day it counts from (UTC)."""
    if arrived.tzinfo is None:
        raise ValueError("The arrival time must carry its time zone.")
    due_day = calendar.next_working_day(counts_from(arrived, calendar))
    local = datetime.datetime.combine(due_day, calendar.closes, tzinfo=calendar.tz)
    return local.astimezone(datetime.UTC)
