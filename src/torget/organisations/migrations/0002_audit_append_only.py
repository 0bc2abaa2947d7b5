"""Make the audit log append-only in the database itself, not only in the model.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, used only by test teardown, is not a row
change). SQLite refuses UPDATE; it keeps DELETE so that test databases can be flushed.
"""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION torget_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisations_auditevent_append_only
    BEFORE UPDATE OR DELETE ON organisations_auditevent
    FOR EACH ROW EXECUTE FUNCTION torget_audit_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS organisations_auditevent_append_only ON organisations_auditevent;
DROP FUNCTION IF EXISTS torget_audit_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER organisations_auditevent_no_update BEFORE UPDATE ON organisations_auditevent
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS organisations_auditevent_no_update;"


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
