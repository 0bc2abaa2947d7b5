"""Disposal: holds protect, tombstones keep the hashes, verify passes after execution and
after the purge, undo within the window restores, a killed run resumes without doubles."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone

from tests.disposal.conftest import OLD
from tests.factories import captured, ingest
from torget.archive import selectors as archive_selectors
from torget.archive.integrity import verify_channel
from torget.archive.models import Record, RecordVersion, State
from torget.archive.search import records_search
from torget.disposal import services
from torget.disposal.models import (
    DisposalRun,
    HoldScope,
    ItemStatus,
    RecordClass,
    RunItem,
    RunStatus,
    Tombstone,
)
from torget.disposal.services import DisposalRefused
from torget.organisations.access import RoleRequired
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


def _execute(world, run=None):
    run = run or services.run_plan(person=world.archivist)
    services.run_approve(person=world.archivist, run=run)
    return services.run_execute(run_id=run.pk)


def _found(person, words):
    return [h.record.platform_id for h in records_search(person=person, query=words).hits]


def test_a_held_record_survives_a_disposed_one_leaves_a_tombstone_and_verify_passes(
    world, channel, archive, rule
):
    c1, c2 = archive["c1"], archive["c2"]
    hold = services.hold_place(
        person=world.registrar,
        scope=HoldScope.PERSON,
        who="u-c2",
        reason="Begäran om allmän handling",
        case_reference="KS 2026/12",
    )
    run = services.run_plan(person=world.archivist)
    assert run.status == RunStatus.PLANNED and run.total == 1
    assert run.report["held"] == [
        {"hold": hold.pk, "label": str(hold), "case_reference": "KS 2026/12", "count": 1}
    ]
    assert [row["count"] for row in run.report["rows"]] == [1]
    assert run.report["examples"][0]["platform_id"] == "c1"
    # A dry run disposes of nothing.
    assert Record.objects.filter(state=State.DISPOSED).count() == 0

    run = _execute(world, run)
    assert run.status == RunStatus.EXECUTED and run.done == 1
    assert run.undo_until == run.executed_at + datetime.timedelta(days=30)
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert c1.state == State.DISPOSED
    assert c2.state == State.LIVE and archive["c3"].state == State.LIVE
    tombstone = Tombstone.objects.get()
    versions = list(RecordVersion.objects.filter(record=c1).order_by("number"))
    assert len(versions) == 2
    assert tombstone.record == c1 and tombstone.rule == rule and tombstone.run == run
    assert tombstone.version_hashes == [v.sha256 for v in versions]
    assert tombstone.current_sha256 == c1.current_sha256 == versions[-1].sha256
    assert tombstone.previous_state == State.EDITED and tombstone.platform_id == "c1"
    assert tombstone.undo_until == run.undo_until
    # Hidden from the archive's search, record page and threads.
    assert _found(world.archivist, "öppettider") == []
    assert _found(world.archivist, "sagostunden") == ["c2"]
    with pytest.raises(Http404):
        archive_selectors.record_get(person=world.archivist, pk=c1.pk)
    thread = archive_selectors.record_thread(record=archive["post"])
    assert [row.record.platform_id for row in thread] == ["post", "c2", "c3"]
    assert list(verify_channel(channel)) == []

    # After the window, gone for good; the tombstone vouches for the hashes.
    purged = services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    assert purged == 1
    c1.refresh_from_db()
    assert not RecordVersion.objects.filter(record=c1).exists()
    assert c1.text == "" and c1.author_name == "" and c1.author_platform_id == ""
    assert c1.current_sha256 == tombstone.current_sha256
    run.refresh_from_db()
    tombstone.refresh_from_db()
    assert run.status == RunStatus.FINAL and run.purged_at is not None
    assert tombstone.purged_at is not None
    assert list(verify_channel(channel)) == []
    out = StringIO()
    call_command("verify", stdout=out)
    assert "OK: 1 channel(s) verified, no problems." in out.getvalue()


def test_verify_still_names_what_no_tombstone_vouches_for(world, channel, archive, rule):
    run = _execute(world)
    services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    assert list(verify_channel(channel)) == []
    # A record of the channel that lost its versions without a disposal.
    RecordVersion.objects.filter(record=archive["c3"]).delete()
    # A tombstone that no longer vouches for the record's first version.
    tombstone = Tombstone.objects.get(record=archive["c1"])
    first = tombstone.version_hashes[0]
    Tombstone.objects.filter(pk=tombstone.pk).update(version_hashes=tombstone.version_hashes[1:])
    found = [str(p) for p in verify_channel(channel)]
    assert any("record c3" in p and "at least one version" in p for p in found)
    assert any(
        "captured of record c1" in p and f"a stored version with hash {first}" in p for p in found
    )
    assert not any("record c1 (id" in p for p in found)  # its current hash is still vouched


def test_undo_within_the_window_restores_the_record_and_its_visibility(
    world, channel, archive, rule
):
    run = _execute(world)
    assert _found(world.archivist, "öppettider") == []
    run = services.run_undo(person=world.archivist, run=run)
    assert run.status == RunStatus.UNDONE and run.undone_by == world.archivist
    c1 = Record.objects.get(pk=archive["c1"].pk)
    assert c1.state == State.EDITED
    assert RecordVersion.objects.filter(record=c1).count() == 2
    assert Tombstone.objects.filter(undone_at__isnull=True).count() == 0
    assert _found(world.archivist, "öppettider") == ["c1"]
    assert archive_selectors.record_get(person=world.archivist, pk=c1.pk) == c1
    # Nothing is purged for an undone run, and the record can be disposed of again later.
    assert services.purge_due(now=timezone.now() + datetime.timedelta(days=400)) == 0
    again = _execute(world)
    assert again.done == 2 and Tombstone.objects.filter(undone_at__isnull=True).count() == 2
    assert list(verify_channel(channel)) == []


def test_undo_after_the_window_is_refused(world, archive, rule):
    run = _execute(world)
    DisposalRun.objects.filter(pk=run.pk).update(
        undo_until=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(DisposalRefused, match="undo window closed"):
        services.run_undo(person=world.archivist, run=run)
    tombstone = Tombstone.objects.get(record=archive["c1"])
    with pytest.raises(DisposalRefused, match="within the undo window"):
        services.tombstone_restore(person=world.archivist, tombstone=tombstone)
    assert Record.objects.get(pk=archive["c1"].pk).state == State.DISPOSED


def test_one_record_can_be_restored_within_the_window(world, archive, rule):
    run = _execute(world, services.run_plan(person=world.archivist))
    tombstone = Tombstone.objects.get(record=archive["c1"])
    services.tombstone_restore(person=world.archivist, tombstone=tombstone)
    assert Record.objects.get(pk=archive["c1"].pk).state == State.EDITED
    run.refresh_from_db()
    assert run.status == RunStatus.EXECUTED
    assert services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1)) == 1
    assert Record.objects.get(pk=archive["c2"].pk).text == ""
    assert RecordVersion.objects.filter(record=archive["c1"]).count() == 2


@pytest.mark.parametrize("scope", ["thread", "search", "channel"])
def test_a_hold_placed_after_the_dry_run_protects(world, channel, archive, rule, scope):
    run = services.run_plan(person=world.archivist)
    assert run.total == 2
    fields = {
        "thread": {"channel": channel, "thread_platform_id": "post"},
        "search": {"query": "öppettid"},  # another inflection: the archive's search stems
        "channel": {"channel": channel},
    }[scope]
    hold = services.hold_place(
        person=world.archivist, scope=scope, reason="Tvist om synpunkterna", **fields
    )
    run = _execute(world, run)
    held = RunItem.objects.filter(run=run, status=ItemStatus.HELD)
    expected = {"thread": {"c1", "c2"}, "search": {"c1"}, "channel": {"c1", "c2"}}[scope]
    assert {i.record.platform_id for i in held} == expected
    assert {i.hold_id for i in held} == {hold.pk}
    assert run.held_back == len(expected) and run.done == 2 - len(expected)
    for pid in expected:
        assert Record.objects.get(pk=archive[pid].pk).state != State.DISPOSED
    assert Tombstone.objects.filter(record__platform_id__in=expected).count() == 0


def test_a_hold_placed_in_the_undo_window_restores_the_record_at_the_purge(
    world, channel, archive, rule
):
    run = _execute(world)
    assert run.done == 2
    hold = services.hold_place(
        person=world.registrar, scope=HoldScope.PERSON, who="u-c1", reason="Ny begäran"
    )
    assert services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1)) == 1
    assert Record.objects.get(pk=archive["c1"].pk).state == State.EDITED
    assert RecordVersion.objects.filter(record=archive["c1"]).count() == 2
    assert Record.objects.get(pk=archive["c2"].pk).text == ""
    assert AuditEvent.objects.filter(action="disposal.restored_for_hold").count() == 1
    services.hold_release(person=world.archivist, hold=hold, note="Ärendet avslutat")
    assert list(verify_channel(channel)) == []


def test_only_an_archivist_approves(world, other_world, archive, rule):
    run = services.run_plan(person=world.archivist)
    for person in (world.registrar, world.admin, world.communicator, world.auditor):
        with pytest.raises(RoleRequired):
            services.run_approve(person=person, run=run)
    with pytest.raises(PermissionDenied):
        services.run_approve(person=other_world.archivist, run=run)
    with pytest.raises(RoleRequired):
        services.run_plan(person=world.registrar)
    run.refresh_from_db()
    assert run.status == RunStatus.PLANNED and run.approved_by is None
    with pytest.raises(DisposalRefused, match="only an approved run"):
        services.run_execute(run_id=run.pk)
    assert not Tombstone.objects.exists()


def test_a_stale_dry_run_is_not_approved(world, archive, rule):
    run = services.run_plan(person=world.archivist)
    DisposalRun.objects.filter(pk=run.pk).update(
        planned_at=timezone.now() - datetime.timedelta(days=8)
    )
    run.refresh_from_db()
    with pytest.raises(DisposalRefused, match="more than a week old"):
        services.run_approve(person=world.archivist, run=run)


def test_a_crash_mid_run_resumes_without_double_tombstones(
    world, channel, archive, rule, monkeypatch
):
    ingest(
        channel,
        [captured(f"old{n}", f"Gammal kommentar {n}", created_at=OLD) for n in range(5)],
    )
    run = services.run_plan(person=world.archivist)
    assert run.total == 7
    services.run_approve(person=world.archivist, run=run)
    real = services.audit_record
    batches = []

    def crash_in_the_second_batch(**kwargs):
        if kwargs["action"] == "disposal.batch":
            batches.append(1)
            if len(batches) == 2:
                raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", crash_in_the_second_batch)
    with pytest.raises(OSError, match="disk full"):
        services.run_execute(run_id=run.pk, batch_size=3)
    run.refresh_from_db()
    assert run.status == RunStatus.EXECUTING and run.done == 3
    assert run.last_error == "disk full"
    assert Tombstone.objects.count() == 3  # the second batch rolled back whole
    assert Record.objects.filter(state=State.DISPOSED).count() == 3
    monkeypatch.setattr(services, "audit_record", real)

    run = services.run_execute(run_id=run.pk, batch_size=3)
    assert run.status == RunStatus.EXECUTED and run.done == 7 and run.last_error == ""
    assert Tombstone.objects.count() == 7
    assert Tombstone.objects.values("record").distinct().count() == 7
    assert set(RunItem.objects.filter(run=run).values_list("status", flat=True)) == {"disposed"}
    assert list(verify_channel(channel)) == []


def test_records_still_needed_are_kept(world, channel, archive, rule):
    from torget.supervision.models import ReviewItem

    ingest(
        channel,
        [captured("pnr", "Mitt personnummer är 20000101-2384", parent_id="post", created_at=OLD)],
    )
    assert ReviewItem.objects.filter(record__platform_id="pnr", status="open").exists()
    run = services.run_plan(person=world.archivist)
    assert run.total == 2
    assert run.report["excluded"] == {"open_review": 1}
    assert not RunItem.objects.filter(run=run, record__platform_id="pnr").exists()


def test_the_channel_rule_governs_and_the_longer_one_wins(world, channel, archive, rule):
    longer = services.rule_create(
        person=world.archivist,
        record_class=RecordClass.COMMENTS,
        channel=channel,
        keep_years=50,
        decision_reference="KN 2023/4 § 9",
        decision_date=datetime.date(2023, 2, 1),
    )
    run = services.run_plan(person=world.archivist, rules=[rule])
    assert run.total == 0 and run.report["rules"][0]["governs"] == []
    run = services.run_plan(person=world.archivist)
    assert run.total == 0 and run.report["rows"][0]["rule"] == longer.pk


def test_rules_must_cite_their_decision(world):
    with pytest.raises(DisposalRefused) as refused:
        services.rule_create(
            person=world.archivist,
            record_class=RecordClass.COMMENTS,
            keep_years=2,
            decision_reference=" ",
            decision_date=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"decision_reference", "decision_date"}
    with pytest.raises(RoleRequired):
        services.rule_create(
            person=world.registrar,
            record_class=RecordClass.COMMENTS,
            keep_years=2,
            decision_reference="KS 1",
            decision_date=datetime.date(2024, 1, 1),
        )


def test_removal_evidence_is_disposed_after_its_time_and_the_file_goes_at_the_purge(
    world, channel, archive
):
    from torget.supervision import services as supervision
    from torget.supervision.models import Action, Evidence, Reason

    supervision.decide(
        person=world.communicator,
        record=archive["c2"],
        action=Action.REMOVE,
        reason=Reason.SPAM,
    )
    kept = Evidence.objects.get()
    path = settings.DATA_DIR / kept.path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == kept.sha256
    rule = services.rule_create(
        person=world.archivist,
        record_class=RecordClass.EVIDENCE,
        keep_years=10,
        decision_reference="KS 2024/117 § 4",
        decision_date=datetime.date(2024, 5, 2),
    )
    assert services.run_plan(person=world.archivist).total == 0  # not ten years yet
    Evidence.objects.filter(pk=kept.pk).update(
        created_at=OLD, keep_until=datetime.date(2025, 1, 12)
    )
    run = _execute(world)
    assert run.done == 1
    tombstone = Tombstone.objects.get()
    assert tombstone.evidence_id == kept.pk and tombstone.rule == rule
    assert tombstone.current_sha256 == kept.sha256 and tombstone.evidence_path == kept.path
    assert Evidence.objects.get().path == "" and path.exists()
    assert Record.objects.get(pk=archive["c2"].pk).state == State.REMOVED
    services.run_undo(person=world.archivist, run=run)
    assert Evidence.objects.get().path == kept.path
    run = _execute(world)
    with django_on_commit():
        services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    assert not path.exists()
    evidence = Evidence.objects.get()
    assert evidence.path == "" and "author_name" not in evidence.metadata
    assert list(verify_channel(channel)) == []


class django_on_commit:
    """Run on-commit callbacks (the file deletion) inside the test's transaction."""

    def __enter__(self):
        from django.test import TestCase

        self._context = TestCase.captureOnCommitCallbacks(execute=True)
        return self._context.__enter__()

    def __exit__(self, *exc):
        return self._context.__exit__(*exc)


def test_media_no_other_record_carries_is_deleted_at_the_purge(world, channel, rule, tmp_path):
    from django.core.files.storage import default_storage

    from torget.archive import blobs
    from torget.archive.models import Blob, MediaUse
    from torget.sources.base import CapturedMedia

    picture = tmp_path / "bild.png"
    picture.write_bytes(b"\x89PNG fake picture")
    shared = tmp_path / "delad.png"
    shared.write_bytes(b"\x89PNG shared picture")
    ingest(
        channel,
        [
            captured(
                "m1",
                "Se bilden",
                created_at=OLD,
                media=[
                    CapturedMedia(url="https://x/1", mime_type="image/png", path=str(picture)),
                    CapturedMedia(url="https://x/2", mime_type="image/png", path=str(shared)),
                ],
            ),
            captured(
                "m2",
                "Samma bild",
                created_at=timezone.now() - datetime.timedelta(days=1),
                media=[CapturedMedia(url="https://x/2", mime_type="image/png", path=str(shared))],
            ),
        ],
    )
    own, other = blobs.file_sha256(picture)[0], blobs.file_sha256(shared)[0]
    run = _execute(world)
    assert run.done == 1
    with django_on_commit():
        services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    assert not Blob.objects.filter(sha256=own).exists()
    assert not MediaUse.objects.filter(blob_id=own).exists()
    assert not default_storage.exists(blobs.blob_name(own))
    assert Blob.objects.filter(sha256=other).exists()
    assert default_storage.exists(blobs.blob_name(other))
    assert list(verify_channel(channel)) == []


def test_every_step_is_audited(world, archive, rule):
    hold = services.hold_place(
        person=world.archivist, scope=HoldScope.PERSON, who="u-c2", reason="Begäran"
    )
    run = _execute(world)
    services.hold_release(person=world.archivist, hold=hold)
    services.run_undo(person=world.archivist, run=run)
    services.rule_deactivate(person=world.archivist, rule=rule)
    actions = list(
        AuditEvent.objects.filter(organisation=world.organisation, action__startswith="disposal.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "disposal.rule_created",
        "disposal.hold_placed",
        "disposal.planned",
        "disposal.approved",
        "disposal.started",
        "disposal.batch",
        "disposal.executed",
        "disposal.hold_released",
        "disposal.undo_started",
        "disposal.undone",
        "disposal.rule_deactivated",
    ]
    approved = AuditEvent.objects.get(action="disposal.approved")
    assert approved.actor == world.archivist and approved.object_id == str(run.pk)


def test_the_dispose_command(world, archive, rule):
    out = StringIO()
    call_command("dispose", "--plan", "--as", world.archivist.user.username, stdout=out)
    text = out.getvalue()
    run = DisposalRun.objects.get()
    assert f"Dry run {run.pk}" in text and "KS 2024/117 § 3" in text
    assert "Total to dispose: 2." in text
    with pytest.raises(CommandError, match="only an approved run is executed"):
        call_command("dispose", "--execute", str(run.pk))
    with pytest.raises(CommandError, match="No disposal run 999"):
        call_command("dispose", "--execute", "999")
    with pytest.raises(CommandError, match="Only these roles"):
        call_command("dispose", "--plan", "--as", world.registrar.user.username)
    services.run_approve(person=world.archivist, run=run)
    out = StringIO()
    call_command("dispose", "--execute", str(run.pk), stdout=out)
    assert f"Run {run.pk}: 2 disposed, 0 held back, 0 kept" in out.getvalue()
    out = StringIO()
    call_command("dispose", "--purge", stdout=out)
    assert "Purged for good: 0" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_clock_purges_what_is_due(world, archive, rule):
    run = _execute(world)
    DisposalRun.objects.filter(pk=run.pk).update(
        undo_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    out = StringIO()
    call_command("alarms", stdout=out)
    assert "Disposed records purged for good: 2." in out.getvalue()
    assert DisposalRun.objects.get().status == RunStatus.FINAL


def test_a_harvest_keeps_nothing_new_of_a_disposed_record(world, channel, archive, rule):
    run = _execute(world)
    c2 = archive["c2"]
    edited = captured(
        "c2",
        "Tack för sagostunden, och för pysslet",
        parent_id="post",
        created_at=OLD,
        edited_at=OLD + datetime.timedelta(days=1),
        captured_at=datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC),
    )
    ingest(channel, [edited])  # within the undo window
    c2.refresh_from_db()
    assert c2.state == State.DISPOSED and c2.version_count == 1
    assert RecordVersion.objects.filter(record=c2).count() == 1
    assert _found(world.archivist, "pysslet") == []
    assert run.report["examples"][0]["excerpt"]
    services.purge_due(now=run.undo_until + datetime.timedelta(seconds=1))
    assert list(verify_channel(channel)) == []
    run.refresh_from_db()
    assert [e["excerpt"] for e in run.report["examples"]] == ["", ""]
    ingest(channel, [edited])  # after the purge
    c2.refresh_from_db()
    assert c2.text == "" and not RecordVersion.objects.filter(record=c2).exists()
    assert list(verify_channel(channel)) == []


def test_a_rule_withdrawn_after_the_approval_disposes_of_nothing_more(world, archive, rule):
    run = services.run_plan(person=world.archivist)
    services.run_approve(person=world.archivist, run=run)
    services.rule_deactivate(person=world.archivist, rule=rule)
    run = services.run_execute(run_id=run.pk)
    assert not Tombstone.objects.exists()
    assert not Record.objects.filter(state=State.DISPOSED).exists()
    assert set(run.items.values_list("status", "note")) == {("skipped", "rule_withdrawn")}
