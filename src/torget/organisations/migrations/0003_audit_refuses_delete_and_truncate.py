"""The audit log refuses UPDATE, DELETE and TRUNCATE in the database itself, on both databases.

Migration 0002 refused UPDATE on both and DELETE on PostgreSQL only; SQLite let rows be
deleted and PostgreSQL let the table be truncated. Now every one of these is refused, with
a message naming the statement ("the audit log is append-only: DELETE is refused"), and no
setting or session variable turns the refusal off. Only someone who may change the schema
(drop the trigger) can remove rows; the test suite does exactly that around its flush
(tests/conftest.py), and Torget itself never does.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION torget_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS organisations_auditevent_append_only ON organisations_auditevent;
CREATE TRIGGER organisations_auditevent_append_only
    BEFORE UPDATE OR DELETE ON organisations_auditevent
    FOR EACH ROW EXECUTE FUNCTION torget_audit_append_only();
CREATE TRIGGER organisations_auditevent_no_truncate
    BEFORE TRUNCATE ON organisations_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION torget_audit_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS organisations_auditevent_no_truncate ON organisations_auditevent;
CREATE OR REPLACE FUNCTION torget_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""
# SQLite's cursor runs one statement at a time, so these are lists.
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS organisations_auditevent_no_update",
    "CREATE TRIGGER organisations_auditevent_no_update BEFORE UPDATE ON organisations_auditevent"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE is refused'); END",
    "CREATE TRIGGER organisations_auditevent_no_delete BEFORE DELETE ON organisations_auditevent"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE is refused'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS organisations_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS organisations_auditevent_no_update",
    "CREATE TRIGGER organisations_auditevent_no_update BEFORE UPDATE ON organisations_auditevent"
    " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        for statement in [sql] if isinstance(sql, str) else sql or []:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_audit_append_only")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
