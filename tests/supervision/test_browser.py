"""A comment with a personal identity number walked through supervision in Chromium: it
arrives by import, appears in the review queue, is removed with the reason "personal data";
the evidence PDF/A exists and passes the checks, and the audit log shows every step."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser import accessibility_violations, screenshot
from tests.factories import channel_in, interchange_line
from torget.archive.models import Record, State
from torget.documents.pdfa import problems
from torget.supervision.models import Evidence, PlatformTask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "20000101-2384"  # one of Skatteverket's test personnummer


def test_a_personal_identity_number_from_import_to_removed(page_as, live_server, world, tmp_path):
    channel = channel_in(world, "active", name="Exempla kommun på Facebook")
    export = tmp_path / "export.jsonl"
    export.write_text(
        "\n".join(
            [
                interchange_line(
                    "p1",
                    "Ansök om bygglov via e-tjänsten.",
                    kind="post",
                    author_is_organisation=True,
                    author={"id": "exempla"},
                ),
                interchange_line(
                    "c1",
                    f"Jag har sökt men inte fått svar, mitt personnummer är {NUMBER}",
                    parent_id="p1",
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    call_command(
        "import", str(export), "--channel", channel.slug, stdout=io.StringIO(), stderr=io.StringIO()
    )

    page = page_as(world.channel_admin)
    page.get_by_role("link", name="Tillsyn", exact=True).click()
    page.get_by_role("link", name="Granskningskö: 1 handling").click()
    assert "Personnummer" in page.locator("tbody").inner_text()
    assert accessibility_violations(page) == []
    screenshot(page, "supervision-01-queue")
    page.get_by_role("link", name="Kommentar · Anna Andersson").click()
    body = page.locator("main").inner_text()
    assert NUMBER not in body and "2384" in body  # masked
    assert accessibility_violations(page) == []
    page.get_by_label("Ta bort", exact=True).check()
    page.get_by_label("Skäl").select_option("personal_data")
    page.get_by_label("Anteckning").fill("Personnummer i en kommentar.")
    page.get_by_role("button", name="Registrera beslutet").click()
    page.get_by_text("Beviset är bevarat").wait_for()
    screenshot(page, "supervision-02-removed")
    record = Record.objects.get(platform_id="c1")
    assert record.state == State.REMOVED
    kept = Evidence.objects.get(record=record)
    assert problems(settings.DATA_DIR / kept.path) == []
    assert "personuppgifter" in page.locator("#n-sv").input_value()
    page.get_by_role("button", name="Gjort på plattformen").click()
    page.get_by_text("Bekräftat som gjort på plattformen.").wait_for()
    assert PlatformTask.objects.get().done_at is not None

    # The auditor sees every step in the audit log.
    page = page_as(world.auditor)
    page.goto(f"{live_server.url}/logg/")
    log = page.locator("main").inner_text()
    for action in ("evidence.kept", "decision.remove", "platform.remove_done"):
        assert action in log, action
    screenshot(page, "supervision-03-audit-log")
