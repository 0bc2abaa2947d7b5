"""Content-addressed media: a file is stored once, under its SHA-256, and never changed.

The store is Django's default storage (the filesystem by default; S3-compatible storage via
django-storages when configured), under blobs/ab/cd/<sha256>.
"""

import hashlib
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def file_sha256(path: str | Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def store_file(path: str | Path) -> tuple[str, int]:
    """Store a file if its content is not stored yet; return its SHA-256 and size."""
    sha, size = file_sha256(path)
    name = blob_name(sha)
    if not default_storage.exists(name):
        with open(path, "rb") as handle:
            # The storage writes to a temporary file and renames it: no half blob is visible.
            saved = default_storage.save(name, File(handle))
        if saved != name:  # someone stored the same content at the same moment
            default_storage.delete(saved)
    return sha, size


def open_blob(sha256: str):
    return default_storage.open(blob_name(sha256), "rb")


def register(cursor, rows: list[tuple[str, int, str]], organisation_id: int) -> None:
    """Record stored blobs in the database, once each, and that the organisation uses them."""
    from django.db import connection
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cursor.executemany(
        "INSERT INTO archive_blob (sha256, size, mime_type, created_at) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (sha256) DO NOTHING",
        [(sha, size, mime, now) for sha, size, mime in rows],
    )
    cursor.executemany(
        "INSERT INTO archive_mediause (organisation_id, blob_id) VALUES (%s, %s) "
        "ON CONFLICT (organisation_id, blob_id) DO NOTHING",
        [(organisation_id, sha) for sha, _size, _mime in rows],
    )
