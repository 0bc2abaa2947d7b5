"""An archive written by the code before the integrity rework (fixtures/main-archive.json,
made by fixtures/make_main_archive.py with main's code) is loaded into a database at main's
migrations, migrated forward with this code, and verifies: version-1 contents under the
version-1 rules, form-1 chain entries under form 1, the old audit events vouched for by the
audit chain's first event. New captures on top use the new forms, and tampering with the old
records is still named.

Runs in a database of its own (a SQLite file, or a PostgreSQL database beside the test
database), in a child process, so that migrating backwards leaves the test database alone.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
import django
django.setup()
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
import io

fixture, blob = sys.argv[1], sys.argv[2]
call_command("migrate", verbosity=0)
call_command("migrate", "archive", "0004", verbosity=0)
call_command("migrate", "organisations", "0002", verbosity=0)
rows = json.load(open(fixture))
used = set()
with transaction.atomic(), connection.cursor() as cursor:
    for obj in rows:
        model = apps.get_model(obj["model"])
        used.add(model)
        table = model._meta.db_table
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        names, values = [], []
        for field in model._meta.concrete_fields:
            if field.column not in columns:
                continue
            if field.primary_key:
                value = obj["pk"]
            elif field.name in obj["fields"]:
                value = obj["fields"][field.name]
            else:
                continue
            if field.is_relation:
                value = field.target_field.to_python(value) if value is not None else None
            elif value is not None and not field.get_internal_type() == "JSONField":
                value = field.to_python(value)
            names.append(connection.ops.quote_name(field.column))
            values.append(field.get_db_prep_save(value, connection))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
            values,
        )
    for sql in connection.ops.sequence_reset_sql(no_style(), list(used)):
        cursor.execute(sql)
call_command("migrate", verbosity=0)
sha = open(blob, "rb").read()
import hashlib
name = hashlib.sha256(sha).hexdigest()
from torget.archive import blobs
default_storage.save(blobs.blob_name(name), ContentFile(sha))

def verify():
    out = io.StringIO()
    try:
        call_command("verify", stdout=out)
    except CommandError:
        pass
    return out.getvalue()

result = {"after_migration": verify()}
from torget.archive.models import IntegrityEntry, Record, RecordVersion
from torget.channels.models import Channel
from torget.ingest.pipeline import Ingestion
from torget.sources.base import CapturedItem
import datetime
channel = Channel.objects.get()
at = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)
old_c1 = Record.objects.get(platform_id="c1")
with Ingestion(channel=channel, source="third.jsonl") as ingestion:
    # c1 as it was (raw differs only): no new version; c5 is new; c3 edited again.
    ingestion.add(CapturedItem(platform_id="c1", kind="comment", text=old_c1.text,
        created_at=old_c1.created_at, captured_at=at, raw='{"id": "c1", "likes": 3}',
        author_id="u-c1", author_name="Anna Andersson", parent_id="post"))
    ingestion.add(CapturedItem(platform_id="c5", kind="comment", text="Ny kommentar",
        created_at=at, captured_at=at, raw='{"id": "c5"}', author_id="u-c5",
        author_name="Bo Berg", parent_id="post"))
    ingestion.add(CapturedItem(platform_id="c3", kind="comment", text="Tredje lydelsen",
        created_at=old_c1.created_at, captured_at=at, raw='{"id": "c3"}', author_id="u-c3",
        author_name="Anna Andersson", parent_id="post", edited_at=at))
result["c1_versions"] = RecordVersion.objects.filter(record__platform_id="c1").count()
result["forms"] = sorted({e.form or 1 for e in IntegrityEntry.objects.all()})
result["c3_contents"] = [json.loads(v.content)["v"] for v in
    RecordVersion.objects.filter(record__platform_id="c3").order_by("number")]
result["after_new_captures"] = verify()
with connection.cursor() as cursor:
    cursor.execute("UPDATE archive_record SET text = 'Förfalskat' WHERE id = %s", [old_c1.pk])
    cursor.execute(
        "UPDATE archive_recordversion SET content = REPLACE(content, 'Dold', 'Falsk') "
        "WHERE record_id = (SELECT id FROM archive_record WHERE platform_id = 'c2')"
    )
    cursor.execute(
        "UPDATE archive_record SET state = 'removed' WHERE platform_id = 'c4'"
    )
result["after_tampering"] = verify()
result["c1_id"] = old_c1.pk
print("RESULT " + json.dumps(result))
"""


def _database_url(tmp_path: Path) -> tuple[str, callable]:
    if connection.vendor == "sqlite":
        return f"sqlite:///{tmp_path / 'main.sqlite3'}", lambda: None
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_main_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    auth = f"{user}:{settings['PASSWORD']}@" if settings["PASSWORD"] else f"{user}@"

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"postgres://{auth}{host}:{port}/{name}", drop


@pytest.mark.django_db
def test_an_archive_made_by_main_migrates_and_verifies(tmp_path):
    url, drop = _database_url(tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    env = {
        **os.environ,
        "TORGET_DATABASE_URL": url,
        "TORGET_DATA_DIR": str(data),
        "TORGET_SECRET_KEY": "x",
        "DJANGO_SETTINGS_MODULE": "torget.settings",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    }
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(FIXTURES / "main-archive.json"),
                str(FIXTURES / "main-archive-blob.bin"),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        drop()
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert "OK: 1 channel(s) verified, no problems." in result["after_migration"], result
    assert "BROKEN" not in result["after_migration"]
    # A capture differing only in its raw payload is no new version of an old record.
    assert result["c1_versions"] == 1
    assert result["forms"] == [1, 2]
    assert result["c3_contents"] == [1, 1, 2]
    assert "BROKEN" not in result["after_new_captures"], result["after_new_captures"]
    broken = result["after_tampering"]
    assert f"record c1 (id {result['c1_id']}) text" in broken
    assert "record c2 (id" in broken and "version 1 content" in broken
    assert "record c4 (id" in broken and "state (chain entry" in broken
