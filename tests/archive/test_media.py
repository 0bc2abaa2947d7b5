"""Media downloads: a file is served by what its bytes are, never by what some organisation's
import declared; only raster pictures, video and sound are shown inline, the rest (SVG and
HTML above all) only downloaded, with nosniff and a sandboxing CSP."""

import pytest
from django.urls import reverse

from tests.factories import captured, channel_in, ingest
from tests.hostile import png
from torget.archive.models import Record
from torget.sources.base import CapturedMedia

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _sha(platform_id: str) -> str:
    return (
        Record.objects.get(platform_id=platform_id)
        .versions.get()
        .content.split('"sha256":"')[1][:64]
    )


def _import(world, tmp_path, platform_id: str, data: bytes, declared: str) -> str:
    path = tmp_path / f"{platform_id}-{world.organisation.slug}"
    path.write_bytes(data)
    channel = channel_in(world, "active")
    ingest(
        channel,
        [captured(platform_id, "Bild", media=(CapturedMedia(path=str(path), mime_type=declared),))],
    )
    return _sha(platform_id)


def _get(client, sha: str):
    response = client.get(reverse("archive_media", args=[sha]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    return response


@pytest.mark.parametrize(
    ("data", "declared", "served"),
    [
        (SVG, "image/svg+xml", "image/svg+xml"),
        (SVG, "image/png", "image/svg+xml"),  # SVG in disguise
        (HTML, "image/jpeg", "text/html"),
        (HTML, "text/html", "text/html"),
        (b"just some bytes", "image/gif", "application/octet-stream"),
    ],
    ids=["svg", "svg-as-png", "html-as-jpeg", "html", "unknown-as-gif"],
)
def test_markup_and_unknown_files_are_only_downloaded(
    client_as, world, tmp_path, data, declared, served
):
    sha = _import(world, tmp_path, "m1", data, declared)
    response = _get(client_as(world.communicator), sha)
    assert response["Content-Type"] == served
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == data


def test_a_raster_picture_is_shown_inline_by_its_own_type(client_as, world, tmp_path):
    picture = png(5, 5)
    sha = _import(world, tmp_path, "m1", picture, "text/html")  # a wrong claim
    response = _get(client_as(world.communicator), sha)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content) == picture


def test_the_first_organisations_claim_is_not_served_to_the_next(
    client_as, world, other_world, tmp_path
):
    """One blob, two organisations: the first declared the HTML file a picture; the second,
    importing the same bytes, still gets a download of HTML, not an inline page or image."""
    first = _import(world, tmp_path, "m1", HTML, "image/png")
    second = _import(other_world, tmp_path, "m2", HTML, "text/plain")
    assert first == second
    for person in (world.communicator, other_world.communicator):
        response = _get(client_as(person), first)
        assert response["Content-Type"] == "text/html"
        assert response["Content-Disposition"].startswith("attachment;")
