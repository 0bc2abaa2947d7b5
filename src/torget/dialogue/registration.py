"""The package a registrar receives: the record in its thread as PDF/A-2b, and a JSON file
with what the registration needs (date, direction, sender, short description).

Packages are written to TORGET_REGISTRATION_DIR (default: DATA_DIR/registration), one folder
per item, through a temporary name, so that a folder that exists is always complete.
"""

import datetime
import hashlib
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from torget.archive.selectors import thread_for_document
from torget.documents import pdfa

from .models import Registration

PACKAGE_VERSION = 1
MAX_THREAD = 500


def registration_dir() -> Path:
    return Path(getattr(settings, "TORGET_REGISTRATION_DIR", settings.DATA_DIR / "registration"))


def write_package(registration: Registration) -> Path:
    record = registration.record
    channel = record.channel
    name = f"{registration.organisation.slug}-{registration.pk:06d}"
    target = registration_dir() / name
    temporary = registration_dir() / f".{name}.part"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    thread = thread_for_document(record=record, limit=MAX_THREAD)
    with translation.override("sv"):
        html = render_to_string(
            "dialogue/registration_pdf.html",
            {
                "registration": registration,
                "record": record,
                "channel": channel,
                "thread": thread.records,
                "disposed": thread.disposed,
                "now": timezone.now(),
            },
        )
    pdf_path = pdfa.render(html, temporary / "handling.pdf")
    pdf_sha = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    facts = {
        "torget_registration": PACKAGE_VERSION,
        "organisation": registration.organisation.name,
        "date": _iso(registration.received_at),
        "direction": registration.direction,
        "sender": registration.sender,
        "short_description": registration.description,
        "reason": registration.reason,
        "channel": {"name": channel.name, "platform": channel.platform, "address": channel.address},
        "record": {
            "id": record.pk,
            "platform_id": record.platform_id,
            "permalink": record.permalink,
            "text": record.text,
            "sha256": record.current_sha256,
        },
        "forwarded_by": registration.created_by.name,
        "forwarded_at": _iso(registration.created_at),
        "files": [{"name": "handling.pdf", "sha256": pdf_sha, "format": "PDF/A-2b"}],
    }
    (temporary / "registrering.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if target.exists():
        shutil.rmtree(target)
    temporary.rename(target)
    return target


def _iso(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
