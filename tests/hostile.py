"""Hostile content for the renderer tests: a real HTTP server on 127.0.0.1 that counts every
request, local files with a marker that must never reach a PDF, and pictures that point at
both. Used by the documents, supervision, dialogue and preservation tests."""

import base64
import io
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pikepdf
import pypdf


def png(width: int = 8, height: int = 8, colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Listener:
    """A web server that answers every request with a picture (or CSS) and counts them."""

    url: str
    requests: list[str] = field(default_factory=list)


def start_listener() -> tuple[Listener, ThreadingHTTPServer]:
    picture = png()
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path.endswith(".css"):
                body, kind = b'body::after { content: "FETCHED-BY-THE-RENDERER"; }', "text/css"
            elif self.path.endswith(".svg"):
                body = b'<svg xmlns="http://www.w3.org/2000/svg"><text id="a">FETCHED</text></svg>'
                kind = "image/svg+xml"
            else:
                body, kind = picture, "image/png"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    listener = Listener(url=f"http://127.0.0.1:{server.server_address[1]}", requests=seen)
    return listener, server


@dataclass
class Secrets:
    """Local files that hold `marker`: a text file, a stylesheet, an SVG and a picture."""

    marker: str
    folder: Path

    @property
    def text(self) -> Path:
        return self.folder / "passwd"

    @property
    def css(self) -> Path:
        return self.folder / "secret.css"

    @property
    def svg(self) -> Path:
        return self.folder / "secret.svg"

    @property
    def picture(self) -> Path:
        return self.folder / "secret.png"


def make_secrets(folder: Path) -> Secrets:
    marker = "LOCALSECRET" + uuid.uuid4().hex[:12].upper()
    secrets = Secrets(marker=marker, folder=folder)
    secrets.text.write_text(f"root:x:0:0:{marker}:/root:/bin/sh\n")
    secrets.css.write_text(f'body::before {{ content: "{marker}"; }}')
    secrets.svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
        f'<text id="t" x="0" y="20" font-size="12">{marker}</text></svg>'
    )
    secrets.picture.write_bytes(png(9, 9, (10, 200, 10)))
    return secrets


def hostile_svg(listener: Listener, secrets: Secrets) -> bytes:
    """An SVG that asks for an address and local files in every way SVG can."""
    return f"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="400" height="300">
  <image href="{listener.url}/svg-image.png" width="50" height="50"/>
  <image xlink:href="{listener.url}/svg-xlink-image.png" width="50" height="50"/>
  <image href="file://{secrets.picture}" width="50" height="50"/>
  <use href="{listener.url}/external.svg#a"/>
  <use xlink:href="file://{secrets.svg}#t"/>
  <style>@import url("{listener.url}/svg-style.css");</style>
  <rect width="10" height="10" fill="url({listener.url}/pattern.svg#p)"/>
  <text x="0" y="290">SVG-DRAWN</text>
</svg>""".encode()


def hostile_html(listener: Listener, secrets: Secrets) -> str:
    """A page that names addresses and local files in every way HTML and CSS can."""
    svg = base64.b64encode(hostile_svg(listener, secrets)).decode()
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<base href="{listener.url}/base/">
<link rel="stylesheet" href="{listener.url}/linked.css">
<link rel="stylesheet" href="file://{secrets.css}">
<link rel="attachment" href="file://{secrets.text}">
<link rel="attachment" href="{listener.url}/attachment.txt">
<style>
  @import url("{listener.url}/imported.css");
  @import url("file://{secrets.css}");
  @font-face {{ font-family: Hostile; src: url("{listener.url}/font.woff"); }}
  body {{ font-family: Hostile, sans-serif; background: url("{listener.url}/bg.png"); }}
  li {{ list-style-image: url("{listener.url}/bullet.png"); }}
</style></head>
<body>
<p>Visible text.</p>
<img src="{listener.url}/img.png">
<img src="relative.png">
<img src="file://{secrets.picture}">
<img src="file://{secrets.text}">
<img src="data:image/svg+xml;base64,{svg}">
<img src="data:image/png;base64,{svg}">
<object data="{listener.url}/object.png" type="image/png"></object>
<embed src="{listener.url}/embed.png" type="image/png">
<iframe src="{listener.url}/frame.html"></iframe>
<ul><li>item</li></ul>
<a rel="attachment" href="file://{secrets.text}">attached</a>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="200" height="100">
  <image href="{listener.url}/inline-svg.png" width="20" height="20"/>
  <use xlink:href="file://{secrets.svg}#t"/>
</svg>
</body></html>"""


def pdf_text(path: Path) -> str:
    """Every word on every page, as a reader would copy it out."""
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def pdf_images(path: Path) -> int:
    """How many raster pictures the PDF holds, wherever they are drawn (a picture's
    transparency mask is part of it, not a picture of its own)."""
    with pikepdf.open(path) as pdf:
        images = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
        masks = {i.SMask.objgen for i in images if "/SMask" in i}
        return sum(1 for i in images if i.objgen not in masks)


def pdf_attachments(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.attachments)


def pdf_bytes_hold(path: Path, marker: str) -> bool:
    """Whether the marker is anywhere in the PDF's streams, decompressed."""
    needle = marker.encode()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    if needle in obj.read_bytes():
                        return True
                except pikepdf.PdfError:
                    continue
    return needle in path.read_bytes()
