"""The archive's pages and API: scoped to the organisation, raw payloads only for those who
handle records, and every opening of one audited."""

import pytest
from django.urls import reverse

from tests.factories import captured, channel_in
from torget.archive.models import Record
from torget.ingest.pipeline import Ingestion
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


def archive_of(world, tmp_path=None):
    channel = channel_in(world, "active")
    with Ingestion(channel=channel, source="test") as ingestion:
        ingestion.add(
            captured(
                "p1",
                "Kommunen bygger en ny simhall.",
                kind="post",
                author_is_organisation=True,
                author_name="Exempla kommun",
            )
        )
        ingestion.add(captured("c1", "När öppnar simhallen?", parent_id="p1"))
    with Ingestion(channel=channel, source="test 2") as ingestion:
        ingestion.add(captured("c1", "När öppnar simhallen? Och vad kostar det?", parent_id="p1"))
    return channel


def test_search_page_finds_inflected_words(client_as, world):
    archive_of(world)
    response = client_as(world.communicator).get(reverse("archive_search"), {"q": "simhall"})
    assert response.status_code == 200
    assert {h.record.platform_id for h in response.context["page"].hits} == {"p1", "c1"}
    assert "<mark>simhallen</mark>" in response.content.decode()


def test_record_page_shows_thread_versions_and_proof(client_as, world):
    archive_of(world)
    record = Record.objects.get(platform_id="c1")
    response = client_as(world.communicator).get(reverse("record_detail", args=[record.pk]))
    assert response.status_code == 200
    assert [row.record.platform_id for row in response.context["thread"]] == ["p1", "c1"]
    assert len(response.context["versions"]) == 2 and response.context["verified"]
    assert "<ins>Och vad kostar det?</ins>" in response.content.decode()
    assert response.context["raw"] is None and not response.context["may_see_raw"]


def test_another_organisations_record_is_not_found(client_as, world, other_world):
    archive_of(other_world)
    record = Record.objects.get(platform_id="c1")
    client = client_as(world.archivist)
    assert client.get(reverse("record_detail", args=[record.pk])).status_code == 404
    assert client.get(f"/api/records/{record.pk}").status_code == 404
    assert client.get(reverse("archive_search"), {"q": "simhall"}).context["page"].hits == []


def test_raw_payload_is_for_archivists_and_registrars_and_audited(client_as, world):
    archive_of(world)
    record = Record.objects.get(platform_id="c1")
    url = reverse("record_detail", args=[record.pk]) + "?raw=1"
    assert client_as(world.communicator).get(url).status_code == 403
    response = client_as(world.archivist).get(url)
    assert response.status_code == 200
    assert [v.raw for v in response.context["raw"]] == list(
        record.versions.order_by("number").values_list("raw", flat=True)
    )
    event = AuditEvent.objects.get(action="record.view_raw")
    assert event.actor == world.archivist and event.object_id == str(record.pk)


def test_tampering_shows_on_the_record_page(client_as, world):
    archive_of(world)
    record = Record.objects.get(platform_id="c1")
    record.versions.filter(number=1).update(
        content=record.versions.get(number=1).content.replace("simhallen", "badhuset")
    )
    response = client_as(world.communicator).get(reverse("record_detail", args=[record.pk]))
    assert response.context["verified"] is False
    assert "Integritetskontrollen misslyckades" in response.content.decode()


def test_api_search_and_record(client_as, world):
    archive_of(world)
    client = client_as(world.communicator)
    results = client.get("/api/records", {"q": "simhallen", "kind": "comment"}).json()
    assert [r["record"]["platform_id"] for r in results["results"]] == ["c1"]
    record_id = results["results"][0]["record"]["id"]
    detail = client.get(f"/api/records/{record_id}").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert detail["integrity_verified"] is True and detail["direction"] == "received"
    thread = client.get(f"/api/records/{record_id}/thread").json()
    assert [r["platform_id"] for r in thread] == ["p1", "c1"]


def test_media_is_served_only_within_the_organisation(client_as, world, other_world, tmp_path):
    from torget.sources.base import CapturedMedia

    image = tmp_path / "bild.png"
    image.write_bytes(b"\x89PNG fake")
    channel = channel_in(world, "active")
    with Ingestion(channel=channel, source="media") as ingestion:
        ingestion.add(
            captured("m1", "Bild", media=(CapturedMedia(path=str(image), mime_type="image/png"),))
        )
    sha = Record.objects.get(platform_id="m1").versions.get().content.split('"sha256":"')[1][:64]
    response = client_as(world.communicator).get(reverse("archive_media", args=[sha]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x89PNG fake"
    assert (
        client_as(other_world.communicator).get(reverse("archive_media", args=[sha])).status_code
        == 404
    )
