"""Removal evidence: the record in its thread as it looked, as PDF/A-2b, checked, stored,
hashed and linked into the channel's integrity chain before anything is removed.

Files live under DATA_DIR/evidence/<organisation>/ and are kept for ten years (retention
class "removal-evidence-10y"). Child sexual abuse material is the exception: only the hash
and the metadata are kept, never the content (and the record's media files are purged).
"""

import datetime
import hashlib
import json
import mimetypes

import orjson
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from torget.archive import blobs
from torget.archive.models import Blob, Record
from torget.archive.selectors import thread_for_document
from torget.documents import images, pdfa
from torget.documents.filetypes import HEAD_BYTES, sniff

RETENTION_YEARS = 10
MAX_THREAD = 300
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def _media(record: Record) -> list[dict]:
    version = record.versions.order_by("-number").first()
    if version is None:
        return []
    return orjson.loads(version.content).get("media", [])


def _pictures(record: Record) -> tuple[list[dict], dict[str, images.Picture]]:
    """The record's media as the evidence shows them, and the pictures handed to the renderer.

    A stored file is judged by its bytes, not by the type its import declared: a raster
    picture is drawn again (documents/images.py); an SVG drawing, a file that is no picture,
    and one too large are listed with the reason they are not shown, and their hash.
    """
    shown, resources = [], {}
    for number, entry in enumerate(_media(record)):
        sha, declared = entry.get("sha256", ""), entry.get("mime_type", "")
        item = {**entry, "real_type": "", "src": "", "not_shown": ""}
        shown.append(item)
        if not sha:
            continue
        try:
            with blobs.open_blob(sha) as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
        except OSError:
            if declared.startswith("image/"):
                item["not_shown"] = "missing"
            continue
        item["real_type"] = sniff(data[:HEAD_BYTES])
        if not (declared.startswith("image/") or item["real_type"].startswith("image/")):
            continue  # video, sound, documents: listed, never drawn
        if len(data) > MAX_IMAGE_BYTES:
            item["not_shown"] = "too_large"
            continue
        picture = images.picture_for_pdf(data)
        if isinstance(picture, images.NotShown):
            item["not_shown"] = picture.reason
            continue
        name = f"media-{number}"
        resources[name] = picture
        item["src"] = pdfa.resource_url(name)
    return shown, resources


def render_pdf(
    record: Record,
    *,
    reason_label: str,
    by_name: str,
    masked_copy: dict | None = None,
) -> bytes:
    """The PDF/A bytes for a record in its thread (checked by pdfa.render).

    The evidence itself is whole. `masked_copy` (the kept evidence's sha256, kept_at and
    the person it is made for) renders instead the copy shown to people who may not see
    personal data whole: the same record and thread as Torget held them when the evidence
    was kept, with personal data masked and a header naming the original."""
    thread = thread_for_document(
        record=record,
        limit=MAX_THREAD,
        seen_by=masked_copy["kept_at"] if masked_copy is not None else None,
    )
    media, resources = _pictures(record)
    with translation.override("sv"):
        html = render_to_string(
            "supervision/evidence_pdf.html",
            {
                "record": record,
                "channel": record.channel,
                "thread": thread.records,
                "disposed": thread.disposed,
                "media": media,
                "max_megabytes": MAX_IMAGE_BYTES // 1024**2,
                "max_megapixels": images.MAX_PIXELS // 1_000_000,
                "reason": reason_label,
                "by": by_name,
                "now": masked_copy["kept_at"] if masked_copy else timezone.now(),
                "whole": masked_copy is None,
                "copy": masked_copy,
            },
        )
    target = settings.DATA_DIR / "evidence" / ".render"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{record.pk}-{timezone.now():%Y%m%d%H%M%S%f}.pdf"
    try:
        pdfa.render(html, path, resources=resources)
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


def render_masked_copy(evidence, *, for_name: str) -> bytes:
    """The copy of kept evidence shown to someone without the right to see personal data
    whole (torget.personal_data.policy): rendered when asked, never stored, and the stored
    evidence stays as it was kept."""
    metadata = evidence.metadata or {}
    return render_pdf(
        evidence.record,
        reason_label=metadata.get("reason", ""),
        by_name=evidence.created_by.name if evidence.created_by_id else "",
        masked_copy={
            "sha256": evidence.sha256,
            "kept_at": evidence.created_at,
            "for": for_name,
            "made_at": timezone.now(),
        },
    )


def keep(record: Record, *, reason_label: str, by_name: str, content: bool = True) -> dict:
    """Write the evidence and return what the Evidence row needs (path, sha256, size...)."""
    now = timezone.now()
    keep_until = (now + datetime.timedelta(days=365 * RETENTION_YEARS + 3)).date()
    metadata = {
        "record_id": record.pk,
        "platform_id": record.platform_id,
        "channel": record.channel.slug,
        "platform": record.channel.platform,
        "author_id": record.author_platform_id,
        "author_name": record.author_name,
        "created_at": record.created_at.isoformat(),
        "first_seen_at": record.first_seen_at.isoformat(),
        "permalink": record.permalink,
        "version_sha256": record.current_sha256,
        "media_sha256": [m.get("sha256", "") for m in _media(record)],
        "reason": reason_label,
        "kept_at": now.isoformat(),
    }
    if not content:
        # Only the hash and the facts: the content itself must never be held.
        canonical = json.dumps(metadata, sort_keys=True, ensure_ascii=False).encode()
        return {
            "path": "",
            "sha256": hashlib.sha256(canonical).hexdigest(),
            "size": 0,
            "content_kept": False,
            "metadata": metadata,
            "keep_until": keep_until,
        }
    data = render_pdf(record, reason_label=reason_label, by_name=by_name)
    sha = hashlib.sha256(data).hexdigest()
    relative = f"evidence/{record.organisation.slug}/{record.pk}-{now:%Y%m%dT%H%M%S}-{sha[:12]}.pdf"
    folder = settings.DATA_DIR / relative.rsplit("/", 1)[0]
    folder.mkdir(parents=True, exist_ok=True)
    temporary = settings.DATA_DIR / (relative + ".part")
    temporary.write_bytes(data)
    temporary.replace(settings.DATA_DIR / relative)
    return {
        "path": relative,
        "sha256": sha,
        "size": len(data),
        "content_kept": True,
        "metadata": metadata,
        "keep_until": keep_until,
    }


def purge_media(record: Record) -> list[str]:
    """Delete the stored media files of a record whose content must not be held (child
    sexual abuse material); the hashes stay in the versions and the evidence."""
    purged = []
    for entry in _media(record):
        sha = entry.get("sha256", "")
        if sha and Blob.objects.filter(sha256=sha).exists():
            name = blobs.blob_name(sha)
            if default_storage.exists(name):
                default_storage.delete(name)
                purged.append(sha)
    return purged


def guess_mime(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
