"""The public list of channels (R2): no login, only what may be public, valid open data."""

import csv
import io
import json
import re

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import channel_in, days_ago
from torget.channels.models import Channel
from torget.channels.public import SCHEMA_PATH

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(world, other_world):
    made = {
        status: channel_in(world, status, name=f"Kanal {status}")
        for status in [
            "proposed",
            "decision",
            "preparing",
            "active",
            "paused",
            "closed",
            "rejected",
        ]
    }
    made["old_closed"] = channel_in(world, "closed", name="Kanal gammal")
    Channel.objects.filter(pk=made["old_closed"].pk).update(closed_at=days_ago(400))
    made["theirs"] = channel_in(other_world, "active", name="Grannbys kanal")
    return made


def _names(document) -> set[str]:
    return {c["name"] for c in document["channels"]}


def test_the_list_shows_live_and_recently_closed_channels_only(client, channels):
    response = client.get(reverse("public_channels_org", args=["exempla"]))
    assert response.status_code == 200
    names = {c.name for group in response.context["groups"] for c in group["channels"]}
    assert names == {"Kanal active", "Kanal paused", "Kanal closed"}
    html = response.content.decode()
    assert "Stängd den" in html
    assert "registrator@exempla.se" in html


def test_the_json_follows_its_schema(client, channels):
    document = client.get(reverse("public_channels_json")).json()
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    assert _names(document) == {"Kanal active", "Kanal paused", "Kanal closed", "Grannbys kanal"}
    closed = next(c for c in document["channels"] if c["name"] == "Kanal closed")
    assert closed["status"] == "closed"
    assert closed["closed_on"] == timezone.now().date().isoformat()
    assert {o["slug"] for o in document["organisations"]} == {"exempla", "grannby"}


def test_the_json_for_one_organisation(client, channels):
    document = client.get(reverse("public_channels_org_json", args=["grannby"])).json()
    assert _names(document) == {"Grannbys kanal"}
    assert client.get("/kanaler/finns-inte.json").status_code == 404


def test_the_schema_is_served(client):
    schema = client.get(reverse("public_channels_schema")).json()
    assert schema["properties"]["schema_version"] == {"const": 2}


def test_the_csv_has_a_row_per_listed_channel(client, channels):
    response = client.get(reverse("public_channels_org_csv", args=["exempla"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row["name"] for row in rows} == {"Kanal active", "Kanal paused", "Kanal closed"}
    assert all(row["records_request"].endswith("registrator@exempla.se") for row in rows)


def test_an_unlisted_active_channel_is_not_shown(client, world):
    channel = channel_in(world, "active")
    Channel.objects.filter(pk=channel.pk).update(is_listed_publicly=False)
    assert client.get(reverse("public_channels_json")).json()["channels"] == []


def test_our_pages_load_nothing_from_anyone_else(client, channels):
    response = client.get(reverse("public_channels"))
    html = response.content.decode()
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    # Every resource the page loads (not the links people may follow) is our own.
    for match in re.finditer(r'<(?:script|img|link|iframe)[^>]+(?:src|href)="([^"]+)"', html):
        assert match.group(1).startswith("/"), match.group(0)


def test_the_latest_sealed_head_of_each_channel_is_published(client, channels, settings, tmp_path):
    from tests.factories import captured, ingest
    from torget.archive import seals
    from torget.archive.models import IntegrityEntry

    settings.DATA_DIR = tmp_path
    active = Channel.objects.get(name="Kanal active")
    ingest(active, [captured("p1", "Hej", kind="post", author_is_organisation=True)])
    seals.seal_heads()
    ingest(active, [captured("p2", "Hej igen", kind="post", author_is_organisation=True)])
    seals.seal_heads()
    document = client.get(reverse("public_channels_json")).json()
    jsonschema.validate(document, json.loads(SCHEMA_PATH.read_text()))
    entry = next(c for c in document["channels"] if c["name"] == "Kanal active")
    head = IntegrityEntry.objects.filter(channel=active).order_by("-seq").first()
    assert entry["sealed_head"]["seq"] == head.seq == 2
    assert entry["sealed_head"]["entry_hash"] == head.entry_hash
    # Anyone can check the published seal with the published key.
    keys = {
        k["key_id"]: seals.load_public_key(k["public_key"].encode()) for k in document["seal_keys"]
    }
    assert seals.check_seal(json.loads(entry["sealed_head"]["seal"]), keys).ok
    others = [c for c in document["channels"] if c["name"] != "Kanal active"]
    assert all(c["sealed_head"] is None for c in others)
    html = client.get(reverse("public_channels")).content.decode()
    assert head.entry_hash[:16] in html
