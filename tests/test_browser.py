"""The register walked through the real UI in Chromium: proposal to active, pause, close,
with the public list following. Screenshots land in test-artifacts/screenshots/."""

import pytest

from tests.browser import accessibility_violations, screenshot
from torget.channels.models import Channel, Status
from torget.organisations.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_channel(page, live_server, name: str) -> None:
    page.goto(f"{live_server.url}/register/")
    page.get_by_role("link", name=name).click()


def test_channel_from_proposal_to_closed(page_as, live_server, world, browser):
    # The channel administrator fills in the "new channel" form.
    page = page_as(world.channel_admin)
    page.get_by_role("link", name="Kanalregister").click()
    page.get_by_role("link", name="Föreslå en ny kanal").click()
    page.get_by_role("button", name="Skicka förslaget").click()
    assert page.get_by_role("alert").first.is_visible()  # the empty form says what is missing
    screenshot(page, "01-proposal-errors")
    page.locator("#id_platform").select_option("instagram")
    page.locator("#id_name").fill("Biblioteket i Exempla")
    page.locator("#id_address").fill("https://www.instagram.com/biblioteketexempla")
    page.locator("#id_unit").select_option(label=world.unit.name)
    page.locator("#id_responsible_manager").select_option(str(world.manager.pk))
    page.get_by_label(str(world.channel_admin)).check()
    for field, text in [
        ("need", "Unga lånar färre böcker."),
        ("organisation_goal", "Läslust hos unga"),
        ("purpose", "Boktips och evenemang."),
        ("target_groups", "Unga 13–19 år"),
        ("desired_effects", "Fler unga på biblioteket"),
        ("complements_website", "Länkar till evenemangskalendern"),
        ("content_plan", "Boktips varje vecka"),
    ]:
        page.locator(f"#id_{field}").fill(text)
    page.locator("#id_hours_per_week").fill("3")
    page.locator("#id_comment_policy").select_option("restricted")
    page.locator("#id_comment_policy_reason").fill("Målgruppen är delvis barn.")
    page.get_by_role("button", name="Skicka förslaget").click()
    page.get_by_text("Förslaget har skickats").wait_for()
    screenshot(page, "02-proposed")
    channel = Channel.objects.get(name="Biblioteket i Exempla")
    assert channel.status == Status.PROPOSED

    # The communicator approves it and sends it to risk assessment.
    page = page_as(world.communicator)
    page.get_by_role("link", name="Biblioteket i Exempla").click()  # from "Waiting for you"
    page.get_by_role("button", name="Skicka till riskbedömning").click()
    page.get_by_text("Väntar på riskbedömning").first.wait_for()

    # The security officer records the risk assessment.
    page = page_as(world.security)
    _open_channel(page, live_server, "Biblioteket i Exempla")
    page.get_by_label("Bedömning").fill("Kontot sköts från en separat telefon.")
    page.get_by_label("Nyttan överväger riskerna").check()
    page.get_by_label("Särskilda skäl").fill("Unga nås inte i våra egna kanaler.")
    page.get_by_role("button", name="Dokumentera riskbedömningen").click()
    page.get_by_text("Riskbedömningen är dokumenterad").wait_for()

    # The responsible manager decides to open it.
    page = page_as(world.manager)
    _open_channel(page, live_server, "Biblioteket i Exempla")
    screenshot(page, "03-decision")
    page.get_by_role("button", name="Besluta att öppna").click()
    page.get_by_text("Förbereder lansering").first.wait_for()

    # The channel administrator completes the checklist and launches.
    page = page_as(world.channel_admin)
    _open_channel(page, live_server, "Biblioteket i Exempla")
    page.get_by_role("button", name="Lansera").click()
    page.get_by_text("Checklistan inför lansering är inte klar").wait_for()
    for box in page.locator("form[action$='/checklista/'] input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Spara checklistan").click()
    page.get_by_role("button", name="Lansera").click()
    page.get_by_text("Kanalen är lanserad").wait_for()
    screenshot(page, "04-active")
    channel.refresh_from_db()
    assert channel.status == Status.ACTIVE and channel.next_review_due is not None

    # The public list shows it, without a login.
    public = browser.new_page()
    public.goto(f"{live_server.url}/kanaler/")
    public.get_by_role("link", name="Biblioteket i Exempla").wait_for()
    screenshot(public, "05-public-list")
    assert accessibility_violations(public) == []

    # The manager pauses it with a reason, then closes it.
    page = page_as(world.manager)
    _open_channel(page, live_server, "Biblioteket i Exempla")
    page.get_by_role("button", name="Pausa").click()
    page.get_by_text("Ange ett skäl.").first.wait_for()
    page.locator("#id_pause-comment").fill("Säkerhetsgenomgång av appen.")
    page.get_by_role("button", name="Pausa").click()
    page.get_by_text("Pausad:").wait_for()
    public.reload()
    assert public.get_by_text("Pausad").first.is_visible()
    page.locator("#id_close-comment").fill("Behovet täcks av kommunens huvudkonto.")
    page.get_by_role("button", name="Stäng").click()
    page.get_by_text("Stängd den").first.wait_for()
    screenshot(page, "06-closed")
    public.reload()
    assert public.get_by_text("Stängd den").first.is_visible()
    public.close()

    channel.refresh_from_db()
    assert channel.status == Status.CLOSED
    audited = set(
        AuditEvent.objects.filter(
            object_id=str(channel.pk), object_type="channels.channel"
        ).values_list("action", flat=True)
    )
    assert audited == {
        "channel.propose",
        "channel.approve",
        "channel.assess_risk",
        "channel.open",
        "channel.checklist",
        "channel.launch",
        "channel.pause",
        "channel.close",
    }

    # The auditor sees the whole trail in the audit log.
    page = page_as(world.auditor)
    page.get_by_role("link", name="Händelselogg").click()
    page.get_by_text("channel.close").first.wait_for()
    screenshot(page, "07-audit-log")


@pytest.mark.parametrize("who", ["communicator", "auditor"])
def test_main_pages_pass_automated_wcag_checks(page_as, live_server, world, who):
    from tests.factories import captured, channel_in
    from torget.archive.models import Record
    from torget.ingest.pipeline import Ingestion

    channel = channel_in(world, "decision")
    active = channel_in(world, "active")
    with Ingestion(channel=active, source="test") as ingestion:
        ingestion.add(captured("p1", "Kommunen bygger om torget.", kind="post"))
        ingestion.add(captured("c1", "Hur länge pågår bygget?", parent_id="p1"))
    with Ingestion(channel=active, source="test 2") as ingestion:
        ingestion.add(captured("c1", "Hur länge pågår bygget? Och varför?", parent_id="p1"))
    record = Record.objects.get(platform_id="c1")
    page = page_as(getattr(world, who))
    for path in [
        "/",
        "/register/",
        f"/register/{channel.slug}/",
        "/register/ny/",
        "/logg/",
        "/arkiv/?q=kommun",
        f"/arkiv/handling/{record.pk}/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        if response.status == 403:
            continue
        assert accessibility_violations(page) == [], path
    screenshot(page, f"08-{who}-last-page")


def test_the_accessibility_check_does_find_violations(browser):
    """Guards the check above: a page with an unlabelled field and an image without alt fails."""
    page = browser.new_page()
    page.set_content('<html><body><img src="/x.png"><input type="text"></body></html>')
    found = " ".join(accessibility_violations(page))
    page.close()
    assert "image-alt" in found and "label" in found
