"""PDF/A-2b documents: rendered with WeasyPrint, then checked, because WeasyPrint does not
promise validity (DOMAIN.md, "PDF/A"). Every PDF Torget keeps passes `problems()` first.

`render()` is the only way Torget turns HTML into PDF. Its renderer fetches nothing: no
network address, no local file, no data: URL, nothing relative to a base. The only things it
may read are the pictures the caller hands it, by name (`resource_url()`), as bytes Torget
itself drew again (`images.Picture`). Whatever an imported record or picture names, a PDF
kept for ten years can neither reach another machine nor carry a file from this one.
"""

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pikepdf

from .filetypes import sniff
from .images import Picture

__all__ = ["PdfNotValid", "problems", "render", "resource_url"]

logger = logging.getLogger(__name__)

RESOURCE_SCHEME = "torget-resource"
# What the renderer may be handed: pictures Torget drew again, checked once more here.
RESOURCE_TYPES = frozenset({"image/png", "image/jpeg"})


class PdfNotValid(RuntimeError):
    """A PDF Torget produced failed its own checks; it is never kept."""


def resource_url(name: str) -> str:
    """The address by which a template names a resource handed to `render()`."""
    return f"{RESOURCE_SCHEME}:{name}"


def _fetcher(resources: Mapping[str, Picture]):
    """A WeasyPrint URL fetcher that answers only from `resources` and refuses the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    served: dict[str, Picture] = {}
    for name, picture in resources.items():
        if picture.mime_type not in RESOURCE_TYPES or sniff(picture.data[:16]) != (
            picture.mime_type
        ):
            raise ValueError(
                f"resource {name!r} is not a picture Torget drew ({picture.mime_type})"
            )
        served[resource_url(name)] = picture

    class OnlyGiven(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            picture = served.get(url)
            if picture is None:
                self.refused.append(url[:200])
                raise ValueError("Torget's renderer reads only what Torget hands it")
            return URLFetcherResponse(url, picture.data, {"Content-Type": picture.mime_type})

        def open(self, url, data=None, timeout=None):
            raise ValueError("Torget's renderer opens no addresses")

    return OnlyGiven()


def render(
    html: str,
    path: Path,
    *,
    resources: Mapping[str, Picture] | None = None,
    identifier: bytes | None = None,
    inspect: Callable[[Any], None] | None = None,
) -> Path:
    """Write `html` as PDF/A-2b to `path` (through a temporary name) and check it.

    `resources` are the pictures the HTML may show, by name: a template writes
    `<img src="{resource_url(name)}">`. Nothing else is read, whatever the HTML, its CSS or
    its pictures name. `identifier` becomes the PDF's file identifier (WeasyPrint derives
    one from the content otherwise); `inspect` is called with the laid-out WeasyPrint
    Document before it is written, to read its pages and anchors.
    """
    from weasyprint import HTML

    fetcher = _fetcher(resources or {})
    temporary = path.with_name(path.name + ".part")
    options = {"pdf_variant": "pdf/a-2b"}
    if identifier is not None:
        options["pdf_identifier"] = identifier
    # No base URL: a relative address resolves to nothing, and <base href> reaches only
    # the fetcher above.
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(**options)
    if fetcher.refused:
        logger.warning(
            "the PDF renderer refused %d address(es) it was not handed, e.g. %s",
            len(fetcher.refused),
            fetcher.refused[0],
        )
    if inspect is not None:
        inspect(document)
    document.write_pdf(temporary, **options)
    found = problems(temporary)
    if found:
        temporary.unlink(missing_ok=True)
        raise PdfNotValid("; ".join(found))
    temporary.replace(path)
    return path


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        return bool(descendants) and all(_embedded(d) for d in descendants)
    if font.get("/Subtype") == "/Type3":
        return True  # drawn with PDF operators, nothing to embed
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _actions(obj, seen: set) -> list[str]:
    """JavaScript or launch actions anywhere reachable from `obj`."""
    found = []
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        key = obj.objgen if obj.is_indirect else None
        if key is not None:
            if key in seen:
                return found
            seen.add(key)
        if obj.get("/S") in ("/JavaScript", "/Launch") or "/JS" in obj:
            found.append(f"an action of type {obj.get('/S', '/JS')}")
        for name in list(obj.keys()):
            if name in ("/Parent", "/P"):
                continue
            found += _actions(obj[name], seen)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            found += _actions(item, seen)
    return found


def problems(path: Path) -> list[str]:
    """What stops the file from being a sound PDF/A-2b; empty when it passes.

    Checks: opens without syntax problems, not encrypted, declares PDF/A-2B in its XMP
    metadata, has an sRGB output intent, embeds every font, has no JavaScript or launch
    action, and has a trailer ID.
    """
    found: list[str] = []
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as error:
        return [f"cannot be opened: {error}"]
    with pdf:
        found += [f"syntax: {p}" for p in pdf.check_pdf_syntax()]
        if pdf.is_encrypted:
            found.append("it is encrypted")
        status = pdf.open_metadata().pdfa_status
        if status != "2B":
            found.append(f"it declares PDF/A {status or 'nothing'}, not 2B")
        intents = pdf.Root.get("/OutputIntents")
        if not intents or not any(
            i.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i for i in intents
        ):
            found.append("it has no PDF/A output intent with an ICC profile (sRGB)")
        for number, page in enumerate(pdf.pages, start=1):
            fonts = page.get("/Resources", {}).get("/Font", {})
            for name, font in fonts.items():
                if not _embedded(font):
                    found.append(
                        f"page {number}: font {name} {font.get('/BaseFont')} is not embedded"
                    )
        found += _actions(pdf.Root, set())
        if "/ID" not in pdf.trailer:
            found.append("its trailer has no ID")
    return found
