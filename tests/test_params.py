"""The shared parsers of ids, dates and cursors never raise, and never return what the
database cannot hold (torget/params.py)."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from torget.dialogue.selectors import _parse_cursor as inbox_cursor
from torget.params import (
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    form_id,
    parse_cursor,
    parse_date,
    parse_id,
    parse_moment,
    parse_time,
)

# Text that looks like what the parsers expect, and anything at all.
NEAR = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"-?[0-9]{1,40}", fullmatch=True),
    st.from_regex(r"[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.from_regex(
        r"[+-]?[0-9]{4,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?_-?[0-9]{1,30}",
        fullmatch=True,
    ),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True).map(str).map(lambda f: f"{f}_{f}"),
)


@given(NEAR)
def test_parse_id_is_none_or_a_database_integer(value):
    number = parse_id(value)
    assert number is None or (type(number) is int and 0 < number <= MAX_ID)
    assert form_id(value) == (number or 0)


@given(NEAR)
def test_parse_date_is_none_or_a_date_with_neighbours(value):
    day = parse_date(value)
    if day is not None:
        assert MIN_DATE <= day <= MAX_DATE
        assert day + datetime.timedelta(days=1) > day - datetime.timedelta(days=1)


@given(NEAR)
def test_parse_cursor_is_none_or_a_moment_and_an_id(value):
    cursor = parse_cursor(value)
    if cursor is not None:
        moment, pk = cursor
        assert moment.tzinfo is not None and MIN_DATE <= moment.date() <= MAX_DATE
        assert 0 < pk <= MAX_ID


@given(NEAR)
def test_the_inbox_cursor_is_none_or_holdable(value):
    cursor = inbox_cursor(value)
    if cursor is not None:
        assert 0 < cursor[1] <= MAX_ID


@given(NEAR)
def test_parse_time_and_moment_never_raise(value):
    parse_time(value)
    parse_moment(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 30, None),
        ("0", None),
        ("-1", None),
        ("²", None),  # str.isdigit() says yes; int() raises
        ("١٢", None),  # int() reads Arabic-Indic digits; an address should not
        (" 42", None),
        ("4.2", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_id_examples(value, expected):
    assert parse_id(value) == expected


def test_a_cursor_the_search_page_writes_reads_back():
    moment = timezone.now().replace(microsecond=123456)
    assert parse_cursor(f"{moment.isoformat()}_17") == (moment, 17)
    assert parse_cursor("9999-12-31T23:59:59+00:00_1") is None
    assert parse_cursor(f"{moment.isoformat()}_{'9' * 25}") is None
    assert parse_date("9999-12-31") is None and parse_date("2025-02-28") == datetime.date(
        2025, 2, 28
    )


# The two server errors the review found, and the NUL class PostgreSQL adds to them.

HUGE = "9" * 30


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/logg/?actor={HUGE}",
        "/logg/?actor=%C2%B2",
        "/logg/?since=0001-01-01&until=9999-12-31",
        f"/arkiv/?q=kommun&before=2025-01-01T00:00:00%2B00:00_{HUGE}",
        "/arkiv/?q=kommun&before=0001-01-01T00:00:00%2B14:00_1",
        "/arkiv/?until=9999-12-31",
        f"/api/records?q=kommun&before=2025-01-01T00:00:00%2B00:00_{HUGE}",
        f"/register/?unit={HUGE}",
        f"/dialog/?after=1e300_{HUGE}",
    ],
)
def test_huge_numbers_and_edge_dates_are_ignored_not_a_server_error(client_as, world, url):
    response = client_as(world.admin).get(url)
    assert response.status_code == 200, response.content[:300]


@pytest.mark.django_db
def test_a_huge_id_in_a_path_is_no_page(client_as, world):
    client = client_as(world.admin)
    assert client.get(f"/arkiv/handling/{HUGE}/").status_code == 404
    assert client.get(f"/arkiv/handling/{2**63}/").status_code == 404
    assert client.get(f"/api/records/{HUGE}").status_code == 404


@pytest.mark.django_db
def test_a_choice_of_rows_by_a_huge_id_is_an_invalid_choice(client_as, world):
    response = client_as(world.manager).post(
        "/register/ny/", {"name": "x", "administrators": [HUGE]}
    )
    assert response.status_code == 200  # the form again, with its errors
    assert response.context["form"].errors["administrators"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/logg/?action=a%00b", "/arkiv/?q=a%00b", "/api/records?author=%00", "/kanaler/?q=%00"]
)
def test_a_nul_character_is_refused_in_plain_words(client_as, world, url):
    response = client_as(world.admin).get(url)
    assert response.status_code == 400
    assert "NUL-tecken" in response.content.decode()
    posted = client_as(world.admin).post("/organisation/", {"name": "a\x00b"})
    assert posted.status_code == 400
