"""The archivist's preservation pages in Chromium: the snapshot list, one snapshot with its
validation results, and the way to disposal; every page passes axe (WCAG 2.1 AA)."""

import pytest

from tests.browser import accessibility_violations, screenshot
from tests.factories import captured, channel_in, ingest
from torget.preservation.package import Period
from torget.preservation.services import request_snapshot, take_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_archivist_finds_a_valid_snapshot_and_the_disposal_pages(
    page_as, live_server, world, tmp_path
):
    channel = channel_in(world, "active", name="Exempla kommun på Facebook")
    ingest(
        channel,
        [
            captured(
                "p1", "Biblioteket har nya öppettider", kind="post", author_is_organisation=True
            ),
            captured("c1", "Bra! Gäller det även på lördagar?", parent_id="p1"),
        ],
    )
    snapshot = request_snapshot(
        person=world.archivist, channel=channel, period=Period.parse("2025H1")
    )
    snapshot = take_snapshot(snapshot, out=tmp_path / "snapshot")
    assert snapshot.status == "valid", snapshot.validation

    page = page_as(world.archivist)
    page.get_by_role("link", name="Bevarande", exact=True).click()
    page.get_by_role("heading", name="Bevarande", level=1).wait_for()
    assert accessibility_violations(page) == []
    screenshot(page, "preservation-overview")

    page.get_by_role("link", name="Exempla kommun på Facebook").click()
    table = page.get_by_role("table")
    for check in ("bagit", "eark-validator", "mets-files", "warcio", "pdfa"):
        assert table.get_by_role("rowheader", name=check).is_visible()
    assert page.get_by_text(snapshot.objid).is_visible()
    assert accessibility_violations(page) == []
    screenshot(page, "preservation-snapshot")

    page.get_by_role("link", name="Bevarande", exact=True).click()
    page.get_by_role("link", name="Gallring", exact=True).click()
    assert accessibility_violations(page) == []
    screenshot(page, "disposal-index")
