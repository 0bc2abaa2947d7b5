"""PDF/A-2b documents: rendered with WeasyPrint, then checked, because WeasyPrint does not
promise validity (DOMAIN.md, "PDF/A"). Every PDF Torget keeps passes `problems()` first.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf

__all__ = ["PdfNotValid", "problems", "render"]


class PdfNotValid(RuntimeError):
    """A PDF Torget produced failed its own checks; it is never kept."""


def render(
    html: str,
    path: Path,
    *,
    base_url: str | None = None,
    identifier: bytes | None = None,
    url_fetcher=None,
    inspect: Callable[[Any], None] | None = None,
) -> Path:
    """Write `html` as PDF/A-2b to `path` (through a temporary name) and check it.

    `identifier` becomes the PDF's file identifier (WeasyPrint derives one from the content
    otherwise); `url_fetcher` replaces WeasyPrint's (which fetches network URLs); `inspect`
    is called with the laid-out WeasyPrint Document before it is written, to read its pages
    and anchors.
    """
    from weasyprint import HTML

    temporary = path.with_name(path.name + ".part")
    options = {"pdf_variant": "pdf/a-2b"}
    if identifier is not None:
        options["pdf_identifier"] = identifier
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(**options)
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
