"""Search, one suite for both backends: `make test` runs it on SQLite and on PostgreSQL."""

import datetime

import pytest

from tests.factories import captured, channel_in
from torget.archive.search import Filters, records_search
from torget.ingest.pipeline import Ingestion

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def archive(world, other_world):
    facebook = channel_in(world, "active", name="Facebook")
    instagram = channel_in(world, "active", name="Instagram", platform="instagram")
    theirs = channel_in(other_world, "active")
    items = {
        facebook: [
            captured(
                "1",
                "Kommunen har beslutat om nya bygglov.",
                kind="post",
                created_at=at(1),
                author_is_organisation=True,
                author_name="Exempla kommun",
            ),
            captured(
                "2",
                "Hur lång tid tar bygglovet i kommun?",
                parent_id="1",
                created_at=at(2),
                author_name="Anna Andersson",
            ),
            captured(
                "3",
                "Förskolorna stänger tidigt på fredag.",
                created_at=at(3),
                author_name="Bertil Berg",
            ),
            captured(
                "4", "<script>alert('x')</script> bygglov", created_at=at(4), author_name="Cecilia"
            ),
        ],
        instagram: [
            captured(
                "5",
                "Bild från förskolan i kommunen",
                created_at=at(5),
                author_name="Anna Andersson",
            ),
        ],
        theirs: [captured("9", "Kommunen i Grannby har bygglov", created_at=at(6))],
    }
    for channel, captured_items in items.items():
        with Ingestion(channel=channel, source="test") as ingestion:
            for item in captured_items:
                ingestion.add(item)
    return {"facebook": facebook, "instagram": instagram}


def ids(page) -> list[str]:
    return [hit.record.platform_id for hit in page.hits]


def test_swedish_inflections_match(world, archive):
    assert ids(records_search(person=world.communicator, query="bygglovet")) == ["4", "2", "1"]
    assert ids(records_search(person=world.communicator, query="kommun")) == ["5", "2", "1"]
    assert ids(records_search(person=world.communicator, query="kommunen")) == ["5", "2", "1"]
    # "förskolan" (5) is the definite form the Snowball stemmer alone left unstemmed.
    assert ids(records_search(person=world.communicator, query="förskola")) == ["5", "3"]


def test_every_word_must_match(world, archive):
    assert ids(records_search(person=world.communicator, query="bygglov kommunen")) == ["2", "1"]
    assert ids(records_search(person=world.communicator, query="bygglov förskolan")) == []


def test_another_organisations_records_are_never_found(world, other_world, archive):
    assert "9" not in ids(records_search(person=world.communicator, query="Grannby"))
    assert ids(records_search(person=other_world.communicator, query="bygglov")) == ["9"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "post"}, ["1"]),
        ({"direction": "drawn_up"}, ["1"]),
        ({"direction": "received"}, ["4", "2"]),
        ({"author": "Anna Andersson"}, ["2"]),
        ({"since": datetime.date(2025, 3, 2), "until": datetime.date(2025, 3, 3)}, ["2"]),
        ({"state": "deleted"}, []),
        ({"has_media": True}, []),
    ],
)
def test_filters(world, archive, filters, expected):
    page = records_search(person=world.communicator, query="bygglov", filters=Filters(**filters))
    assert ids(page) == expected


def test_channel_filter_and_no_query(world, archive):
    page = records_search(
        person=world.communicator, filters=Filters(channel_id=archive["instagram"].pk)
    )
    assert ids(page) == ["5"]


def test_snippets_mark_the_inflected_words_and_escape_html(world, archive):
    hits = {
        h.record.platform_id: h.snippet
        for h in records_search(person=world.communicator, query="bygglov").hits
    }
    assert "<mark>bygglovet</mark>" in hits["2"]
    assert "&lt;script&gt;" in hits["4"] and "<script>" not in hits["4"]


def test_pages_follow_each_other(world, archive):
    first = records_search(person=world.communicator, query="bygglov", limit=2)
    assert ids(first) == ["4", "2"] and first.next_before
    second = records_search(
        person=world.communicator, query="bygglov", limit=2, before=first.next_before
    )
    assert ids(second) == ["1"] and second.next_before == ""


def test_an_edit_updates_the_index(world, archive):
    with Ingestion(channel=archive["facebook"], source="edit") as ingestion:
        ingestion.add(
            captured(
                "3",
                "Förskolorna har öppet som vanligt.",
                created_at=at(3),
                author_name="Bertil Berg",
            )
        )
    assert ids(records_search(person=world.communicator, query="stänger")) == []
    assert ids(records_search(person=world.communicator, query="vanligt")) == ["3"]


def test_query_syntax_is_not_interpreted(world, archive):
    for query in ['"', "bygglov OR", "NEAR(", "*", "kommun AND -x", "'; DROP TABLE"]:
        records_search(person=world.communicator, query=query)  # no error


def test_both_sqlite_strategies_give_the_same_pages(world, archive, monkeypatch):
    """Common words walk the records newest first; rare ones sort their matches. Same answer."""
    from django.db import connection

    from torget.archive import search

    queries = ["bygglov", "kommunen", "förskola", "bygglov kommunen", "nothing-like-this"]
    expected = {q: ids(records_search(person=world.communicator, query=q)) for q in queries}
    monkeypatch.setattr(search, "COMMON_MATCHES", 0)
    for query in queries:
        assert ids(records_search(person=world.communicator, query=query)) == expected[query]
        page = records_search(person=world.communicator, query=query, limit=1)
        assert ids(page) == expected[query][:1]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert search._common_on_sqlite(cursor, '"bygglov"')


def test_a_cursor_we_did_not_make_gives_the_first_page(world, archive):
    for before in ["x_1", "2025-03-01T00:00:00_x", "_", "nonsense"]:
        assert ids(records_search(person=world.communicator, query="bygglov", before=before)) == [
            "4",
            "2",
            "1",
        ]
