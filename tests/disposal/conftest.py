"""An archive with old and new comments on one channel, and a disposal rule citing its
decision, for the disposal tests."""

import datetime

import pytest
from django.utils import timezone, translation

from tests.factories import captured, channel_in, ingest
from torget.archive.models import Record
from torget.disposal import services
from torget.disposal.models import RecordClass

OLD = datetime.datetime(2015, 1, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


@pytest.fixture
def archive(channel):
    """post: our own; c1, c2: old comments; c3: a recent one. Returns records by platform id."""
    recent = timezone.now() - datetime.timedelta(days=30)
    ingest(
        channel,
        [
            captured(
                "post",
                "Välkommen till biblioteket!",
                kind="post",
                author_is_organisation=True,
                created_at=OLD,
            ),
            captured("c1", "Fina öppettider på biblioteket", parent_id="post", created_at=OLD),
            captured("c2", "Tack för sagostunden", parent_id="post", created_at=OLD),
            captured(
                "c3", "Bra utställning", parent_id="post", created_at=recent, captured_at=recent
            ),
        ],
    )
    # c1 is edited once, so it has two versions.
    ingest(
        channel,
        [
            captured(
                "c1",
                "Fina öppettider på biblioteket, även på lördagar",
                parent_id="post",
                created_at=OLD,
                edited_at=OLD + datetime.timedelta(hours=1),
                captured_at=datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC),
            )
        ],
    )
    return {r.platform_id: r for r in Record.objects.filter(channel=channel)}


@pytest.fixture
def rule(world):
    return services.rule_create(
        person=world.archivist,
        record_class=RecordClass.COMMENTS,
        keep_years=3,
        decision_reference="KS 2024/117 § 3",
        decision_date=datetime.date(2024, 5, 2),
        description="Kommentarer av ringa eller tillfällig betydelse",
    )
