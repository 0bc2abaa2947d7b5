"""The search index: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both hold the same Snowball Swedish stems, computed in Python (archive/text.py), so that both
backends find the same records. PostgreSQL's own `swedish` configuration uses an older
Snowball that leaves definite forms such as "bygglovet" unstemmed.
"""

from django.db import migrations

SQLITE_UP = (
    "CREATE VIRTUAL TABLE archive_search USING fts5(stems, "
    "tokenize = 'unicode61 remove_diacritics 0')"
)
SQLITE_DOWN = "DROP TABLE IF EXISTS archive_search"
POSTGRES_UP = [
    "ALTER TABLE archive_record ADD COLUMN search_vector tsvector",
    "CREATE INDEX archive_record_search ON archive_record USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS archive_record_search",
    "ALTER TABLE archive_record DROP COLUMN IF EXISTS search_vector",
]


def _run(by_vendor):
    def run(apps, schema_editor):
        statements = by_vendor.get(schema_editor.connection.vendor, [])
        for sql in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
