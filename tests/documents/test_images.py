"""What a file is, by its bytes; and pictures drawn again before they reach a PDF."""

import io

import pytest
from PIL import Image

from tests.hostile import png
from torget.documents.filetypes import sniff
from torget.documents.images import MAX_SIDE, NotShown, Picture, picture_for_pdf


def _encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"%PDF-1.7", "application/pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b'\xef\xbb\xbf  <?xml version="1.0"?>\n<!-- x -->\n<svg>', "image/svg+xml"),
        (b"<!DOCTYPE svg PUBLIC><svg>", "image/svg+xml"),
        ("<svg><script/></svg>".encode("utf-16"), "image/svg+xml"),
        (b"<!doctype html><p>x", "text/html"),
        (b"  <html><body>", "text/html"),
        (b"<script>alert(1)</script>", "text/html"),
        (b"<?xml version='1.0'?><rss/>", "application/xml"),
        (b"plain words", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_sniff_tells_what_the_bytes_are(head, kind):
    assert sniff(head) == kind


def test_svg_never_becomes_a_picture_whatever_it_claims():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1/x"/></svg>'
    assert picture_for_pdf(svg) == NotShown("svg", "image/svg+xml")
    assert picture_for_pdf(b"<html><img src=x></html>") == NotShown("not_image", "text/html")


def test_a_picture_is_drawn_again_without_its_metadata():
    original = Image.new("RGB", (3000, 1500), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010E] = "ImageDescription with a secret"
    data = _encoded(original, "JPEG", exif=exif.tobytes())
    picture = picture_for_pdf(data)
    assert isinstance(picture, Picture) and picture.mime_type == "image/jpeg"
    assert b"secret" not in picture.data
    with Image.open(io.BytesIO(picture.data)) as drawn:
        assert max(drawn.size) == MAX_SIDE and drawn.format == "JPEG"


def test_transparency_stays_as_png_and_an_animation_gives_its_first_frame():
    transparent = picture_for_pdf(_encoded(Image.new("RGBA", (4, 4), (0, 0, 0, 0)), "PNG"))
    assert isinstance(transparent, Picture) and transparent.mime_type == "image/png"
    frames = [Image.new("P", (4, 4), i) for i in range(3)]
    animated = io.BytesIO()
    frames[0].save(animated, format="GIF", save_all=True, append_images=frames[1:])
    assert isinstance(picture_for_pdf(animated.getvalue()), Picture)


def test_damaged_and_oversized_pictures_are_refused_with_the_reason():
    assert picture_for_pdf(png()[:30]).reason == "unreadable"
    huge = _encoded(Image.new("1", (9000, 9000)), "PNG")  # 81 megapixels, tiny file
    assert len(huge) < 100_000
    assert picture_for_pdf(huge) == NotShown("too_large", "image/png")


def test_a_type_only_pillow_could_read_is_not_read():
    """TIFF and PostScript are not among the plugins allowed: not shown, never decoded."""
    tiff = _encoded(Image.new("RGB", (4, 4)), "TIFF")
    assert picture_for_pdf(tiff) == NotShown("not_image", "image/tiff")
    assert picture_for_pdf(b"%!PS-Adobe-3.0 EPSF-3.0\n").reason == "not_image"
