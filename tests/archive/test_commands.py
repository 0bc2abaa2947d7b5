"""`torget import` and `torget verify` as people run them."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import channel_in, interchange_line
from torget.archive.models import IngestionRun, Record, RecordVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


def run_import(channel, path, *extra) -> str:
    out = io.StringIO()
    call_command(
        "import", str(path), "--channel", channel.slug, *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_lines_are_reported_with_their_number_and_the_rest_imported(channel, tmp_path):
    path = write(
        tmp_path / "export.jsonl",
        [
            interchange_line("1", "Hej kommunen"),
            "{not json",
            interchange_line("2", "Saknar tid", created_at=None),
            '{"v": 2, "id": "3"}',
            interchange_line("4", "Fel typ", kind="tweet"),
            interchange_line("5", "Tid utan zon", created_at="2025-03-01T09:00:00"),
            interchange_line("6", "Sista raden"),
        ],
    )
    summary = run_import(channel, path)
    assert "2 new" in summary and "5 rejected" in summary
    for expected in [
        "line 2: not valid JSON",
        "line 3, created_at: missing",
        "line 4, v: unknown format version 2",
        "line 5, kind: unknown kind 'tweet'",
        "line 6, created_at: the time has no zone",
    ]:
        assert expected in summary
    run = IngestionRun.objects.get()
    assert (run.new, run.rejected, run.status) == (2, 5, "completed")
    assert run.errors[0] == {"where": "line 2", "reason": run.errors[0]["reason"]}


def test_a_header_can_declare_a_complete_listing(channel, tmp_path):
    run_import(
        channel,
        write(tmp_path / "a.jsonl", [interchange_line("1", "a"), interchange_line("2", "b")]),
    )
    header = '{"torget": "capture", "v": 1, "complete": true}'
    summary = run_import(channel, write(tmp_path / "b.jsonl", [header, interchange_line("1", "a")]))
    assert "1 deleted on the platform" in summary
    assert Record.objects.get(platform_id="2").state == "deleted"


def test_media_inside_the_export_are_stored_once(channel, tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "bild.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    media = [{"path": "media/bild.jpg", "mime_type": "image/jpeg"}]
    path = write(
        tmp_path / "e.jsonl",
        [
            interchange_line("1", "Bild", media=media),
            interchange_line("2", "Samma bild", media=media),
        ],
    )
    run_import(channel, path)
    from torget.archive.models import Blob

    assert Blob.objects.count() == 1
    assert Record.objects.filter(has_media=True).count() == 2


def test_media_outside_the_export_folder_is_refused(channel, tmp_path):
    path = write(
        tmp_path / "e.jsonl",
        [
            interchange_line("1", "x", media=[{"path": "../../etc/passwd"}]),
        ],
    )
    out = io.StringIO()
    # Its only item rejected, the import fails (exit status 1) after saying why.
    with pytest.raises(CommandError, match="Nothing was imported: the only item was rejected"):
        call_command("import", str(path), "--channel", channel.slug, stdout=out, stderr=out)
    assert "points outside the export (it contains '..')" in out.getvalue()
    assert not Record.objects.exists()


def test_unknown_channel_and_missing_file_are_plain_errors(channel, tmp_path):
    with pytest.raises(CommandError, match="No channel 'nope'"):
        call_command("import", str(tmp_path / "x.jsonl"), "--channel", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", str(tmp_path / "x.jsonl"), "--channel", channel.slug)


def test_verify_passes_then_names_the_tampered_record(channel, tmp_path):
    run_import(
        channel,
        write(
            tmp_path / "e.jsonl",
            [interchange_line("1", "Original"), interchange_line("2", "Orörd")],
        ),
    )
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "no problems" in out.getvalue()

    version = RecordVersion.objects.get(record__platform_id="1")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_recordversion SET content = REPLACE(content, 'Original', 'Förfalskat') "
            "WHERE id = %s",
            [version.pk],
        )
    out = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify", "--channel", channel.slug, stdout=out)
    report = out.getvalue()
    assert (
        f"record 1 (id {version.record_id}) version 1 content: expected {version.sha256}" in report
    )
    assert "record 2" not in report


def test_verify_catches_a_changed_chain_entry(channel, tmp_path):
    run_import(
        channel,
        write(tmp_path / "e.jsonl", [interchange_line("1", "a"), interchange_line("2", "b")]),
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE archive_integrityentry SET event = 'deleted' WHERE seq = 1")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify", stdout=out)
    assert "chain entry 1 (deleted of record 1) hash" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_rerun_completes_with_nothing_duplicated(world, tmp_path):
    """Kill the import process after its first batches commit, then run it again."""
    channel = channel_in(world, "active")
    n = 6000
    path = write(
        tmp_path / "big.jsonl",
        [
            interchange_line(str(i), f"Kommentar nummer {i} om bygglov", parent_id="0" if i else "")
            for i in range(n)
        ],
    )
    settings_db = connection.settings_dict
    env = {**os.environ}
    if connection.vendor == "sqlite":
        env["TORGET_DATABASE_URL"] = f"sqlite:///{settings_db['NAME']}"
    else:
        env["TORGET_DATABASE_URL"] = (
            f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}/"
            f"{settings_db['NAME']}"
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torget.cli",
            "import",
            str(path),
            "--channel",
            channel.slug,
            "--batch-size",
            "500",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Record.objects.filter(channel=channel).count() < 1000:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # A COMMIT the client sent just before it died still completes on a PostgreSQL server:
    # count once the number has stopped moving.
    killed_at = -1
    while killed_at != (now := Record.objects.filter(channel=channel).count()):
        killed_at = now
        time.sleep(0.5)
    assert 0 < killed_at < n, "the import was not interrupted mid-way"
    assert IngestionRun.objects.get().status == "running"  # the dead run's row

    summary = run_import(channel, path)
    assert f"{n - killed_at:,} new" in summary and f"{killed_at:,} unchanged" in summary
    assert Record.objects.filter(channel=channel).count() == n
    assert RecordVersion.objects.filter(record__channel=channel).count() == n
    assert IngestionRun.objects.filter(status="interrupted").count() == 1
    out = io.StringIO()
    call_command("verify", "--channel", channel.slug, stdout=out)
    assert "no problems" in out.getvalue()


def test_an_overlong_line_is_skipped_without_holding_it(channel, tmp_path, monkeypatch):
    from torget.sources import interchange

    monkeypatch.setattr(interchange, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_bytes(
        (interchange_line("1", "före") + "\n").encode()
        + b'{"v": 1, "text": "'
        + b"x" * 5000
        + b'"}\n'
        + (interchange_line("2", "efter") + "\n").encode()
    )
    summary = run_import(channel, path)
    assert "line 2: the line is too long" in summary
    assert set(Record.objects.values_list("platform_id", flat=True)) == {"1", "2"}


def test_the_documented_lines_follow_the_schema(tmp_path):
    import json

    import jsonschema

    from torget.sources.interchange import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text())
    lines = [
        '{"torget": "capture", "v": 1, "complete": true, "source": "x"}',
        interchange_line(
            "1",
            "Hej",
            parent_id="0",
            permalink="https://example.invalid/1",
            media=[{"path": "media/a.jpg", "mime_type": "image/jpeg"}],
        ),
    ]
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"v": 1, "id": "1", "kind": "tweet", "created_at": "x"}, schema)


def test_only_official_accounts_are_archived(world, tmp_path):
    proposal = channel_in(world, "proposed")
    path = write(tmp_path / "e.jsonl", [interchange_line("1", "x")])
    with pytest.raises(CommandError, match="only active, paused and closed channels"):
        run_import(proposal, path)
    assert not Record.objects.exists()
    closed = channel_in(world, "closed")
    assert "1 new" in run_import(closed, path)


def test_strange_values_are_rejected_or_kept_never_a_traceback(channel, tmp_path):
    path = write(
        tmp_path / "odd.jsonl",
        [
            interchange_line("1", "Urtid", created_at="0001-01-01T00:00:00+01:00"),
            interchange_line("2", "NUL i sökväg", media=[{"path": "media/a\u0000b.jpg"}]),
            interchange_line("3", "Långt namn", media=[{"path": "x" * 300 + ".jpg"}]),
            interchange_line("4", "Text med \u0000 tecken"),
        ],
    )
    summary = run_import(channel, path)
    assert "line 1, created_at: out of range" in summary
    assert "line 2, media[0].path: has a NUL character in its name" in summary
    assert "line 3, media[0].path: 'xxxx" in summary
    assert ".jpg' is not a usable file name" in summary
    record = Record.objects.get(platform_id="4")
    assert record.text == "Text med \ufffd tecken"
    assert "\\u0000" in record.versions.get().raw  # the raw line is kept exactly
