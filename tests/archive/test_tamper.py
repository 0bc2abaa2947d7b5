"""Tampering as an attacker with write access to the database (raw SQL, triggers disabled) or
to the files on disk would do it: `torget verify` names each change, with the record, version,
chain entry or audit event, and the kind of break (docs/integrity.md)."""

import contextlib
import dataclasses
import datetime
import hashlib
import io
from pathlib import Path

import orjson
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from tests.factories import captured, channel_in, ingest
from torget.archive import blobs, seals
from torget.archive.models import IntegrityEntry, Record, State
from torget.organisations.models import AuditEvent
from torget.organisations.services import audit_record
from torget.sources.base import CapturedMedia
from torget.supervision import services as supervision
from torget.supervision.models import Action, Evidence, Reason

T0 = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclasses.dataclass
class Archive:
    channel: object
    world: object
    items: list
    image: Path


def _items(image: Path, *, c2_text: str = "Tack för en fin sommar!") -> list:
    return [
        captured(
            "post",
            "Välkommen till kommunens sida!",
            kind="post",
            author_is_organisation=True,
            title="Sommarens öppettider",
            permalink="https://example.org/p/post",
            media=(CapturedMedia(path=str(image), mime_type="image/png"),),
        ),
        captured("c1", "När öppnar biblioteket?", parent_id="post", created_at=T0),
        captured("c2", c2_text, parent_id="post"),
        captured("c3", "Dold kommentar", parent_id="post", hidden=True),
        captured("c4", "Första lydelsen", parent_id="post"),
        captured(
            "c4",
            "Andra lydelsen",
            parent_id="post",
            edited_at=T0 + datetime.timedelta(days=2),
            captured_at=T0 + datetime.timedelta(days=3),
        ),
        captured("c5", "Olämpligt innehåll med personnummer", parent_id="post"),
    ]


@pytest.fixture
def archive(world, settings, tmp_path) -> Archive:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    image = tmp_path / "bild.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + hashlib.sha256(str(tmp_path).encode()).digest())
    channel = channel_in(world, "active")
    items = _items(image)
    ingest(channel, items)
    supervision.decide(
        person=world.communicator,
        record=Record.objects.get(channel=channel, platform_id="c5"),
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
    )
    audit_record(organisation=world.organisation, actor=world.communicator, action="test.one")
    audit_record(organisation=world.organisation, actor=world.communicator, action="test.two")
    seals.seal_heads()
    problems = verify()
    assert problems == [], problems
    return Archive(channel=channel, world=world, items=items, image=image)


def verify(*args: str) -> list[str]:
    out = io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("verify", *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if line.startswith("BROKEN")]


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def record(archive: Archive, platform_id: str) -> Record:
    return Record.objects.get(channel=archive.channel, platform_id=platform_id)


def head(archive: Archive) -> int:
    return IntegrityEntry.objects.filter(channel=archive.channel).order_by("-seq").first().seq


def without_audit_triggers() -> None:
    """What an attacker with the database's owner rights does first."""
    if connection.vendor == "postgresql":
        # Triggers do not fire for a session replicating data (the owner may say so).
        sql("SET LOCAL session_replication_role = replica")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'organisations_auditevent'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')


def set_field(column: str, value):
    def tamper(archive: Archive) -> str:
        rec = record(archive, "c1")
        sql(f"UPDATE archive_record SET {column} = %s WHERE id = %s", [value, rec.pk])  # noqa: S608
        return f"record c1 (id {rec.pk})"

    return tamper


# --- the tampering ------------------------------------------------------------------------------


def truncate(count: int):
    def tamper(archive: Archive) -> str:
        last = head(archive)
        sql(
            "DELETE FROM archive_integrityentry WHERE channel_id = %s AND seq > %s",
            [archive.channel.pk, last - count],
        )
        return f"chain entry {last}, sealed on"

    return tamper


def version_without_chain_entry(archive: Archive) -> str:
    rec = record(archive, "c2")
    item = dataclasses.replace(archive.items[2], text="Förfalskad men korrekt hashad")
    from torget.ingest.pipeline import prepare

    prepared = prepare(item)
    sql(
        "INSERT INTO archive_recordversion (record_id, number, captured_at, sha256, content, raw) "
        "VALUES (%s, 2, %s, %s, %s, %s)",
        [
            rec.pk,
            T0 if connection.vendor == "postgresql" else "2025-03-05 09:00:00",
            prepared.sha256,
            prepared.content.decode(),
            item.raw,
        ],
    )
    sql(
        "UPDATE archive_record SET version_count = 2, current_sha256 = %s, text = %s WHERE id = %s",
        [prepared.sha256, item.text, rec.pk],
    )
    return f"record c2 (id {rec.pk}) version 2 chain entry"


def raw_payload_changed(archive: Archive) -> str:
    rec = record(archive, "c1")
    sql(
        "UPDATE archive_recordversion SET raw = %s WHERE record_id = %s",
        ['{"id": "c1", "text": "annat"}', rec.pk],
    )
    return f"record c1 (id {rec.pk}) version 1 raw payload"


def version_content_changed(archive: Archive) -> str:
    rec = record(archive, "c4")
    sql(
        "UPDATE archive_recordversion SET content = REPLACE(content, 'Första', 'Falska') "
        "WHERE record_id = %s AND number = 1",
        [rec.pk],
    )
    return f"record c4 (id {rec.pk}) version 1 content"


def state_changed(name: str, platform_id: str):
    def tamper(archive: Archive) -> str:
        rec = record(archive, platform_id)
        sql("UPDATE archive_record SET state = %s WHERE id = %s", [name, rec.pk])
        return f"record {platform_id} (id {rec.pk}) state"

    return tamper


def parent_changed(archive: Archive) -> str:
    rec, other = record(archive, "c1"), record(archive, "c2")
    sql("UPDATE archive_record SET parent_id = %s WHERE id = %s", [other.pk, rec.pk])
    return f"record c1 (id {rec.pk}) parent"


def chain_event_changed(archive: Archive) -> str:
    rec = record(archive, "c2")
    entry = IntegrityEntry.objects.get(record=rec)
    sql("UPDATE archive_integrityentry SET event = 'deleted' WHERE id = %s", [entry.pk])
    return f"chain entry {entry.seq} (deleted of record c2) hash"


def chain_entry_deleted_in_the_middle(archive: Archive) -> str:
    rec = record(archive, "c2")
    entry = IntegrityEntry.objects.get(record=rec)
    sql("DELETE FROM archive_integrityentry WHERE id = %s", [entry.pk])
    return f"chain sequence before entry {entry.seq + 1}"


def chain_state_forged(archive: Archive) -> str:
    """The state hashed in an entry changed with the record's: the entry's hash breaks."""
    rec = record(archive, "c3")
    entry = IntegrityEntry.objects.filter(record=rec).order_by("-seq").first()
    sql("UPDATE archive_integrityentry SET state = 'live' WHERE id = %s", [entry.pk])
    sql("UPDATE archive_record SET state = 'live' WHERE id = %s", [rec.pk])
    return f"chain entry {entry.seq} (captured of record c3) hash"


def _evidence_file(archive: Archive) -> Path:
    evidence = Evidence.objects.get(record=record(archive, "c5"))
    return settings.DATA_DIR / evidence.path


def evidence_replaced(archive: Archive) -> str:
    path = _evidence_file(archive)
    path.write_bytes(path.read_bytes() + b"%forged\n")
    evidence = Evidence.objects.get(record=record(archive, "c5"))
    return f"evidence {evidence.pk} of record c5 file"


def evidence_deleted(archive: Archive) -> str:
    _evidence_file(archive).unlink()
    evidence = Evidence.objects.get(record=record(archive, "c5"))
    return f"evidence {evidence.pk} of record c5 file"


def evidence_path_emptied(archive: Archive) -> str:
    _evidence_file(archive).unlink()
    evidence = Evidence.objects.get(record=record(archive, "c5"))
    sql("UPDATE supervision_evidence SET path = '' WHERE id = %s", [evidence.pk])
    return f"evidence {evidence.pk} of record c5 file"


def _media_path(archive: Archive) -> tuple[Path, str]:
    sha = blobs.file_sha256(archive.image)[0]
    return Path(default_storage.path(blobs.blob_name(sha))), sha


def media_replaced(archive: Archive) -> str:
    path, sha = _media_path(archive)
    path.write_bytes(b"not the picture")
    return f"record post (id {record(archive, 'post').pk}) version 1 media file {sha}"


def media_deleted(archive: Archive) -> str:
    path, sha = _media_path(archive)
    path.unlink()
    return f"record post (id {record(archive, 'post').pk}) version 1 media file {sha}"


def audit_event_deleted(archive: Archive) -> str:
    without_audit_triggers()
    event = AuditEvent.objects.get(action="test.one")
    sql("DELETE FROM organisations_auditevent WHERE id = %s", [event.pk])
    return f"audit events {event.seq}"


def audit_event_changed(archive: Archive) -> str:
    without_audit_triggers()
    event = AuditEvent.objects.get(action="test.one")
    sql("UPDATE organisations_auditevent SET note = 'ändrad' WHERE id = %s", [event.pk])
    return f"audit event {event.seq} (id {event.pk}, test.one) hash"


def audit_tail_truncated(archive: Archive) -> str:
    without_audit_triggers()
    last = AuditEvent.objects.order_by("-seq").first()
    sql("DELETE FROM organisations_auditevent WHERE id = %s", [last.pk])
    return f"audit event {last.seq}, sealed on"


def audit_event_slipped_in(archive: Archive) -> str:
    sql(
        "INSERT INTO organisations_auditevent (at, actor_name, action, object_type, object_id, "
        "object_repr, note) VALUES (%s, '', 'forged', '', '', '', '')",
        [T0 if connection.vendor == "postgresql" else "2025-03-01 09:00:00"],
    )
    forged = AuditEvent.objects.get(action="forged")
    return f"audit event id {forged.pk} (forged)"


def consistent_rewrite(archive: Archive) -> str:
    """Delete the channel's archive and build it again with Torget's own code, with one
    comment's words changed: every hash and link agrees, but not with the sealed head."""
    channel = archive.channel
    sealed = head(archive)
    ids = list(Record.objects.filter(channel=channel).values_list("pk", flat=True))
    marks = ", ".join(["%s"] * len(ids))
    statements = [
        "DELETE FROM supervision_finding WHERE record_id IN (IDS)",
        "DELETE FROM supervision_reviewitem WHERE record_id IN (IDS)",
        "DELETE FROM supervision_platformtask WHERE decision_id IN "
        "(SELECT id FROM supervision_decision WHERE record_id IN (IDS))",
        "DELETE FROM supervision_decision WHERE record_id IN (IDS)",
        "DELETE FROM supervision_evidence WHERE record_id IN (IDS)",
        "DELETE FROM archive_integrityentry WHERE record_id IN (IDS)",
        "DELETE FROM archive_recordversion WHERE record_id IN (IDS)",
        "UPDATE archive_record SET parent_id = NULL WHERE id IN (IDS)",
        "DELETE FROM archive_record WHERE id IN (IDS)",
    ]
    if connection.vendor == "sqlite":
        statements.append("DELETE FROM archive_search WHERE rowid IN (IDS)")
    for statement in statements:
        # Only placeholders go into the statement; the ids are parameters.
        sql(statement.replace("IDS", marks), ids)
    ingest(channel, _items(archive.image, c2_text="Tack för ingenting!"))
    supervision.decide(
        person=archive.world.communicator,
        record=record(archive, "c5"),
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
    )
    assert head(archive) == sealed  # as long as before: only the hashes tell
    return f"chain entry {sealed} against the seal"


def seal_log_forged(archive: Archive) -> str:
    log = seals.log_path()
    lines = log.read_bytes().splitlines()
    seal = orjson.loads(lines[0])
    seal["seq"] = 1
    log.write_bytes(b"\n".join([orjson.dumps(seal, option=orjson.OPT_SORT_KEYS), *lines[1:]]))
    return "sealed-heads.jsonl line 1"


def seal_log_cut_short(archive: Archive) -> str:
    log = seals.log_path()
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])
    return "the latest audit seal"


def seal_log_deleted(archive: Archive) -> str:
    """Without the log (a database copied without its data directory, or the log removed),
    the chains are held to the database's own copies of the seals."""
    seals.log_path().unlink()
    return consistent_rewrite(archive)


def text_changed(archive: Archive) -> str:
    rec = record(archive, "c1")
    sql("UPDATE archive_record SET text = %s WHERE id = %s", ["Något helt annat", rec.pk])
    return f"record c1 (id {rec.pk}) text"


TAMPERING = {
    "truncate_last_entry": (truncate(1), "seal_truncated"),
    "truncate_several_entries": (truncate(3), "seal_truncated"),
    "version_without_chain_entry": (version_without_chain_entry, "version_unchained"),
    "author_name": (set_field("author_name", "Någon annan"), "record_field"),
    "author_id": (set_field("author_platform_id", "u-other"), "record_field"),
    "author_handle": (set_field("author_handle", "@annan"), "record_field"),
    "created_at": (
        set_field("created_at", datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)),
        "record_field",
    ),
    "direction": (set_field("direction", "drawn_up"), "record_field"),
    "permalink": (set_field("permalink", "https://evil.example/x"), "record_field"),
    "kind": (set_field("kind", "post"), "record_field"),
    "title": (set_field("title", "Ny rubrik"), "record_field"),
    "text": (text_changed, "record_field"),
    "parent": (parent_changed, "record_field"),
    "raw_payload": (raw_payload_changed, "version_raw"),
    "version_content": (version_content_changed, "version_content"),
    "hidden_not_chained": (state_changed(State.HIDDEN, "c1"), "record_state"),
    "unhidden_not_chained": (state_changed(State.LIVE, "c3"), "record_state"),
    "removed_not_chained": (state_changed(State.REMOVED, "c2"), "record_state"),
    "disposed_not_chained": (state_changed(State.DISPOSED, "c2"), "record_state"),
    "deleted_not_chained": (state_changed(State.DELETED, "c4"), "record_state"),
    "chain_state_forged": (chain_state_forged, "chain_hash"),
    "chain_event_changed": (chain_event_changed, "chain_hash"),
    "chain_entry_deleted": (chain_entry_deleted_in_the_middle, "chain_gap"),
    "evidence_replaced": (evidence_replaced, "evidence_file"),
    "evidence_deleted": (evidence_deleted, "evidence_file"),
    "evidence_path_emptied": (evidence_path_emptied, "evidence_file"),
    "media_replaced": (media_replaced, "media_file"),
    "media_deleted": (media_deleted, "media_file"),
    "audit_event_deleted": (audit_event_deleted, "audit"),
    "audit_event_changed": (audit_event_changed, "audit"),
    "audit_tail_truncated": (audit_tail_truncated, "seal_truncated"),
    "audit_event_slipped_in": (audit_event_slipped_in, "audit"),
    "consistent_rewrite": (consistent_rewrite, "seal_mismatch"),
    "seal_log_forged": (seal_log_forged, "seal_invalid"),
    "seal_log_cut_short": (seal_log_cut_short, "seal_log"),
    "seal_log_deleted_then_rewrite": (seal_log_deleted, "seal_mismatch"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_verify_names_the_tampering(archive, kind):
    tamper, code = TAMPERING[kind]
    where = tamper(archive)
    problems = verify()
    named = [p for p in problems if where in p and p.endswith(f"[{code}]")]
    assert named, f"{kind}: nothing names {where!r} as {code}: {problems}"


def test_the_record_fields_are_named_one_by_one(archive):
    rec = record(archive, "c1")
    sql(
        "UPDATE archive_record SET author_name = 'X', title = 'Y', permalink = 'https://z' "
        "WHERE id = %s",
        [rec.pk],
    )
    problems = verify()
    for field in ("author name", "title", "permalink"):
        assert any(f"record c1 (id {rec.pk}) {field}" in p for p in problems), (field, problems)
    assert not any("record c2" in p for p in problems)


def test_ordinary_changes_verify_and_are_chained(archive):
    """What the platform does (an edit by a renamed author, a raw payload with new counters,
    hiding and showing, a deletion seen in a complete listing) keeps the archive verifying,
    and every change of state is a chain entry with the state it left the record in."""
    from torget.ingest.pipeline import Ingestion

    later = T0 + datetime.timedelta(days=10)
    c1, c2, c3 = archive.items[1], archive.items[2], archive.items[3]
    renamed = dataclasses.replace(
        c1,
        text="När öppnar biblioteket? (ändrad)",
        author_name="Anna Andersson-Berg",
        permalink="https://example.org/p/c1",
        edited_at=later,
        captured_at=later,
    )
    counters = dataclasses.replace(c2, raw='{"id": "c2", "likes": 12}', captured_at=later)
    shown = dataclasses.replace(c3, hidden=False, captured_at=later)
    with Ingestion(channel=archive.channel, source="later", complete_listing=True) as ingestion:
        # c4 is not listed any more: deleted on the platform.
        for item in (archive.items[0], renamed, counters, shown, archive.items[6]):
            ingestion.add(item)
    assert verify() == []
    rec = record(archive, "c1")
    assert (rec.author_name, rec.permalink, rec.version_count) == (
        "Anna Andersson-Berg",
        "https://example.org/p/c1",
        2,
    )
    assert record(archive, "c2").version_count == 1  # only the counters changed
    events = lambda pid: [  # noqa: E731
        (e.event, e.state)
        for e in IntegrityEntry.objects.filter(record=record(archive, pid)).order_by("seq")
    ]
    assert events("c3")[-1] == ("unhidden", "live")
    assert events("c4")[-1] == ("deleted", "deleted")
    assert events("c1")[-1] == ("edited", "edited")
