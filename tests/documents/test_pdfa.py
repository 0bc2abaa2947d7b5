"""The one PDF renderer reads nothing but what Torget hands it: proven against a real web
server on 127.0.0.1 that counts requests, and local files whose marker must not reach the PDF."""

import re

import pytest

from tests.hostile import (
    hostile_html,
    hostile_svg,
    make_secrets,
    pdf_attachments,
    pdf_bytes_hold,
    pdf_images,
    pdf_text,
    png,
    start_listener,
)
from torget.documents import pdfa
from torget.documents.images import Picture, picture_for_pdf


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


def test_the_listener_counts_what_a_plain_fetch_asks_for(listener):
    """The server really counts: a fetch through the standard library is seen."""
    import urllib.request

    with urllib.request.urlopen(f"{listener.url}/probe.png") as response:  # noqa: S310
        assert response.read().startswith(b"\x89PNG")
    assert listener.requests == ["/probe.png"]


def test_the_renderer_fetches_no_address_and_reads_no_file(listener, secrets, tmp_path):
    path = pdfa.render(hostile_html(listener, secrets), tmp_path / "out.pdf")
    assert listener.requests == []
    assert pdfa.problems(path) == []
    text = pdf_text(path)
    assert "Visible text." in text
    assert secrets.marker not in text and "FETCHED" not in text
    assert not pdf_bytes_hold(path, secrets.marker)
    assert pdf_attachments(path) == 0
    assert pdf_images(path) == 0


def test_svg_handed_as_a_data_address_draws_nothing_it_names(listener, secrets, tmp_path):
    import base64

    svg = base64.b64encode(hostile_svg(listener, secrets)).decode()
    html = (
        "<!DOCTYPE html><html><body><p>Picture:</p>"
        f'<img src="data:image/svg+xml;base64,{svg}"></body></html>'
    )
    path = pdfa.render(html, tmp_path / "data.pdf")
    assert listener.requests == []
    assert "SVG-DRAWN" not in pdf_text(path)  # data: addresses are not read at all
    assert not pdf_bytes_hold(path, secrets.marker)


def test_only_the_pictures_handed_over_are_drawn(listener, tmp_path):
    picture = picture_for_pdf(png(40, 30))
    assert isinstance(picture, Picture)
    html = (
        "<!DOCTYPE html><html><body>"
        f'<img src="{pdfa.resource_url("one")}">'
        f'<img src="{pdfa.resource_url("not-handed")}">'
        f'<img src="{listener.url}/img.png"></body></html>'
    )
    path = pdfa.render(html, tmp_path / "one.pdf", resources={"one": picture})
    assert pdf_images(path) == 1
    assert listener.requests == []


@pytest.mark.parametrize(
    "picture",
    [
        Picture(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/png"),
        Picture(b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        Picture(png(), "image/jpeg"),
        Picture(b"<html><img src=http://127.0.0.1/></html>", "text/html"),
    ],
)
def test_a_resource_that_is_not_a_drawn_picture_is_refused(picture, tmp_path):
    with pytest.raises(ValueError, match="not a picture Torget drew"):
        pdfa.render("<p>x</p>", tmp_path / "x.pdf", resources={"x": picture})
    assert not (tmp_path / "x.pdf").exists()


def test_every_pdf_in_torget_goes_through_the_one_renderer():
    """No module but documents/pdfa.py talks to WeasyPrint: a second path would have its
    own fetcher, or none."""
    from pathlib import Path

    import torget

    root = Path(torget.__file__).parent
    talking = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(encoding="utf-8"), re.M)
    )
    assert talking == ["documents/pdfa.py"]
