"""A day at work (issue 17): channels told apart by platform and address, and a lifecycle
that says in words what happened, what comes next and who it waits for."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import captured, channel_in, ingest
from torget.channels.models import Channel, Platform, Status, mark_name_clashes
from torget.dialogue.models import Question

pytestmark = pytest.mark.django_db

PLATFORMS = [Platform.FACEBOOK, Platform.INSTAGRAM, Platform.YOUTUBE, Platform.MASTODON]


@pytest.fixture
def same_names(world):
    """ "Exempla kommun" on four platforms, twice on Facebook, each with a question."""
    channels = [
        channel_in(world, "active", name="Exempla kommun", platform=platform)
        for platform in PLATFORMS
    ]
    channels.append(
        channel_in(
            world,
            "active",
            name="Exempla kommun",
            platform=Platform.FACEBOOK,
            address="https://www.facebook.com/exempla.skola",
        )
    )
    now = timezone.now()
    for n, channel in enumerate(channels):
        ingest(
            channel,
            [
                captured("p", "Nyhet", kind="post", author_is_organisation=True, created_at=now),
                captured(f"q{n}", "Hur söker jag bygglov?", parent_id="p", created_at=now),
            ],
        )
    return channels


def test_a_channel_label_names_its_platform_and_its_address_when_names_clash(world, same_names):
    # Fresh from the database: a label read before the clash existed was true then.
    facebook, instagram = (Channel.objects.get(pk=c.pk) for c in same_names[:2])
    assert instagram.label == "Exempla kommun (Instagram)"
    assert facebook.label == f"Exempla kommun (Facebook, {facebook.address})"
    assert str(instagram) == instagram.label
    # Marking many at once asks the database once, and agrees with the one-by-one answer.
    fresh = list(Channel.objects.filter(pk__in=[c.pk for c in same_names]))
    mark_name_clashes(fresh)
    assert {c.pk: c.label for c in fresh} == {
        c.pk: Channel.objects.get(pk=c.pk).label for c in same_names
    }
    annotated = Channel.objects.with_name_clash().get(pk=instagram.pk)
    assert annotated.name_clash is False and annotated.label == instagram.label


def test_every_page_that_lists_channels_shows_each_with_its_platform(client_as, world, same_names):
    labels = ["Exempla kommun (Instagram)", "Exempla kommun (YouTube)", "Exempla kommun (Mastodon)"]
    pages = {
        world.communicator: [
            reverse("inbox"),  # the channel filter and the rows
            reverse("supervision"),
            reverse("supervision_queue"),
            reverse("supervision_watch"),
            reverse("dialogue_statistics"),
            reverse("archive_search") + "?q=bygglov",
        ],
        world.archivist: [reverse("preservation")],  # the snapshot picker
    }
    for person, urls in pages.items():
        client = client_as(person)
        for url in urls:
            page = client.get(url).content.decode()
            for label in labels:
                assert label in page, (url, label)
    # The two Facebook pages of the same name are told apart by their addresses.
    inbox = client_as(world.communicator).get(reverse("inbox")).content.decode()
    assert "https://www.facebook.com/exempla.skola" in inbox


def test_statistics_keep_channels_of_the_same_name_apart(client_as, world, same_names):
    from torget.dialogue.selectors import response_statistics

    today = timezone.localdate()
    rows = response_statistics(
        person=world.communicator,
        since=today - datetime.timedelta(days=1),
        until=today,
        by="channel",
    )
    assert len({row.group for row in rows}) == len(same_names)


def test_the_overdue_mail_counts_in_words_and_links_with_the_host(world, same_names, settings):
    from torget.dialogue.services import overdue_alarms

    settings.TORGET_BASE_URL = "https://torget.exempla.se"
    Question.objects.filter(record__channel=same_names[1]).update(
        deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    same_names[1].responsible_manager.email = "chef@exempla.se"
    same_names[1].responsible_manager.save()
    assert overdue_alarms() == 1
    message = mail.outbox[0]
    assert message.subject == "Torget: 1 obesvarad fråga på Exempla kommun (Instagram)"
    assert "https://torget.exempla.se/dialog/" in message.body


def test_steps_say_where_they_lead_and_what_happened(client_as, world):
    channel = channel_in(world, "proposed")
    client = client_as(world.communicator)
    page = client.get(reverse("channel_detail", args=[channel.slug])).content.decode()
    assert "Skicka till riskbedömning" in page and "Godkänn för beslut" not in page
    response = client.post(reverse("channel_step", args=[channel.slug, "approve"]), follow=True)
    page = response.content.decode()
    assert "Förslaget är godkänt och skickat till säkerhetsansvarig för riskbedömning." in page
    assert "Klart:" not in page
    # History says what the person did, not only the state reached.
    assert "godkände förslaget och skickade det till riskbedömning" in page
    assert "föreslog kanalen" in page


def test_launch_confirmation_says_the_channel_is_launched(client_as, world):
    channel = channel_in(world, "preparing")
    from torget.channels import services

    services.channel_checklist_update(
        person=world.channel_admin,
        channel=channel,
        has_profile_picture=True,
        has_description=True,
        has_page_rules=True,
        is_listed_publicly=True,
    )
    client = client_as(world.channel_admin)
    response = client.post(reverse("channel_step", args=[channel.slug, "launch"]), follow=True)
    assert "Kanalen är lanserad." in response.content.decode()


def test_a_recorded_risk_assessment_is_not_the_next_step(client_as, world):
    channel = channel_in(world, "decision")
    client = client_as(world.security)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert channel.label not in dashboard
    page = client.get(reverse("channel_detail", args=[channel.slug])).content.decode()
    assert "Ditt nästa steg" not in page
    assert "Dokumentera en ny riskbedömning" in page  # still possible, folded away
    assert "Väntar på beslut av ansvarig chef, Chef Exempla" in page


def test_others_see_whom_the_channel_waits_for(client_as, world):
    proposed = channel_in(world, "proposed")
    assessing = channel_in(world, "risk_assessment")
    client = client_as(world.auditor)
    page = client.get(reverse("channel_detail", args=[proposed.slug])).content.decode()
    assert "Väntar på att en kommunikatör granskar förslaget" in page
    page = client.get(reverse("channel_detail", args=[assessing.slug])).content.decode()
    assert "Väntar på säkerhetsansvarigs riskbedömning" in page
    # The one who is the next actor sees her step instead.
    page = client_as(world.security).get(reverse("channel_detail", args=[assessing.slug]))
    assert 'id="waiting-for"' not in page.content.decode()


def _done_ticks(page: str) -> int:
    return len(re.findall(r'class="lifecycle__step is-done', page))


def test_progress_ticks_stay_when_a_channel_is_paused_or_closed(client_as, world):
    client = client_as(world.auditor)
    for status, done in [("active", 4), ("paused", 4), ("returned", 0), ("closed", 5)]:
        channel = channel_in(world, status)
        page = client.get(reverse("channel_detail", args=[channel.slug])).content.decode()
        assert _done_ticks(page) == done, status


def test_the_inventory_review_is_a_next_step_only_when_due_soon(client_as, world):
    channel = channel_in(world, "active")
    client = client_as(world.communicator)
    url = reverse("channel_detail", args=[channel.slug])
    assert channel.next_review_due > timezone.localdate() + datetime.timedelta(days=300)
    assert "Dokumentera en kanalinventering" not in client.get(url).content.decode()
    Channel.objects.filter(pk=channel.pk).update(
        next_review_due=timezone.localdate() + datetime.timedelta(days=10)
    )
    assert "Dokumentera en kanalinventering" in client.get(url).content.decode()


def test_a_refused_step_keeps_the_reason_typed(client_as, world):
    channel = channel_in(world, "decision")
    channel.risk_assessments.update(benefit_outweighs_risk=False)
    client = client_as(world.manager)
    response = client.post(
        reverse("channel_step", args=[channel.slug, "open"]),
        {"open-comment": "Vi öppnar trots allt, se bilaga."},
    )
    assert response.status_code == 409
    assert "Vi öppnar trots allt, se bilaga." in response.content.decode()
    assert Channel.objects.get(pk=channel.pk).status == Status.DECISION


def test_a_412_character_name_is_refused_with_a_swedish_sentence(client_as, world):
    from tests.factories import channel_fields

    fields = channel_fields(world, name="x" * 412)
    data = {
        **{k: v for k, v in fields.items() if k not in ("unit", "responsible_manager")},
        "unit": world.unit.pk,
        "responsible_manager": world.manager.pk,
        "comment_policy": "open",
        "posting_goal": 1,
        "posting_period": "week",
        "need": "y" * 5000,
    }
    response = client_as(world.channel_admin).post(reverse("channel_propose"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Channel.objects.filter(name="x" * 412).exists()
    assert "som mest 200 tecken (den har 412)" in page
    assert "som mest 4000 tecken (den har 5000)" in page
    assert 'maxlength="4000"' in page


def test_the_overview_says_to_each_role_what_waits(client_as, world, same_names):
    from torget.preservation.models import Snapshot
    from torget.preservation.package import Period
    from torget.preservation.services import request_snapshot

    snapshot = request_snapshot(
        person=world.archivist, channel=same_names[1], period=Period.parse("2025H1")
    )
    Snapshot.objects.filter(pk=snapshot.pk).update(status="invalid")
    expected = {
        world.communicator: "5 obesvarade frågor i dialoginkorgen",
        world.channel_admin: "5 obesvarade frågor i dialoginkorgen",
        world.archivist: "1 ögonblicksbild som inte är giltig",
    }
    for person, sentence in expected.items():
        page = client_as(person).get(reverse("dashboard")).content.decode()
        assert sentence in page, person
        assert "Just nu väntar inget på dig" not in page
    page = client_as(world.auditor).get(reverse("dashboard")).content.decode()
    assert "Just nu väntar inget på dig" in page
