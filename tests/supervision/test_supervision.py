"""Supervision: findings on import, the queue, decisions, removal with evidence, passes and
their alarms. The personal identity number is one of Skatteverket's official test numbers."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from tests.factories import captured, channel_in, ingest
from torget.archive.integrity import verify_channel
from torget.archive.models import Record, State
from torget.dialogue.models import Registration
from torget.documents.pdfa import problems
from torget.organisations.models import AuditEvent
from torget.supervision import services
from torget.supervision.models import (
    Action,
    Decision,
    Evidence,
    Finding,
    ItemStatus,
    PlatformTask,
    Reason,
    ReviewItem,
    SupervisionAlarm,
    SupervisionPass,
)
from torget.supervision.services import SupervisionRefused

pytestmark = pytest.mark.django_db
TEST_NUMBER = "20000101-2384"  # Skatteverket's test personnummer 200001012384
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


@pytest.fixture
def flagged(channel):
    ingest(
        channel,
        [
            captured(
                "post", "Välkommen till kommunens sida!", kind="post", author_is_organisation=True
            ),
            captured(
                "c1",
                f"Hej, mitt personnummer är {TEST_NUMBER}, kan ni kolla min ansökan?",
                parent_id="post",
            ),
            captured("c2", "Tack för en fin sommar!", parent_id="post"),
        ],
    )
    return Record.objects.get(platform_id="c1")


def test_the_scanners_run_on_import_and_fill_the_queue_riskiest_first(channel, flagged):
    finding = Finding.objects.get(record=flagged, category="personal_id")
    assert flagged.text[finding.start : finding.end] == TEST_NUMBER
    assert finding.subtype == "se_personnummer" and finding.version == 1
    item = ReviewItem.objects.get()
    assert item.record == flagged and item.risk == 100 and item.status == ItemStatus.OPEN
    assert not Finding.objects.filter(record__platform_id="c2").exists()
    ingest(channel, [captured("c3", "Ring mig på 070-123 45 67", parent_id="post")])
    items = list(ReviewItem.objects.order_by("-risk", "created_at"))
    assert [i.record.platform_id for i in items] == ["c1", "c3"]


def test_personal_data_is_masked_and_only_some_roles_see_it_whole(world, flagged):
    finding = Finding.objects.get(record=flagged, category="personal_id")
    shown = services.display_value(world.communicator, finding)
    assert shown.endswith("2384") and TEST_NUMBER not in shown
    with pytest.raises(PermissionDenied):
        services.finding_value(person=world.communicator, finding=finding)
    assert services.finding_value(person=world.security, finding=finding) == TEST_NUMBER
    assert AuditEvent.objects.filter(action="finding.unmasked", actor=world.security).exists()


def test_removal_keeps_checked_evidence_in_the_chain_first(world, channel, flagged):
    decision = services.decide(
        person=world.communicator,
        record=flagged,
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
        note="Personnummer i kommentaren.",
    )
    flagged.refresh_from_db()
    assert flagged.state == State.REMOVED
    kept = Evidence.objects.get(record=flagged)
    path = settings.DATA_DIR / kept.path
    assert problems(path) == []
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == kept.sha256
    assert kept.keep_until >= (timezone.now() + datetime.timedelta(days=3650)).date()
    events = [e.event for e in flagged.chain_entries.order_by("seq")]
    assert events == ["captured", "evidence", "removed"]
    assert flagged.chain_entries.get(event="evidence").version_sha256 == kept.sha256
    assert list(verify_channel(channel)) == []
    task = PlatformTask.objects.get(decision=decision)
    assert task.what == Action.REMOVE and task.done_at is None
    services.task_done(person=world.communicator, task=task)
    with pytest.raises(SupervisionRefused, match="already done"):
        services.task_done(person=world.communicator, task=task)
    assert ReviewItem.objects.get(record=flagged).status == ItemStatus.DECIDED
    # The platform still shows it in the next import: it stays removed by us.
    ingest(channel, [captured("c1", flagged.text, parent_id="post")])
    flagged.refresh_from_db()
    assert flagged.state == State.REMOVED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"evidence.kept", "decision.remove", "platform.remove_done"} <= actions


def test_a_tampered_evidence_hash_is_named_by_verify(world, channel, flagged):
    services.decide(
        person=world.communicator, record=flagged, action=Action.REMOVE, reason=Reason.PERSONAL_DATA
    )
    Evidence.objects.filter(record=flagged).update(sha256="0" * 64)
    found = [str(p) for p in verify_channel(channel)]
    assert any("evidence" in p for p in found)


def test_decisions_are_final_and_a_new_one_replaces_the_old(world, flagged):
    first = services.decide(
        person=world.communicator, record=flagged, action=Action.KEEP, reason=Reason.NONE
    )
    with pytest.raises(ValueError, match="final"):
        first.save()
    with pytest.raises(ValueError, match="never deleted"):
        first.delete()
    second = services.decide(
        person=world.security,
        record=flagged,
        action=Action.HIDE,
        reason=Reason.PERSONAL_DATA,
        note="Vid närmare eftertanke.",
    )
    assert second.replaces == first and services.current_decision(flagged) == second
    with pytest.raises(SupervisionRefused, match="choose a reason"):
        services.decide(
            person=world.communicator, record=flagged, action=Action.REMOVE, reason=Reason.NONE
        )
    assert Decision.objects.count() == 2
    assert "criticism" not in " ".join(str(label).lower() for _v, label in Reason.choices)


def test_child_abuse_material_keeps_only_hash_and_facts(world, channel, tmp_path):
    picture = tmp_path / "bild.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 not a real picture")
    from torget.sources.base import CapturedMedia

    ingest(
        channel,
        [captured("c9", "…", media=(CapturedMedia(path=str(picture), mime_type="image/jpeg"),))],
    )
    record = Record.objects.get(platform_id="c9")
    services.decide(
        person=world.security,
        record=record,
        action=Action.REMOVE_AND_BLOCK,
        reason=Reason.CHILD_ABUSE,
    )
    kept = Evidence.objects.get(record=record)
    assert not kept.content_kept and kept.path == "" and kept.metadata["media_purged"]
    from torget.archive import blobs

    with pytest.raises(FileNotFoundError):
        blobs.open_blob(kept.metadata["media_purged"][0])
    assert Registration.objects.filter(record=record).exists()  # a crime is a case


def test_confidential_information_becomes_a_case_for_the_registrar(
    world, flagged, settings, tmp_path
):
    settings.TORGET_REGISTRATION_DIR = tmp_path / "reg"
    services.decide(
        person=world.communicator,
        record=flagged,
        action=Action.REGISTER,
        reason=Reason.CONFIDENTIAL,
    )
    registration = Registration.objects.get(record=flagged)
    assert Path(registration.package, "handling.pdf").exists()
    assert registration.question is None and registration.direction == "received"


def test_only_supervisors_decide(world, other_world, flagged):
    for person in (world.archivist, world.registrar, world.auditor, world.manager):
        with pytest.raises(PermissionDenied):
            services.decide(person=person, record=flagged, action=Action.KEEP, reason=Reason.NONE)
    with pytest.raises(PermissionDenied):
        services.decide(
            person=other_world.communicator, record=flagged, action=Action.KEEP, reason=Reason.NONE
        )
    assert not Decision.objects.exists()


def _at(day: str, hm: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=STOCKHOLM)


def test_a_day_with_two_passes_raises_the_alarm_once(world, channel):
    world.channel_admin.email = "sidansvarig@exempla.se"
    world.channel_admin.save()
    for hm in ("08:30", "12:15"):
        SupervisionPass.objects.create(
            organisation=world.organisation,
            channel=channel,
            person=world.channel_admin,
            at=_at("2026-03-10", hm),
        )
    during = services.day_status(channel, _at("2026-03-10", "15:00"))
    assert during["passes_today"] == 2 and not during["too_few"] and not during["alarm"]
    assert services.supervision_alarms(_at("2026-03-10", "17:30")) == 1
    alarm = SupervisionAlarm.objects.get(channel=channel)
    assert alarm.kind == "few_passes" and "2 of 3" in alarm.detail
    assert len(mail.outbox) == 1 and "sidansvarig@exempla.se" in mail.outbox[0].to
    assert services.supervision_alarms(_at("2026-03-10", "18:30")) == 0
    # Three passes keep the rule; a Saturday raises nothing.
    SupervisionPass.objects.create(
        organisation=world.organisation,
        channel=channel,
        person=world.channel_admin,
        at=_at("2026-03-10", "16:00"),
    )
    assert not services.day_status(channel, _at("2026-03-10", "17:30"))["too_few"]
    assert not services.day_status(channel, _at("2026-03-14", "17:30"))["alarm"]


def test_a_long_gap_raises_the_alarm_and_crisis_mode_is_tighter(world, channel):
    SupervisionPass.objects.create(
        organisation=world.organisation,
        channel=channel,
        person=world.communicator,
        at=_at("2026-03-11", "08:05"),
    )
    assert not services.day_status(channel, _at("2026-03-11", "11:00"))["gap_exceeded"]
    assert services.day_status(channel, _at("2026-03-11", "12:30"))["gap_exceeded"]
    channel.crisis_mode = True
    assert services.required(channel) == (6, datetime.timedelta(hours=2))
    assert services.day_status(channel, _at("2026-03-11", "10:30"))["gap_exceeded"]
    services.supervision_alarms(_at("2026-03-11", "12:30"))
    assert SupervisionAlarm.objects.filter(kind="gap").count() == 1


def test_recording_a_pass(world, channel):
    done = services.pass_record(person=world.channel_admin, channel=channel, records_seen=12)
    assert done.records_seen == 12
    assert AuditEvent.objects.filter(action="supervision.pass").exists()
    with pytest.raises(PermissionDenied):
        services.pass_record(person=world.archivist, channel=channel)


def test_the_watch_list_flags_records_on_its_channels(world, channel):
    other = channel_in(world, "active")
    services.watch_add(person=world.security, value="vattenverket", note="Rykte om förgiftning")
    services.watch_add(person=world.communicator, value="re:\\bKF-\\d{4}\\b", channel=other)
    with pytest.raises(SupervisionRefused, match="Invalid watchlist pattern"):
        services.watch_add(person=world.security, value="re:(unclosed")
    with pytest.raises(PermissionDenied):
        services.watch_add(person=world.archivist, value="något")
    ingest(
        channel,
        [
            captured("c1", "Stämmer det att vattenverket är förgiftat?"),
            captured("c2", "Ärende KF-2024 gäller oss"),
        ],
    )
    ingest(other, [captured("o1", "Ärende KF-2024 gäller oss")])
    flagged = set(
        Finding.objects.filter(category="watchlist").values_list("record__platform_id", flat=True)
    )
    assert flagged == {"c1", "o1"}
    assert ReviewItem.objects.get(record__platform_id="c1").categories == "watchlist"
    assert AuditEvent.objects.filter(action="watchlist.added").count() == 2


def test_no_evidence_means_no_removal_and_a_plain_message(world, flagged, monkeypatch):
    from torget.documents.pdfa import PdfNotValid
    from torget.supervision import evidence

    def broken(*args, **kwargs):
        raise PdfNotValid("font DejaVuSans is not embedded")

    monkeypatch.setattr(evidence, "render_pdf", broken)
    with pytest.raises(SupervisionRefused, match="nothing was removed"):
        services.decide(
            person=world.communicator,
            record=flagged,
            action=Action.REMOVE,
            reason=Reason.PERSONAL_DATA,
        )
    flagged.refresh_from_db()
    assert flagged.state != State.REMOVED
    assert not Decision.objects.exists() and not Evidence.objects.exists()
    assert [e.event for e in flagged.chain_entries.all()] == ["captured"]
