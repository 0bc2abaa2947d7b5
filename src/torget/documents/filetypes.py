"""What a stored file really is, from its first bytes, whatever anyone declared it to be.

An imported file's declared type is a claim by whoever made the export (and, for a blob
stored once for several organisations, by the first of them). Serving or rendering a file
by that claim lets SVG or HTML in disguise run as a page or draw from other addresses, so
both the media download and the PDF renderer ask `sniff()` instead.
"""

import re

__all__ = ["HEAD_BYTES", "INLINE_SAFE", "sniff"]

# Enough for every signature below, including an SVG or HTML start after a long XML prolog.
HEAD_BYTES = 4096

# Types a browser may show inline from Torget's own address: raster images, video and audio.
# None of them can run script or fetch anything when shown; everything else is downloaded.
INLINE_SAFE = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "video/mp4",
        "video/quicktime",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/flac",
        "audio/mp4",
    }
)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"ID3", "audio/mpeg"),
    (b"\x1f\x8b", "application/gzip"),
)
# ISO base media files ("....ftypXXXX"): which brand is which.
_FTYP_BRANDS = {
    b"qt  ": "video/quicktime",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
    b"avif": "image/avif",
}
_MARKUP = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!doctype\s+(?P<doctype>\w+)|<(?P<tag>[a-z][a-z0-9:_-]*))",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = frozenset(
    b"html head body script iframe object embed style meta link title div span p a img "
    b"table form svg:svg".split()
)


def sniff(head: bytes) -> str:
    """The type the bytes show (give at least HEAD_BYTES of the file's start, or all of it):
    a MIME type, "image/svg+xml" or "text/html" for markup, "application/octet-stream" when
    the bytes say nothing Torget knows."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(
            head[8:12], "application/octet-stream"
        )
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head[:2] == b"\xff\xfb" or head[:2] == b"\xff\xf3" or head[:2] == b"\xff\xf2":
        return "audio/mpeg"
    return _markup(head)


def _markup(head: bytes) -> str:
    # UTF-16 text is markup's favourite disguise: look at it as UTF-8 too.
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    match = _MARKUP.match(head)
    if match is None:
        return "application/octet-stream"
    name = (match["doctype"] or match["tag"]).lower()
    if name == b"svg" or name.endswith(b":svg"):
        return "image/svg+xml"
    if name in _HTML_TAGS:
        return "text/html"
    # Any other XML: a browser would still treat it as markup that may hold script.
    return "application/xml"
