"""Snapshots as e-archive transfer packages: the demo's busiest channel passes every
validator, the same period twice gives the same package, an empty period is explicit, and
nothing half-written ever looks finished."""

import datetime
import errno
import hashlib
import os
import re
from pathlib import Path

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone, translation
from lxml import etree

from tests.factories import captured, channel_in, ingest
from torget.archive.models import Record
from torget.ingest.pipeline import chain_hash
from torget.preservation import package
from torget.preservation.models import Snapshot, SnapshotReason, SnapshotStatus
from torget.preservation.package import PackageError, Period, build_package
from torget.preservation.services import due_snapshots, request_snapshot, take_snapshot
from torget.supervision import services as supervision
from torget.supervision.models import Action, Reason

pytestmark = pytest.mark.django_db
SCHEMAS = Path(package.__file__).parent / "schemas"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


def _period_around_now() -> Period:
    today = timezone.localdate()
    return Period(today - datetime.timedelta(days=150), today)


def _xsd(name: str) -> etree.XMLSchema:
    """One of the schemas shipped in every package, resolving imports to the local copies."""

    class Local(etree.Resolver):
        def resolve(self, url, pubid, context):
            local = SCHEMAS / url.rsplit("/", 1)[-1]
            if local.exists():
                return self.resolve_filename(str(local), context)
            return None

    parser = etree.XMLParser()
    parser.resolvers.add(Local())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def _without_times(mets: bytes) -> bytes:
    """A METS file without its creation times, nor the checksums of the METS files it lists
    (which hold creation times of their own)."""
    root = etree.fromstring(mets)
    for element in root.iter():
        for name in ("CREATED", "CREATEDATE", "LASTMODDATE"):
            element.attrib.pop(name, None)
    href = f"{{{package.XLINK_NS}}}href"
    for located in root.iter(f"{{{package.METS_NS}}}FLocat"):
        if located.get(href, "").endswith("METS.xml"):
            located.getparent().attrib.pop("CHECKSUM")
    return etree.tostring(root)


def _snapshot(channel, period: str, out: Path, *flags: str) -> None:
    """`torget snapshot` for the channel and period into `out`."""
    call_command(
        "snapshot", "--channel", channel.slug, "--period", period, "--out", str(out), *flags
    )


def _sip_root(bag: Path) -> Path:
    (root,) = list((bag / "data").iterdir())
    return root


def test_the_demo_busiest_channel_passes_every_check(db, tmp_path):
    from torget.demo import demo_load

    demo_load()
    busiest = (
        Record.objects.values("channel").annotate(n=Count("id")).order_by("-n", "channel").first()
    )
    from torget.channels.models import Channel

    channel = Channel.objects.get(pk=busiest["channel"])
    snapshot = request_snapshot(person=None, channel=channel, period=_period_around_now())
    snapshot = take_snapshot(snapshot, out=tmp_path / "snap")

    checks = {c["check"]: c for c in snapshot.validation}
    assert set(checks) >= {"bagit", "eark-validator", "mets-files", "warcio", "pdfa"}
    for name, check in checks.items():
        assert check["ok"], (name, check["errors"])
        assert check["errors"] == [], name
    assert snapshot.status == SnapshotStatus.VALID
    assert snapshot.record_count == busiest["n"] > 50
    assert snapshot.pdf_pages >= 2 and snapshot.size_bytes > 0

    sip = _sip_root(tmp_path / "snap")
    assert sip.name == snapshot.objid
    mets = etree.parse(str(sip / "METS.xml"))
    assert mets.getroot().get("OBJID") == sip.name
    assert mets.getroot().get("PROFILE") == package.SIP_PROFILE
    ns = {"m": package.METS_NS, "csip": package.CSIP_NS}
    header = mets.find("m:metsHdr", ns)
    assert header.get(f"{{{package.CSIP_NS}}}OAISPACKAGETYPE") == "SIP"
    roles = {(a.get("ROLE"), a.get("OTHERROLE")) for a in header.findall("m:agent", ns)}
    assert roles == {("CREATOR", None), ("ARCHIVIST", None), ("OTHER", "SUBMITTER")}
    assert mets.find("m:metsHdr/m:agent[@ROLE='ARCHIVIST']/m:name", ns).text == (
        channel.organisation.name
    )
    # Our XML is valid against the schemas the package ships.
    assert _xsd("mets.xsd").validate(mets), _xsd("mets.xsd").error_log
    for rep in (sip / "representations").iterdir():
        assert _xsd("mets.xsd").validate(etree.parse(str(rep / "METS.xml"))), rep.name
    premis = etree.parse(str(sip / "metadata/preservation/premis.xml"))
    assert _xsd("premis.xsd").validate(premis), _xsd("premis.xsd").error_log
    ead = etree.parse(str(sip / "metadata/descriptive/ead.xml"))
    assert _xsd("ead3.xsd").validate(ead), _xsd("ead3.xsd").error_log
    assert channel.purpose in etree.tostring(ead, encoding="unicode")
    assert channel.responsible_manager.name in etree.tostring(ead, encoding="unicode")
    assert sorted(p.name for p in (sip / "schemas").iterdir()) == sorted(package.SCHEMAS)

    # Every record and version is there, and each version's hash is its content's.
    lines = [
        orjson.loads(line)
        for path in sorted((sip / "representations/rep-records/data/records").iterdir())
        for line in path.read_bytes().splitlines()
    ]
    assert len(lines) == snapshot.record_count
    assert sum(len(line["versions"]) for line in lines) == snapshot.version_count
    for line in lines:
        for version in line["versions"]:
            assert hashlib.sha256(version["content"].encode()).hexdigest() == version["sha256"]
        assert line["versions"][-1]["sha256"] == line["current_sha256"]
    # Each chain entry can be recomputed from the package alone.
    chain = [
        orjson.loads(line)
        for line in (sip / "representations/rep-records/data/chain.jsonl").read_bytes().splitlines()
    ]
    assert len(chain) >= len(lines)
    for entry in chain:
        at = datetime.datetime.fromisoformat(entry["at"])
        assert entry["entry_hash"] == chain_hash(
            entry["prev_hash"],
            entry["version_sha256"],
            entry["seq"],
            entry["event"],
            entry["platform_id"],
            at,
            form=entry.get("form") or 1,
            state=entry.get("state") or "",
        )
    assert {entry.get("form") for entry in chain} == {2}
    # The channel's sealed heads go along, listed like every other file.
    seals_file = sip / "representations/rep-records/data/seals.jsonl"
    sealed = [orjson.loads(line) for line in seals_file.read_bytes().splitlines()]
    assert sealed and all(seal["channel_id"] == channel.pk for seal in sealed)
    # PREMIS names every representation file with its fixity, and the capture events.
    P = {"p": package.PREMIS_NS}
    fixities = {
        o.findtext("p:objectIdentifier/p:objectIdentifierValue", namespaces=P): o.findtext(
            "p:objectCharacteristics/p:fixity/p:messageDigest", namespaces=P
        )
        for o in premis.findall("p:object", P)
    }
    for rep in (sip / "representations").iterdir():
        for path in (rep / "data").rglob("*"):
            if path.is_file():
                key = f"representations/{rep.name}/{path.relative_to(rep).as_posix()}"
                assert fixities[key] == hashlib.sha256(path.read_bytes()).hexdigest()
    types = {e.findtext("p:eventType", namespaces=P) for e in premis.findall("p:event", P)}
    assert "capture" in types


def test_the_same_period_twice_differs_only_in_creation_times(channel, tmp_path):
    ingest(
        channel,
        [
            captured("post", "Nytt om biblioteket", kind="post", author_is_organisation=True),
            captured("c1", "När öppnar ni?", parent_id="post"),
        ],
    )
    period = Period.parse("2025H1")
    first = build_package(
        channel,
        period,
        tmp_path / "a",
        now=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    second = build_package(
        channel,
        period,
        tmp_path / "b",
        now=datetime.datetime(2026, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
    )
    assert first.objid == second.objid and first.records == 2
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b
    created = re.compile(rb'(CREATEDATE|LASTMODDATE|CREATED)="[^"]*"|Bagging-Date: \S+')
    differing = []
    for relative in files_a:
        a = (tmp_path / "a" / relative).read_bytes()
        b = (tmp_path / "b" / relative).read_bytes()
        if a != b:
            differing.append(relative.name)
            if relative.name.startswith(("tagmanifest-", "manifest-")):
                continue  # the checksums of the files that carry the times: below
            if relative.name == "METS.xml":
                assert _without_times(a) == _without_times(b), relative
            else:
                assert created.sub(b"", a) == created.sub(b"", b), relative
    assert set(differing) <= {
        "METS.xml",
        "bag-info.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
    }
    assert "METS.xml" in differing
    # The payload manifests differ only in the lines of the METS files.
    for name in ("manifest-sha256.txt", "manifest-sha512.txt"):
        a = (tmp_path / "a" / name).read_text().splitlines()
        b = (tmp_path / "b" / name).read_text().splitlines()
        assert {x for x in a if not x.endswith("METS.xml")} == {
            x for x in b if not x.endswith("METS.xml")
        }


def test_a_period_without_records_is_a_valid_and_explicitly_empty_package(channel, tmp_path):
    snapshot = request_snapshot(person=None, channel=channel, period=Period.parse("2019H1"))
    snapshot = take_snapshot(snapshot, out=tmp_path / "empty")
    assert snapshot.status == SnapshotStatus.VALID, snapshot.validation
    assert snapshot.record_count == 0
    sip = _sip_root(tmp_path / "empty")
    readme = (sip / "documentation/README.txt").read_text()
    assert "Records / Poster: 0" in readme
    assert list((sip / "representations/rep-records/data/records").iterdir()) == []
    assert (sip / "representations/rep-records/data/chain.jsonl").read_bytes() == b""
    ead = (sip / "metadata/descriptive/ead.xml").read_text()
    assert "<quantity>0</quantity>" in ead
    assert list((sip / "representations/rep-pdfa/data").glob("*.pdf"))


def test_an_existing_folder_is_refused_unless_forced(channel, tmp_path):
    out = tmp_path / "snap"
    out.mkdir()
    (out / "notes.txt").write_text("someone's work")
    with pytest.raises(CommandError, match="already exists"):
        _snapshot(channel, "2025H1", out, "--no-check")
    # --force replaces an earlier snapshot, never a folder that is not one.
    with pytest.raises(CommandError, match="not an earlier snapshot"):
        _snapshot(channel, "2025H1", out, "--force", "--no-check")
    assert (out / "notes.txt").read_text() == "someone's work"
    other = tmp_path / "other"
    _snapshot(channel, "2025H1", other, "--no-check")
    first = sorted(p.name for p in (other / "data").iterdir())
    _snapshot(channel, "2025H1", other, "--force", "--no-check")
    assert sorted(p.name for p in (other / "data").iterdir()) == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_bad_periods_are_named_plainly(channel, tmp_path):
    with pytest.raises(CommandError, match="not a period"):
        _snapshot(channel, "2025H3", tmp_path / "x")
    with pytest.raises(CommandError, match=r"ends .* before it starts"):
        call_command(
            "snapshot",
            "--channel",
            channel.slug,
            "--from",
            "2025-07-01",
            "--to",
            "2025-01-01",
            "--out",
            str(tmp_path / "x"),
        )
    assert Period.parse("2025H2") == Period(datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))


def test_a_failed_or_killed_run_leaves_nothing_that_looks_complete(channel, tmp_path, monkeypatch):
    ingest(channel, [captured("post", "Hej", kind="post", author_is_organisation=True)])
    out = tmp_path / "snap"

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(package, "_write_pdfa", disk_full)
    with pytest.raises(PackageError, match="disk is full"):
        build_package(channel, Period.parse("2025H1"), out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []

    # A run killed outright leaves only a hidden, clearly incomplete folder, which the next
    # run clears away once its process is gone.
    monkeypatch.undo()
    dead = tmp_path / ".snap.incomplete-99999999"
    (dead / "data").mkdir(parents=True)
    built = build_package(channel, Period.parse("2025H1"), out)
    assert not dead.exists()
    assert (out / "bagit.txt").exists() and built.records == 1

    # A snapshot that fails is recorded as failed, with the reason, for the archivist.
    monkeypatch.setattr(package, "_write_pdfa", disk_full)
    snapshot = request_snapshot(person=None, channel=channel, period=Period.parse("2025H1"))
    with pytest.raises(PackageError):
        take_snapshot(snapshot, out=tmp_path / "again")
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED and "disk is full" in snapshot.error


def test_removal_evidence_and_decisions_are_in_the_package(world, channel, tmp_path):
    ingest(
        channel,
        [
            captured("post", "Välkommen", kind="post", author_is_organisation=True),
            captured("c1", "Mitt personnummer är 20000101-2384", parent_id="post"),
        ],
    )
    record = Record.objects.get(platform_id="c1")
    decision = supervision.decide(
        person=world.communicator,
        record=record,
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
        note="Personnummer.",
    )
    built = build_package(channel, Period.parse("2025H1"), tmp_path / "snap")
    sip = built.sip_root
    evidence = list((sip / "representations/rep-evidence/data").iterdir())
    assert len(evidence) == 1 and built.evidence == 1
    kept = record.evidence.get()
    assert hashlib.sha256(evidence[0].read_bytes()).hexdigest() == kept.sha256
    premis = (sip / "metadata/preservation/premis.xml").read_text()
    assert f"removal-decision-{decision.pk}" in premis
    assert "Personnummer." in premis
    events = [
        orjson.loads(line)["event"]
        for line in (sip / "representations/rep-records/data/chain.jsonl").read_bytes().splitlines()
        if orjson.loads(line)["platform_id"] == "c1"
    ]
    assert events == ["captured", "evidence", "removed"]


def test_the_schedule_takes_each_half_year_and_each_closing_once(world):
    from torget.channels.models import Channel, Status

    active = channel_in(world, "active")
    closed = channel_in(world, "active")
    Channel.objects.filter(pk__in=[active.pk, closed.pk]).update(
        launched_at=datetime.datetime(2024, 1, 10, tzinfo=datetime.UTC)
    )
    Channel.objects.filter(pk=closed.pk).update(
        status=Status.CLOSED,
        closed_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC),
        closed_reason="Slutar",
    )
    created = due_snapshots(datetime.date(2026, 8, 1))
    got = {(s.channel_id, s.reason, s.period_start, s.period_end) for s in created}
    assert got == {
        (
            active.pk,
            SnapshotReason.HALF_YEAR,
            datetime.date(2026, 1, 1),
            datetime.date(2026, 6, 30),
        ),
        (closed.pk, SnapshotReason.CLOSING, datetime.date(2026, 1, 1), datetime.date(2026, 3, 10)),
    }
    assert due_snapshots(datetime.date(2026, 8, 2)) == []
    assert Snapshot.objects.count() == 2
    from torget.organisations.models import AuditEvent

    assert AuditEvent.objects.filter(action="snapshot.scheduled").count() == 2
    # Not before a week after the half year ended: late harvests still belong in it.
    assert due_snapshots(datetime.date(2027, 1, 5)) == []
    assert [s.period_end for s in due_snapshots(datetime.date(2027, 1, 8))] == [
        datetime.date(2026, 12, 31)
    ]


def test_the_archivist_page_lists_snapshots_and_guards_who_sees_them(
    world, other_world, channel, client_as, tmp_path
):
    snapshot = request_snapshot(
        person=world.archivist, channel=channel, period=Period.parse("2019H1")
    )
    take_snapshot(snapshot, out=tmp_path / "s", check=False)
    page = client_as(world.archivist).get("/bevarande/")
    assert page.status_code == 200
    assert channel.name in page.content.decode()
    detail = client_as(world.archivist).get(f"/bevarande/{snapshot.pk}/")
    assert detail.status_code == 200 and snapshot.objid in detail.content.decode()
    assert client_as(world.communicator).get("/bevarande/").status_code == 403
    assert client_as(other_world.archivist).get(f"/bevarande/{snapshot.pk}/").status_code == 404
    # Taking one by hand: archivists only, and it is queued for the worker.
    before = Snapshot.objects.count()
    response = client_as(world.archivist).post(
        "/bevarande/ta/", {"channel": channel.slug, "start": "2025-01-01", "end": "2025-06-30"}
    )
    assert response.status_code == 302 and Snapshot.objects.count() == before + 1
    assert (
        client_as(world.auditor)
        .post(
            "/bevarande/ta/", {"channel": channel.slug, "start": "2025-01-01", "end": "2025-06-30"}
        )
        .status_code
        == 403
    )
    assert (
        client_as(world.archivist)
        .post(
            "/bevarande/ta/", {"channel": channel.slug, "start": "2025-06-30", "end": "2025-01-01"}
        )
        .status_code
        == 400  # refused, with the form shown again as typed (issue 17)
    )
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client_as(world.archivist).post(
        "/bevarande/ta/",
        {"channel": channel.slug, "start": "2025-01-01", "end": future},
    )
    assert response.status_code == 400
    assert "har inte tagit slut" in response.content.decode()
    assert f'value="{future}"' in response.content.decode()
    assert Snapshot.objects.count() == before + 1
    from torget.organisations.models import AuditEvent

    assert AuditEvent.objects.filter(action="snapshot.requested", actor=world.archivist).exists()
    assert os.path.isdir(tmp_path / "s")


def test_disposed_records_leave_only_their_tombstone_and_a_disposal_event(world, channel, tmp_path):
    from torget.disposal import services as disposal
    from torget.disposal.models import RecordClass
    from torget.preservation.validate import validate_snapshot

    old = datetime.datetime(2015, 1, 10, 12, 0, tzinfo=datetime.UTC)
    ingest(
        channel,
        [
            captured("post", "Välkommen", kind="post", author_is_organisation=True, created_at=old),
            captured("c1", "Fina öppettider", parent_id="post", created_at=old),
        ],
    )
    disposal.rule_create(
        person=world.archivist,
        record_class=RecordClass.COMMENTS,
        keep_years=3,
        decision_reference="KS 2024/117 § 3",
        decision_date=datetime.date(2024, 5, 2),
        description="Kommentarer av tillfällig betydelse",
    )
    run = disposal.run_plan(person=world.archivist)
    disposal.run_approve(person=world.archivist, run=run)
    run = disposal.run_execute(run_id=run.pk)
    disposal.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))

    built = build_package(channel, Period.parse("2015H1"), tmp_path / "snap")
    assert built.records == 2 and built.versions == 1
    lines = {
        line["platform_id"]: line
        for path in (built.sip_root / "representations/rep-records/data/records").iterdir()
        for line in map(orjson.loads, path.read_bytes().splitlines())
    }
    assert lines["c1"]["state"] == "disposed" and lines["c1"]["versions"] == []
    assert "text" not in lines["c1"] and "Fina" not in str(lines["c1"])
    assert lines["post"]["text"] == "Välkommen"
    premis = (built.sip_root / "metadata/preservation/premis.xml").read_text()
    assert "Record c1 disposed under KS 2024/117 § 3 (2024-05-02)" in premis
    checks = validate_snapshot(built.path)
    assert all(check.ok for check in checks), [(c.name, c.errors) for c in checks]


def test_a_snapshot_not_checked_is_never_called_valid(channel, tmp_path):
    snapshot = request_snapshot(person=None, channel=channel, period=Period.parse("2019H1"))
    snapshot = take_snapshot(snapshot, out=tmp_path / "s", check=False)
    assert snapshot.status == SnapshotStatus.UNCHECKED and snapshot.validation == []


def test_a_build_whose_process_died_is_failed_and_taken_again(channel):
    from torget.organisations.models import AuditEvent
    from torget.preservation.services import stale_builds

    snapshot = request_snapshot(person=None, channel=channel, period=Period.parse("2019H1"))
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=SnapshotStatus.BUILDING, started_at=timezone.now() - datetime.timedelta(hours=7)
    )
    fresh = request_snapshot(person=None, channel=channel, period=Period.parse("2019H2"))
    Snapshot.objects.filter(pk=fresh.pk).update(
        status=SnapshotStatus.BUILDING, started_at=timezone.now()
    )
    assert [s.pk for s in stale_builds()] == [snapshot.pk]
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.FAILED and "stopped" in snapshot.error
    assert AuditEvent.objects.filter(action="snapshot.failed", object_id=str(snapshot.pk)).exists()


def test_a_replaced_snapshot_whose_successor_never_came_is_put_back(channel, tmp_path):
    out = tmp_path / "snap"
    build_package(channel, Period.parse("2019H1"), out)
    # Killed between moving the old package aside and moving the new one in.
    aside = tmp_path / ".snap.replaced-99999999"
    out.rename(aside)
    (tmp_path / ".snap.incomplete-99999999").mkdir()
    with pytest.raises(PackageError, match="already exists"):
        build_package(channel, Period.parse("2019H1"), out)
    assert (out / "bagit.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_a_folder_that_cannot_be_written_is_said_plainly(channel, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("not a folder")
    with pytest.raises(CommandError, match="cannot be written"):
        _snapshot(channel, "2019H1", locked / "file" / "snap")


def test_sqlite_memory_settings_come_back_after_a_snapshot(channel, tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own memory settings; PostgreSQL sorts in its server")
    with connection.cursor() as cursor:
        before = [
            cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("temp_store", "cache_size")
        ]
    build_package(channel, Period.parse("2019H1"), tmp_path / "s")
    with connection.cursor() as cursor:
        after = [
            cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("temp_store", "cache_size")
        ]
    assert after == before == [2, -65536]
