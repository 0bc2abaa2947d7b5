"""The ingest pipeline: exactly once, versions on change, deletions after complete listings,
every capture event on the integrity chain."""

import datetime
import itertools

import pytest

from tests.factories import captured, channel_in
from torget.archive.integrity import verify_channel
from torget.archive.models import IngestionRun, IntegrityEntry, Record, RecordVersion, State
from torget.channels.models import Channel
from torget.ingest.pipeline import ChannelBusy, Ingestion

pytestmark = pytest.mark.django_db

LATER = datetime.datetime(2025, 3, 5, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


def ingest(channel, items, complete=False, batch_size=2000):
    with Ingestion(
        channel=channel, source="test", complete_listing=complete, batch_size=batch_size
    ) as ingestion:
        for item in items:
            ingestion.add(item)
    return ingestion


def thread():
    return [
        captured(
            "p1",
            "Vi bygger en ny förskola.",
            kind="post",
            author_is_organisation=True,
            author_id="org",
            author_name="Exempla kommun",
        ),
        captured("c1", "När öppnar förskolan?", parent_id="p1"),
        captured(
            "r1",
            "I augusti. Hälsningar Sara",
            kind="reply",
            parent_id="c1",
            author_is_organisation=True,
            author_id="org",
            author_name="Exempla kommun",
        ),
    ]


def test_records_are_stored_with_direction_thread_and_parents(channel):
    run = ingest(channel, thread()).run
    assert (run.new, run.changed, run.unchanged, run.status) == (3, 0, 0, "completed")
    post, comment, reply = (Record.objects.get(platform_id=p) for p in ("p1", "c1", "r1"))
    assert post.direction == "drawn_up" and comment.direction == "received"
    assert reply.direction == "drawn_up"
    assert comment.parent == post and reply.parent == comment
    assert {post.thread_platform_id, comment.thread_platform_id, reply.thread_platform_id} == {"p1"}
    assert comment.first_seen_at == comment.last_seen_at == thread()[1].captured_at
    assert comment.versions.get().raw == thread()[1].raw
    channel.refresh_from_db()
    assert channel.last_activity_at == thread()[0].created_at


def test_importing_the_same_items_twice_changes_nothing(channel):
    ingest(channel, thread())
    before = (Record.objects.count(), RecordVersion.objects.count(), IntegrityEntry.objects.count())
    run = ingest(channel, thread()).run
    assert (run.new, run.changed, run.unchanged) == (0, 0, 3)
    after = (Record.objects.count(), RecordVersion.objects.count(), IntegrityEntry.objects.count())
    assert before == after == (3, 3, 3)


def test_an_edited_text_becomes_a_new_version(channel):
    ingest(channel, thread())
    edited = captured(
        "c1", "När öppnar förskolan? Och var?", parent_id="p1", captured_at=LATER, edited_at=LATER
    )
    run = ingest(channel, [edited]).run
    assert run.changed == 1
    record = Record.objects.get(platform_id="c1")
    assert record.state == State.EDITED and record.version_count == 2
    assert record.text == "När öppnar förskolan? Och var?"
    assert list(record.versions.values_list("number", flat=True)) == [1, 2]
    assert record.versions.first().content != record.versions.last().content
    assert record.chain_entries.order_by("seq").last().event == "edited"
    assert list(verify_channel(channel)) == []


def test_a_record_edited_twice_in_one_batch_keeps_both_versions(channel):
    items = [captured("c1", "Första"), captured("c1", "Andra", captured_at=LATER)]
    run = ingest(channel, items).run
    assert (run.new, run.changed) == (1, 1)
    assert list(Record.objects.get().versions.values_list("number", flat=True)) == [1, 2]


def test_a_complete_listing_marks_the_missing_as_deleted_never_removes(channel):
    ingest(channel, thread())
    run = ingest(channel, thread()[:2], complete=True).run
    assert run.deleted == 1
    reply = Record.objects.get(platform_id="r1")
    assert reply.state == State.DELETED and reply.deleted_seen_at is not None
    assert reply.last_seen_at == thread()[2].captured_at
    assert reply.chain_entries.order_by("seq").last().event == "deleted"
    # It comes back if the platform shows it again.
    ingest(channel, thread())
    reply.refresh_from_db()
    assert reply.state == State.LIVE
    assert reply.chain_entries.order_by("seq").last().event == "reappeared"
    assert list(verify_channel(channel)) == []


def test_an_item_the_source_says_is_deleted_is_kept_and_marked_deleted(channel):
    gone = datetime.datetime(2025, 3, 5, 12, 0, tzinfo=datetime.UTC)
    ingest(channel, [captured("p1", "Live first")])
    ingest(
        channel,
        [
            captured("p1", "Live first", deleted_at=gone),
            captured("p2", "Born gone", deleted_at=gone),
        ],
    )
    for pid in ("p1", "p2"):
        record = Record.objects.get(platform_id=pid)
        assert record.state == State.DELETED and record.deleted_seen_at == gone
        assert [e.event for e in record.chain_entries.order_by("seq")][-1] == "deleted"
    # The same export again changes nothing: no "reappeared", no second "deleted".
    entries = IntegrityEntry.objects.count()
    counts = ingest(channel, [captured("p1", "Live first", deleted_at=gone)]).counts
    assert counts.unchanged == 1 and IntegrityEntry.objects.count() == entries
    assert Record.objects.get(platform_id="p1").state == State.DELETED
    assert list(verify_channel(channel)) == []


def test_an_older_version_seen_again_changes_nothing_but_a_newer_edit_does(channel):
    def at(day):
        return datetime.datetime(2025, 3, day, 9, tzinfo=datetime.UTC)

    ingest(channel, [captured("p1", "Första", created_at=at(1))])
    ingest(channel, [captured("p1", "Andra", created_at=at(1), edited_at=at(2))])
    ingest(channel, [captured("p1", "Tredje", created_at=at(1), edited_at=at(3))])
    record = Record.objects.get(platform_id="p1")
    assert record.version_count == 3 and record.text == "Tredje"
    # An edit history imported again: every version is older than the current one.
    counts = ingest(channel, [captured("p1", "Andra", created_at=at(1), edited_at=at(2))]).counts
    assert counts.unchanged == 1 and counts.changed == 0
    record.refresh_from_db()
    assert record.version_count == 3 and record.text == "Tredje"
    # A genuine revert on the platform is newer than the current version: a new version.
    counts = ingest(channel, [captured("p1", "Andra", created_at=at(1), edited_at=at(4))]).counts
    assert counts.changed == 1
    assert Record.objects.get(platform_id="p1").version_count == 4
    assert list(verify_channel(channel)) == []


def test_a_comment_approved_after_moderation_is_shown_without_a_new_version(channel):
    ingest(channel, [captured("c1", "Väntar på granskning", hidden=True)])
    assert Record.objects.get(platform_id="c1").state == State.HIDDEN
    counts = ingest(channel, [captured("c1", "Väntar på granskning")]).counts
    record = Record.objects.get(platform_id="c1")
    assert record.state == State.LIVE and record.version_count == 1 and counts.unchanged == 1
    ingest(channel, [captured("c1", "Väntar på granskning", hidden=True)])
    assert Record.objects.get(platform_id="c1").state == State.HIDDEN
    assert list(verify_channel(channel)) == []


def test_a_listing_that_is_not_complete_deletes_nothing(channel):
    ingest(channel, thread())
    ingest(channel, thread()[:1])
    assert not Record.objects.filter(state=State.DELETED).exists()


def test_children_before_parents_are_linked_when_the_parent_arrives(channel):
    items = thread()
    ingest(channel, [items[2]], batch_size=1)
    ingest(channel, [items[1]], batch_size=1)
    ingest(channel, [items[0]], batch_size=1)
    comment = Record.objects.get(platform_id="c1")
    assert comment.parent.platform_id == "p1"
    assert Record.objects.get(platform_id="r1").parent == comment


def test_the_chain_links_every_event_in_order(channel):
    ingest(channel, thread(), batch_size=2)
    entries = list(IntegrityEntry.objects.filter(channel=channel).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))


def test_one_channel_is_never_captured_twice_at_once(channel):
    with Ingestion(channel=channel, source="first"), pytest.raises(ChannelBusy):
        Ingestion(channel=channel, source="second").__enter__()


def test_a_run_left_by_a_dead_process_is_taken_over(channel):
    IngestionRun.objects.create(
        organisation=channel.organisation,
        channel=channel,
        source="crashed",
        host="elsewhere",
        pid=1,
        heartbeat_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    run = ingest(channel, thread()).run
    assert run.status == "completed"
    assert IngestionRun.objects.get(source="crashed").status == "interrupted"


def test_a_failure_mid_run_keeps_committed_batches_and_records_the_error(channel):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), Ingestion(channel=channel, source="t", batch_size=2) as ingestion:
        for item in thread():
            ingestion.add(item)
        raise Boom("disk full")
    run = IngestionRun.objects.get()
    assert run.status == "failed" and "disk full" in run.errors[-1]["reason"]
    assert Record.objects.count() == 2  # the first batch of two stays
    assert ingest(channel, thread()).run.new == 1  # a rerun finishes the job
    assert Record.objects.count() == 3


def test_records_belong_to_their_channel(world, channel):
    other = channel_in(world, "active")
    ingest(channel, thread())
    ingest(other, thread())
    assert Record.objects.filter(platform_id="p1").count() == 2
    assert Channel.objects.get(pk=other.pk).records.count() == 3
