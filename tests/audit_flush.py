"""The one way the test suite empties the audit log: lifting its triggers around a flush.

The database refuses UPDATE, DELETE and TRUNCATE on the audit log (organisations migration
0003), with no setting that turns the refusal off. Tests that run outside a transaction
(`django_db(transaction=True)`, live_server) end with Django's flush, which deletes or
truncates every table. For those flushes only, the suite drops the triggers (SQLite) or
disables them (PostgreSQL) inside the flush's own transaction and puts them back before it
commits: a schema change that needs the table owner's rights, which Torget's code never makes.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.operations import BaseDatabaseOperations

TABLE = "organisations_auditevent"


@contextmanager
def audit_triggers_lifted(connection):
    """Within the caller's transaction: the audit log's triggers are off, then back on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [TABLE],
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            yield


def install() -> None:
    """Let Django's flush (and only it) empty the audit log in the test database."""
    original = BaseDatabaseOperations.execute_sql_flush
    if getattr(original, "lifts_audit_triggers", False):
        return

    def execute_sql_flush(self, sql_list):
        with (
            transaction.atomic(using=self.connection.alias),
            audit_triggers_lifted(self.connection),
        ):
            original(self, sql_list)

    execute_sql_flush.lifts_audit_triggers = True
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
