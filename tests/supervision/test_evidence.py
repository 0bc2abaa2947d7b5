"""Removal evidence from hostile imports: pictures that point at addresses and local files,
SVG in disguise, HTML in the text. The evidence PDF fetches nothing and carries no local file;
what it cannot show it says, with the file's hash."""

import hashlib

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import captured, channel_in, ingest
from tests.hostile import (
    hostile_svg,
    make_secrets,
    pdf_attachments,
    pdf_bytes_hold,
    pdf_images,
    pdf_text,
    png,
    start_listener,
)
from torget.archive.models import Record
from torget.documents.pdfa import problems
from torget.sources.base import CapturedMedia
from torget.supervision import services
from torget.supervision.models import Action, Evidence, Reason


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def listener():
    listener, server = start_listener()
    yield listener
    server.shutdown()
    server.server_close()


@pytest.fixture
def secrets(tmp_path):
    folder = tmp_path / "secret"
    folder.mkdir()
    return make_secrets(folder)


def _file(folder, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def _remove(world, record) -> str:
    services.decide(
        person=world.communicator,
        record=record,
        action=Action.REMOVE,
        reason=Reason.PERSONAL_DATA,
    )
    kept = Evidence.objects.get(record=record)
    path = settings.DATA_DIR / kept.path
    assert problems(path) == []
    return path


def test_hostile_pictures_make_the_evidence_fetch_nothing(world, listener, secrets, tmp_path):
    channel = channel_in(world, "active")
    media_dir = tmp_path / "media"
    media_dir.mkdir()
    svg = hostile_svg(listener, secrets)
    html = f'<html><body><img src="{listener.url}/html.png"></body></html>'.encode()
    photo = png(60, 40)
    media = (
        CapturedMedia(path=_file(media_dir, "drawing.svg", svg), mime_type="image/svg+xml"),
        # SVG bytes that claim to be a photo: WeasyPrint would still draw them as SVG.
        CapturedMedia(path=_file(media_dir, "photo.jpg", svg + b" "), mime_type="image/jpeg"),
        CapturedMedia(path=_file(media_dir, "page.png", html), mime_type="image/png"),
        CapturedMedia(path=_file(media_dir, "real.png", photo), mime_type="image/png"),
    )
    text = (
        f'Mitt personnummer är 20000101-2384 <img src="{listener.url}/text.png"> '
        f'<link rel="stylesheet" href="file://{secrets.css}">'
    )
    ingest(
        channel,
        [
            captured("post", "Välkommen!", kind="post", author_is_organisation=True),
            captured("c1", text, parent_id="post", media=media),
            captured(
                "c2",
                f'<svg><image href="{listener.url}/reply.png"/></svg>',
                parent_id="post",
            ),
        ],
    )
    record = Record.objects.get(platform_id="c1")
    path = _remove(world, record)

    assert listener.requests == []
    words = pdf_text(path)
    assert secrets.marker not in words and not pdf_bytes_hold(path, secrets.marker)
    assert "FETCHED" not in words and "SVG-DRAWN" not in words
    assert pdf_attachments(path) == 0
    assert pdf_images(path) == 1  # the real picture, drawn again; nothing else
    flat = " ".join(words.split())
    assert flat.count("Bilden visas inte: den är en SVG-teckning") == 2
    assert "angiven som image/png, men dess innehåll är text/html" in flat
    for sha in (hashlib.sha256(svg).hexdigest(), hashlib.sha256(html).hexdigest()):
        assert sha[:20] in flat.replace(" ", "")
    # The record's text is shown as text, never as markup.
    assert "<img src=" in flat


def test_a_picture_claiming_a_huge_size_is_not_decoded(world, tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    # A valid PNG header for 60,000 × 60,000 pixels with a few bytes of data.
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    channel = channel_in(world, "active")
    ingest(
        channel,
        [
            captured(
                "c1",
                "20000101-2384",
                media=(
                    CapturedMedia(path=_file(tmp_path, "big.png", bomb), mime_type="image/png"),
                ),
            )
        ],
    )
    path = _remove(world, Record.objects.get(platform_id="c1"))
    assert "Bilden visas inte: den är större än" in " ".join(pdf_text(path).split())
    assert pdf_images(path) == 0


def test_a_registrar_package_of_hostile_text_fetches_nothing(
    world, listener, secrets, tmp_path, settings
):
    settings.TORGET_REGISTRATION_DIR = tmp_path / "registration"
    channel = channel_in(world, "active")
    text = (
        f'<img src="{listener.url}/a.png"><link rel="stylesheet" href="{listener.url}/b.css">'
        f'<style>@import url("file://{secrets.css}");</style>'
        f'<svg><image href="file://{secrets.picture}"/><use href="{listener.url}/c.svg#a"/></svg>'
    )
    ingest(channel, [captured("c1", text, author_name=f'<img src="{listener.url}/author.png">')])
    record = Record.objects.get(platform_id="c1")
    services.decide(
        person=world.communicator, record=record, action=Action.REGISTER, reason=Reason.CONFIDENTIAL
    )
    from pathlib import Path

    from torget.dialogue.models import Registration

    package = Path(Registration.objects.get(record=record).package) / "handling.pdf"
    assert listener.requests == []
    assert not pdf_bytes_hold(package, secrets.marker)
    assert "<img src=" in " ".join(pdf_text(package).split())
