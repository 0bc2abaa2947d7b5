"""What a snapshot needs at run time: the snapshot form suggests a period that holds records,
and a missing validator is said in plain Swedish, with what to run."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import captured, channel_in, ingest
from torget.preservation import validate
from torget.preservation.package import Period
from torget.preservation.views import suggested_period

pytestmark = pytest.mark.django_db


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def test_the_form_suggests_the_last_half_year_when_it_holds_records(world):
    channel = channel_in(world, "active")
    today = datetime.date(2026, 12, 2)
    ingest(channel, [captured("old", "Hej", created_at=_at(datetime.date(2026, 3, 1)))])
    assert suggested_period(world.organisation.pk, today) == Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    )


def test_with_nothing_in_the_last_half_year_the_form_suggests_this_half_year_so_far(world):
    """The demo (and a new installation) has records from the last few months only."""
    channel = channel_in(world, "active")
    today = datetime.date(2026, 12, 2)
    ingest(channel, [captured("new", "Hej", created_at=_at(datetime.date(2026, 10, 1)))])
    suggested = suggested_period(world.organisation.pk, today)
    assert suggested == Period(datetime.date(2026, 7, 1), today)


def test_the_overview_page_fills_in_a_period_with_the_records(client_as, world):
    channel = channel_in(world, "active")
    today = timezone.localdate()
    ingest(channel, [captured("c1", "Hej", created_at=_at(today - datetime.timedelta(days=1)))])
    page = client_as(world.archivist).get(reverse("preservation")).content.decode()
    start = re.search(r'name="start" type="date" value="([\d-]+)"', page).group(1)
    end = re.search(r'name="end" type="date" value="([\d-]+)"', page).group(1)
    assert datetime.date.fromisoformat(start) <= today - datetime.timedelta(days=1)
    assert datetime.date.fromisoformat(end) >= today - datetime.timedelta(days=1)


def test_a_missing_validator_is_said_in_swedish_with_what_to_run(tmp_path, settings):
    settings.TORGET_EARK_PYTHON = str(tmp_path / "no-venv" / "bin" / "python")
    with translation.override("sv"):
        check = validate.eark(tmp_path)
    assert not check.ok
    (message,) = check.errors
    assert message.startswith("Valideraren för e-arkivpaket är inte installerad")
    assert "make install" in message and str(tmp_path / "no-venv") in message
