"""Imported pictures made safe to put in a PDF: decoded as raster and drawn again, or refused
with the reason, never handed to the renderer as they came.

An SVG drawing (or SVG bytes declared as a photo) is a program that may name other files
and addresses; WeasyPrint would follow them. A raster file is decoded only by the few Pillow
plugins named here (no PostScript, no plugin that starts another program), its size is
bounded before a pixel is decoded, and it is written out again as plain PNG or JPEG without
its metadata, so the PDF carries pixels and nothing else.
"""

import io
import warnings
from dataclasses import dataclass

from .filetypes import sniff

__all__ = ["MAX_PIXELS", "MAX_SIDE", "NotShown", "Picture", "picture_for_pdf"]

# Pillow plugins allowed to decode an imported picture, by the type sniff() finds.
RASTER = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
}
MAX_PIXELS = 40_000_000  # a 5 MB file may claim 100,000 × 100,000 pixels; decode none of it
MAX_SIDE = 2000  # a picture in a document is at most about 12 cm wide: 2000 px is 400 dpi
JPEG_QUALITY = 88


@dataclass(frozen=True)
class Picture:
    """A picture ready for the renderer: PNG or JPEG bytes that Torget itself wrote."""

    data: bytes
    mime_type: str


@dataclass(frozen=True)
class NotShown:
    """Why a picture is left out of a document; the document says so in its place.

    `reason` is one of "svg" (a drawing that may point elsewhere), "not_image" (the bytes
    are not a picture whatever their declared type), "too_large" and "unreadable".
    """

    reason: str
    real_type: str


def picture_for_pdf(data: bytes) -> Picture | NotShown:
    """The picture in `data` drawn again as PNG (with transparency) or JPEG, or why not.

    The declared type is not asked for: the bytes decide what the file is.
    """
    from PIL import Image, ImageOps

    real = sniff(data[:4096])
    if real == "image/svg+xml":
        return NotShown("svg", real)
    plugin = RASTER.get(real)
    if plugin is None:
        return NotShown("not_image", real)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[plugin]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return NotShown("too_large", real)
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG decodes smaller when it can
                image.seek(0)  # an animation shows its first frame
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                return _encoded(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return NotShown("too_large", real)
    except (OSError, ValueError, SyntaxError, EOFError):
        # Pillow's ways of saying the bytes are damaged or not what their start promised.
        return NotShown("unreadable", real)


def _encoded(image) -> Picture:
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent:
        image.convert("RGBA").save(out, format="PNG", optimize=False)
        return Picture(out.getvalue(), "image/png")
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return Picture(out.getvalue(), "image/jpeg")
