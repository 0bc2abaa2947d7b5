"""A watch-list entry names a channel the person supervises, or all channels on purpose: an
unknown channel is refused with a plain message, in the form and in the command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import channel_in
from torget.supervision import services
from torget.supervision.models import WatchEntry


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_an_unknown_channel_in_the_form_is_refused_not_widened(client_as, world, other_world):
    foreign = channel_in(other_world, "active")
    client = client_as(world.security)
    for slug in ("no-such-channel", foreign.slug):
        response = client.post(
            reverse("supervision_watch"),
            {"value": "vattenverket", "channel": slug},
            follow=True,
        )
        # Refused (409): the form is shown again with what was typed and the sentence.
        assert response.status_code == 409
        assert response.context["posted"]["value"] == "vattenverket"
        shown = " ".join(str(m) for m in response.context["messages"])
        # The interface speaks Swedish first.
        assert f"Det finns ingen kanal ”{slug}” bland de kanaler du har tillsyn över" in shown
        assert "så ingenting lades till" in shown
    assert not WatchEntry.objects.exists()


def test_a_known_channel_and_all_channels_are_added(client_as, world):
    channel = channel_in(world, "active")
    client = client_as(world.security)
    client.post(reverse("supervision_watch"), {"value": "bygglov", "channel": channel.slug})
    client.post(reverse("supervision_watch"), {"value": "vattenverket", "channel": ""})
    entries = {e.value: e.channel_id for e in WatchEntry.objects.all()}
    assert entries == {"bygglov": channel.pk, "vattenverket": None}


def test_the_service_refuses_an_unknown_slug(world):
    with pytest.raises(services.SupervisionRefused, match="nothing was added"):
        services.watch_add(person=world.security, value="x", channel_slug="nope")


def test_the_command_refuses_an_unknown_channel_and_adds_a_known_one(world):
    channel = channel_in(world, "active")
    user = world.security.user.username
    with pytest.raises(CommandError, match="no channel “nope” among the channels you supervise"):
        call_command("watchlist", user, "--add", "vattenverket", "--channel", "nope")
    assert not WatchEntry.objects.exists()
    out = StringIO()
    call_command("watchlist", user, "--add", "bygglov", "--channel", channel.slug, stdout=out)
    assert f"Added 'bygglov' ({channel.slug})." in out.getvalue()
    out = StringIO()
    call_command("watchlist", user, stdout=out)
    assert f"\t{channel.slug}\tbygglov\t" in out.getvalue()
