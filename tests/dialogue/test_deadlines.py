"""Deadlines on the hard days: the end of the next working day after a question arrives."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from torget.dialogue.deadlines import Calendar, UnknownCountry, counts_from, deadline_for

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OSLO = ZoneInfo("Europe/Oslo")


def due(arrived: str, calendar: Calendar | None = None, zone=STOCKHOLM) -> str:
    calendar = calendar or Calendar(country="SE")
    at = datetime.datetime.fromisoformat(arrived).replace(tzinfo=zone)
    deadline = deadline_for(at, calendar)
    assert deadline.tzinfo is datetime.UTC
    return deadline.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("arrived", "expected"),
    [
        # An ordinary Tuesday morning: due Wednesday at closing.
        ("2026-03-10 09:15", "Wed 2026-03-11 17:00"),
        # Friday 16:55, five minutes before closing: counts from Friday, due Monday.
        ("2026-03-13 16:55", "Mon 2026-03-16 17:00"),
        # Friday 17:05, after hours: counts from Monday, due Tuesday.
        ("2026-03-13 17:05", "Tue 2026-03-17 17:00"),
        # Saturday: counts from Monday, due Tuesday.
        ("2026-03-14 11:00", "Tue 2026-03-17 17:00"),
        # Before opening on a working day: counts from that day.
        ("2026-03-10 06:30", "Wed 2026-03-11 17:00"),
        # The day before Ascension (Thursday 14 May 2026): due Friday.
        ("2026-05-13 10:00", "Fri 2026-05-15 17:00"),
        # Midsummer eve (Friday 19 June 2026), a day off in practice: counts from Monday.
        ("2026-06-19 10:00", "Tue 2026-06-23 17:00"),
        # The day before midsummer eve: the next working day is Monday.
        ("2026-06-18 10:00", "Mon 2026-06-22 17:00"),
        # Christmas: 23 Dec counts from 23 Dec; 24, 25, 26 (Sat) and 27 (Sun) are off.
        ("2026-12-23 12:00", "Mon 2026-12-28 17:00"),
        # Between Christmas and New Year: 31 Dec and 1 Jan are off.
        ("2026-12-30 10:00", "Mon 2027-01-04 17:00"),
        ("2026-12-31 10:00", "Tue 2027-01-05 17:00"),
        # Across the spring daylight-saving change (29 March 2026): still 17:00 local.
        ("2026-03-27 18:00", "Tue 2026-03-31 17:00"),
        # Across the autumn change (25 October 2026).
        ("2026-10-23 16:00", "Mon 2026-10-26 17:00"),
    ],
)
def test_swedish_deadlines(arrived, expected):
    assert due(arrived) == expected


def test_the_daylight_saving_change_keeps_local_closing_time_not_utc():
    before = deadline_for(datetime.datetime(2026, 3, 27, 10, tzinfo=STOCKHOLM), Calendar())
    after = deadline_for(datetime.datetime(2026, 3, 30, 10, tzinfo=STOCKHOLM), Calendar())
    assert before == datetime.datetime(2026, 3, 30, 15, 0, tzinfo=datetime.UTC)  # CEST, +2
    assert after == datetime.datetime(2026, 3, 31, 15, 0, tzinfo=datetime.UTC)
    winter = deadline_for(datetime.datetime(2026, 3, 24, 10, tzinfo=STOCKHOLM), Calendar())
    assert winter == datetime.datetime(2026, 3, 25, 16, 0, tzinfo=datetime.UTC)  # CET, +1


def test_a_norwegian_organisation_on_17_may():
    norway = Calendar(country="NO")
    # Sunday 17 May 2026; Monday 18 is a working day, Monday 25 is Whit Monday.
    assert due("2026-05-17 12:00", norway, OSLO) == "Tue 2026-05-19 17:00"
    # 17 May 2027 is a Monday: the constitution day is off, counts from Tuesday.
    assert due("2027-05-17 09:00", norway, OSLO) == "Wed 2027-05-19 17:00"
    # A Swedish organisation works on 17 May 2027.
    assert due("2027-05-17 09:00") == "Tue 2027-05-18 17:00"
    # Norway's julaften is a day off in practice.
    assert due("2026-12-23 10:00", norway, OSLO) == "Mon 2026-12-28 17:00"


def test_the_organisations_own_closure_days_and_office_hours():
    klamdag = datetime.date(2026, 5, 15)  # the Friday after Ascension
    calendar = Calendar(
        country="SE",
        opens=datetime.time(8),
        closes=datetime.time(16, 30),
        closure_days=frozenset({klamdag}),
    )
    assert due("2026-05-13 10:00", calendar) == "Mon 2026-05-18 16:30"
    assert due("2026-05-13 16:45", calendar) == "Tue 2026-05-19 16:30"
    assert counts_from(
        datetime.datetime(2026, 5, 15, 10, tzinfo=STOCKHOLM), calendar
    ) == datetime.date(2026, 5, 18)


@pytest.mark.parametrize("country", ["DK", "FI"])
def test_danish_and_finnish_christmas_eve_is_off(country):
    calendar = Calendar(country=country)
    assert due("2026-12-23 10:00", calendar, calendar.tz) == "Mon 2026-12-28 17:00"


def test_an_unknown_country_is_refused_with_what_is_known():
    with pytest.raises(UnknownCountry, match="no calendar of public holidays for the country 'DE'"):
        Calendar(country="DE")


def test_office_hours_must_make_sense_and_times_must_carry_a_zone():
    with pytest.raises(ValueError, match="open before"):
        Calendar(opens=datetime.time(17), closes=datetime.time(8))
    with pytest.raises(ValueError, match="time zone"):
        deadline_for(datetime.datetime(2026, 3, 10, 9), Calendar())  # noqa: DTZ001
