"""Existing archives get the new index: migration 0005 and `torget reindex` (issue 17)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import captured, channel_in
from torget.archive.models import Record
from torget.archive.search import records_search
from torget.ingest.pipeline import Ingestion

AT = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


def ids(page) -> list[str]:
    return [hit.record.platform_id for hit in page.hits]


def archive(world) -> None:
    channel = channel_in(world, "active")
    with Ingestion(channel=channel, source="t") as ingestion:
        ingestion.add(captured("1", "Förskolan stänger", created_at=AT))
        ingestion.add(captured("2", "Böckerna på biblioteket", created_at=AT))


def old_index(record_terms: dict[str, str]) -> None:
    """Put the stems the old index held in place of the current terms."""
    with connection.cursor() as cursor:
        for platform_id, stems in record_terms.items():
            rid = Record.objects.get(platform_id=platform_id).pk
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM archive_search WHERE rowid = %s", [rid])
                cursor.execute(
                    "INSERT INTO archive_search (rowid, stems) VALUES (%s, %s)", [rid, stems]
                )
            else:
                cursor.execute(
                    "UPDATE archive_record SET search_vector = %s::tsvector WHERE id = %s",
                    [stems, rid],
                )


@pytest.mark.django_db(transaction=True)
def test_the_migration_reindexes_an_archive_indexed_with_stems(world):
    archive(world)
    call_command("migrate", "archive", "0004", verbosity=0)
    old_index({"1": "förskolan stäng", "2": "böckern på bibliotek"})
    assert ids(records_search(person=world.communicator, query="förskola")) == []
    call_command("migrate", "archive", verbosity=0)
    assert ids(records_search(person=world.communicator, query="förskola")) == ["1"]
    assert ids(records_search(person=world.communicator, query="bok")) == ["2"]


@pytest.mark.django_db
def test_the_reindex_command_rebuilds_the_index_and_says_so(world):
    archive(world)
    old_index({"1": "förskolan stäng", "2": "böckern på bibliotek"})
    assert ids(records_search(person=world.communicator, query="bok")) == []
    out = io.StringIO()
    call_command("reindex", stdout=out, stderr=io.StringIO())
    assert "Search index rebuilt: 2 records." in out.getvalue()
    assert ids(records_search(person=world.communicator, query="bok")) == ["2"]
    call_command("reindex", stdout=io.StringIO(), stderr=io.StringIO())  # again: the same
    assert ids(records_search(person=world.communicator, query="förskola")) == ["1"]
