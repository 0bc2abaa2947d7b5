"""The search index holds lemmas: every record is indexed again (docs/search.md).

Until now the index held Snowball Swedish stems, which leave definite forms such as
"förskolan" and "barnet" unstemmed. The terms are now the words with their dictionary lemmas
(archive/text.py). On SQLite the FTS5 table is made anew with the `ascii` tokenizer, so that
each of our terms is exactly one token, as it is one lexeme on PostgreSQL; the records it held
are held again. `torget reindex` does the same later, with progress, and may be run any time.

This migration calls the current indexing code on purpose: the index must hold what the
running code searches for.
"""

import sys

from django.db import migrations

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE archive_search USING fts5(stems, tokenize = 'ascii', detail = 'none')"
)


def forwards(apps, schema_editor):
    from torget.archive.search import reindex

    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute("ALTER TABLE archive_search RENAME TO archive_search_old")
            cursor.execute(SQLITE_TABLE)
            # The records that were indexed stay indexed (a purged disposal's record is not).
            cursor.execute(
                "INSERT INTO archive_search (rowid, stems) SELECT rowid, '' FROM archive_search_old"
            )
            cursor.execute("DROP TABLE archive_search_old")

    def progress(done: int, total: int) -> None:
        if total >= 20_000:
            sys.stdout.write(f"\n  search index: {done:,} of {total:,} records")
            sys.stdout.flush()

    reindex(using=conn.alias, progress=progress)


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute("ALTER TABLE archive_search RENAME TO archive_search_old")
            cursor.execute(
                "CREATE VIRTUAL TABLE archive_search USING fts5(stems, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )
            cursor.execute(
                "INSERT INTO archive_search (rowid, stems) SELECT rowid, stems "
                "FROM archive_search_old"
            )
            cursor.execute("DROP TABLE archive_search_old")


class Migration(migrations.Migration):
    dependencies = [("archive", "0004_record_state_disposed")]

    operations = [migrations.RunPython(forwards, backwards)]
