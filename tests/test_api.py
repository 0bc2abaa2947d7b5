"""The read API: authenticated, scoped to the caller's organisation, documented."""

import pytest

from tests.factories import channel_in
from torget.organisations.services import api_token_create

pytestmark = pytest.mark.django_db


def test_no_credentials_no_data(client, world):
    channel_in(world, "active")
    assert client.get("/api/channels").status_code == 401


def test_a_wrong_token_is_refused(client, world):
    response = client.get("/api/channels", HTTP_AUTHORIZATION="Bearer tg_abcd1234_wrong")
    assert response.status_code == 401


def test_token_lists_own_channels_only(client, world, other_world):
    mine = channel_in(world, "active")
    channel_in(other_world, "active")
    _token, secret = api_token_create(person=world.auditor, name="test")
    response = client.get("/api/channels", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == [mine.slug]


def test_a_revoked_token_stops_working(client, world):
    token, secret = api_token_create(person=world.auditor, name="test")
    token.revoked_at = token.created_at
    token.save(update_fields=["revoked_at"])
    assert client.get("/api/channels", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_session_detail_and_history(client_as, world):
    channel = channel_in(world, "paused")
    client = client_as(world.communicator)
    detail = client.get(f"/api/channels/{channel.slug}").json()
    assert detail["status"] == "paused" and detail["pause_reason"] == "Säkerhetsgenomgång."
    assert detail["administrators"][0]["name"] == world.channel_admin.name
    history = client.get(f"/api/channels/{channel.slug}/history").json()
    assert [h["to_status"] for h in history][-2:] == ["active", "paused"]


def test_another_organisations_channel_is_404(client_as, world, other_world):
    theirs = channel_in(other_world, "active")
    client = client_as(world.communicator)
    assert client.get(f"/api/channels/{theirs.slug}").status_code == 404
    assert client.get(f"/api/channels/{theirs.slug}/history").status_code == 404


def test_filters(client_as, world):
    channel_in(world, "active")
    proposed = channel_in(world, "proposed")
    client = client_as(world.communicator)
    assert [c["slug"] for c in client.get("/api/channels?status=proposed").json()] == [
        proposed.slug
    ]
    assert client.get("/api/channels?status=nonsense").status_code == 422


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/channels" in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower()


def test_the_committed_schema_is_the_served_one():
    """docs/openapi.json is the API's contract: a change to the API shows in its diff."""
    import json
    from pathlib import Path

    from torget.api import api

    committed = json.loads((Path(__file__).parent.parent / "docs" / "openapi.json").read_text())
    served = json.loads(json.dumps(api.get_openapi_schema()))
    assert served == committed, "run `make openapi` and commit the diff"
