"""A snapshot of one channel for one period, as an e-archive transfer package.

The package is an E-ARK SIP 2.1.0 (= FGS Paketstruktur 2.0, DOMAIN.md "Archives") inside a
BagIt bag (RFC 8493) for the transfer:

    <out>/                              the bag
      bagit.txt  bag-info.txt  manifest-sha256.txt  manifest-sha512.txt  tagmanifest-*.txt
      data/<OBJID>/                     the SIP, named after its OBJID
        METS.xml                        CSIP 2.1.0 + SIP 2.1.0 profile
        metadata/descriptive/ead.xml    EAD3: organisation, channel, period, purpose, owner
        metadata/preservation/premis.xml PREMIS 3: every file with fixity; capture, version,
                                        deletion, removal and disposal events
        schemas/                        every XSD the XML uses
        documentation/                  what the package holds and how to verify it
        representations/
          rep-records/                  records and versions as JSON Lines, media, the chain
          rep-pdfa/                     the human-readable snapshot, PDF/A-2b with contents
          rep-web/                      the same pages as WARC 1.1
          rep-evidence/                 removal evidence of the period (only when there is any)

Everything is written under a hidden temporary name beside `out` and renamed at the very end,
so a disk-full or killed run never leaves a folder that looks like a finished package. The
content is deterministic: the same period taken twice gives the same files, except for the
creation times in the METS files and the bag's own tag files.
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import mimetypes
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

import torget
from torget.archive import blobs
from torget.archive.models import IngestionRun, IntegrityEntry, Record, RecordVersion
from torget.channels.models import Channel
from torget.params import parse_date
from torget.refusals import BAD_INPUT, Refusal

SOFTWARE = "Torget"
CSIP_PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
METS_NS = "http://www.loc.gov/METS/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP_NS = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
PREMIS_NS = "http://www.loc.gov/premis/v3"
EAD_NS = "http://ead3.archivists.org/schema/"
SCHEMAS_DIR = Path(__file__).parent / "schemas"
# The schema files shipped in every package, and the namespace each one defines.
SCHEMAS = {
    "mets.xsd": METS_NS,
    "xlink.xsd": XLINK_NS,
    "DILCISExtensionMETS.xsd": CSIP_NS,
    "DILCISExtensionSIPMETS.xsd": SIP_NS,
    "premis.xsd": PREMIS_NS,
    "ead3.xsd": EAD_NS,
}
CHUNK = 1024 * 1024
RECORD_BATCH = 2000
MIME = {
    ".jsonl": "application/x-ndjson",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".gz": "application/gzip",
}
# Types of media files as stored, for names in the package (the content type is in METS).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "video/mp4": ".mp4",
    "audio/mpeg": ".mp3",
    "application/pdf": ".pdf",
}


NO_MEDIA = '"media":[]'


class PackageError(Refusal):
    """Something the person taking the snapshot can act on, in plain words."""

    status = BAD_INPUT


@dataclass(frozen=True)
class Period:
    """Both days included, in the organisation's calendar."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2025H1', '2025H2', or 'YYYY-MM-DD..YYYY-MM-DD'."""
        found = re.fullmatch(r"(\d{4})[Hh]([12])", text.strip())
        if found:
            year, half = int(found[1]), int(found[2])
            if half == 1:
                return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
            return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))
        found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text.strip())
        if found:
            return cls.of(found[1], found[2])
        raise PackageError(
            _(
                "%(text)s is not a period: write a half year such as 2025H2, or two dates such "
                "as 2025-07-01..2025-12-31."
            )
            % {"text": repr(text)}
        )

    @classmethod
    def of(cls, start: str | datetime.date, end: str | datetime.date) -> Period:
        first = start if isinstance(start, datetime.date) else parse_date(start)
        last = end if isinstance(end, datetime.date) else parse_date(end)
        if first is None or last is None:
            raise PackageError(
                _("A date must be written YYYY-MM-DD, for example 2025-07-01.")
            ) from None
        if last < first:
            raise PackageError(
                _("The period ends (%(last)s) before it starts (%(first)s).")
                % {"last": last, "first": first}
            )
        return cls(first, last)

    @classmethod
    def half_year_before(cls, day: datetime.date) -> Period:
        """The last half year that ended before `day`."""
        if day.month <= 6:
            return cls(datetime.date(day.year - 1, 7, 1), datetime.date(day.year - 1, 12, 31))
        return cls(datetime.date(day.year, 1, 1), datetime.date(day.year, 6, 30))

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes: start included, end excluded."""
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(self.start, datetime.time(), zone)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time(), zone
        )
        return start, end


@dataclass
class FileEntry:
    href: str  # relative to the METS file that lists it
    size: int
    sha256: str
    mime: str


@dataclass
class Built:
    objid: str
    path: Path
    sip_root: Path
    records: int = 0
    versions: int = 0
    media: int = 0
    evidence: int = 0
    pdf_pages: int = 0
    files: int = 0
    size: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]


def _utc(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _mime(path: Path) -> str:
    if path.name.endswith(".warc.gz"):
        return "application/warc"
    return MIME.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _walk(folder: Path) -> Iterator[Path]:
    """Every file under `folder`, in a stable order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            yield Path(root) / name


def _entries(base: Path, folder: Path, mimes: dict[str, str] | None = None) -> Iterator[FileEntry]:
    for path in _walk(folder):
        sha, size = _sha256(path)
        href = path.relative_to(base).as_posix()
        yield FileEntry(href, size, sha, (mimes or {}).get(href) or _mime(path))


# --- building ---------------------------------------------------------------------------------


def build_package(
    channel: Channel,
    period: Period,
    out: Path,
    *,
    force: bool = False,
    workers: int = 2,
    progress: Progress | None = None,
    now: datetime.datetime | None = None,
) -> Built:
    """Write the snapshot of `channel` for `period` as a bag at `out` and return what it holds.

    Refuses an existing `out` unless `force`, and then replaces only a folder that is empty or
    is a bag. Nothing appears at `out` until the package is complete.
    """
    out = Path(out).absolute()
    now = now or timezone.now()
    _remove_abandoned(out)
    if out.exists():
        if not force:
            raise PackageError(
                f"The folder {out} already exists. Choose another folder, or add --force to "
                "replace it."
            )
        if not out.is_dir() or (any(out.iterdir()) and not (out / "bagit.txt").exists()):
            raise PackageError(
                f"{out} is not an earlier snapshot (no bagit.txt), so it is not replaced even "
                "with --force. Choose another folder."
            )
    work = out.parent / f".{out.name}.incomplete-{os.getpid()}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
    except OSError as error:
        raise PackageError(
            _("The snapshot cannot be written in %(folder)s: %(error)s")
            % {"folder": out.parent, "error": error.strerror or error}
        ) from None
    try:
        with _bounded_sqlite_memory():
            built = _build(channel, period, work, workers=workers, progress=progress, now=now)
        _bag(work, built, channel, period, now, workers)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.replaced-{os.getpid()}"
            out.rename(old)
        try:
            work.rename(out)
        except OSError:
            if old is not None:
                old.rename(out)  # the earlier snapshot stays where it was
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        if error.errno == errno.ENOSPC:
            raise PackageError(
                f"The disk is full: the snapshot could not be written to {out.parent}. Nothing "
                "was left behind; free some space and take it again."
            ) from error
        raise PackageError(f"The snapshot could not be written: {error}") from error
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    built.path = out
    built.sip_root = out / "data" / built.objid
    return built


@contextmanager
def _bounded_sqlite_memory() -> Iterator[None]:
    """On SQLite, sorts and window functions over the period go to a temporary file and the
    page cache stays small while the snapshot is built, so memory does not grow with the
    period (the settings favour imports: temp_store=MEMORY, a 64 MB cache). PostgreSQL sorts
    in its own server process."""
    if connection.vendor != "sqlite":
        yield
        return
    # SQLite changes its temporary storage only outside a transaction (the tests run in one).
    names = ["cache_size"] if connection.in_atomic_block else ["cache_size", "temp_store"]
    wanted = {"cache_size": "-4096", "temp_store": "FILE"}
    with connection.cursor() as cursor:
        before = {}
        for name in names:
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name}={wanted[name]}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name}={value}")


def _remove_abandoned(out: Path) -> None:
    """Temporary folders of earlier runs that were killed (their process is gone). A
    replaced snapshot whose successor never arrived goes back to its place."""
    leftovers = [
        *out.parent.glob(f".{out.name}.incomplete-*"),
        *out.parent.glob(f".{out.name}.replaced-*"),
    ]
    for path in leftovers:
        try:
            pid = int(path.name.rsplit("-", 1)[1])
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError):
            if ".replaced-" in path.name and not out.exists():
                path.rename(out)
            else:
                shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            continue


def _build(
    channel: Channel,
    period: Period,
    work: Path,
    *,
    workers: int,
    progress: Progress | None,
    now: datetime.datetime,
) -> Built:
    import time

    seconds: dict[str, float] = {}
    started = time.monotonic()
    staging = work / "staging"
    records_rep = staging / "rep-records"
    events_path = work / "events.jsonl"
    counts = _write_records(channel, period, records_rep / "data", events_path, progress)
    seconds["records"] = time.monotonic() - started

    # The OBJID names the content: the same content always gives the same name.
    digest = hashlib.sha256()
    for path in _walk(records_rep / "data"):
        if path.suffix == ".jsonl":
            digest.update(_sha256(path)[0].encode())
    objid = (
        f"torget-{channel.organisation.slug}-{channel.slug}-{period.label}"
        f"-{digest.hexdigest()[:12]}"
    )
    sip = work / objid
    (sip / "representations").mkdir(parents=True)
    records_rep.rename(sip / "representations" / "rep-records")
    # The channel's sealed chain heads (made outside the OBJID: a seal names a moment).
    _write_seals(channel, sip / "representations" / "rep-records" / "data", events_path)

    step = time.monotonic()
    pdf_pages = _write_pdfa(channel, period, sip / "representations", objid, workers, progress)
    seconds["pdf"] = time.monotonic() - step
    evidence = _write_evidence(channel, period, sip / "representations" / "rep-evidence" / "data")
    if not evidence:
        shutil.rmtree(sip / "representations" / "rep-evidence", ignore_errors=True)

    step = time.monotonic()
    reps = sorted(p.name for p in (sip / "representations").iterdir() if p.is_dir())
    # Each representation's file list goes to a file beside the package, not to memory: a
    # representation may hold hundreds of thousands of media files.
    rep_files = {rep: work / f"files-{rep}.jsonl" for rep in reps}
    for rep in reps:
        _write_rep_mets(sip / "representations" / rep, rep, objid, now, channel, rep_files[rep])
    _copy_schemas(sip / "schemas")
    _write_documentation(sip / "documentation", channel, period, objid, counts)
    _write_ead(sip / "metadata" / "descriptive" / "ead.xml", channel, period, objid, counts)
    _write_premis(
        sip / "metadata" / "preservation" / "premis.xml",
        channel,
        objid,
        rep_files,
        events_path,
    )
    events_path.unlink(missing_ok=True)
    for listing in rep_files.values():
        listing.unlink(missing_ok=True)
    _write_root_mets(sip, objid, channel, period, reps, now)
    seconds["metadata"] = time.monotonic() - step
    shutil.rmtree(staging, ignore_errors=True)
    return Built(
        objid=objid,
        path=work,
        sip_root=sip,
        records=counts["records"],
        versions=counts["versions"],
        media=counts["media"],
        evidence=evidence,
        pdf_pages=pdf_pages,
        seconds=seconds,
    )


def _record_line(row: dict, versions: list[tuple]) -> dict:
    if row["state"] == "disposed":
        # Disposed of under a disposal decision: only what the tombstone keeps goes along.
        return {
            "platform_id": row["platform_id"],
            "kind": row["kind"],
            "thread_platform_id": row["thread_platform_id"],
            "state": row["state"],
            "created_at": _utc(row["created_at"]),
            "current_sha256": row["current_sha256"],
            "versions": [],
        }
    return {
        "platform_id": row["platform_id"],
        "kind": row["kind"],
        "parent_platform_id": row["parent_platform_id"],
        "thread_platform_id": row["thread_platform_id"],
        "author": {
            "platform_id": row["author_platform_id"],
            "name": row["author_name"],
            "handle": row["author_handle"],
            "is_organisation": row["author_is_organisation"],
        },
        "direction": row["direction"],
        "state": row["state"],
        "created_at": _utc(row["created_at"]),
        "edited_at": _utc(row["edited_at"]),
        "first_seen_at": _utc(row["first_seen_at"]),
        "deleted_on_platform_seen_at": _utc(row["deleted_seen_at"]),
        "title": row["title"],
        "text": row["text"],
        "language": row["language"],
        "permalink": row["permalink"],
        "current_sha256": row["current_sha256"],
        "versions": [
            {
                "number": number,
                "captured_at": _utc(captured_at),
                "sha256": sha,
                # Exactly the bytes that were hashed: sha256(content) == sha256 above.
                "content": content,
                "raw": raw,
            }
            for _rid, number, captured_at, sha, content, raw, _run in versions
        ],
    }


RECORD_FIELDS = (
    "id",
    "platform_id",
    "kind",
    "parent_platform_id",
    "thread_platform_id",
    "author_platform_id",
    "author_name",
    "author_handle",
    "author_is_organisation",
    "direction",
    "state",
    "created_at",
    "edited_at",
    "first_seen_at",
    "deleted_seen_at",
    "title",
    "text",
    "language",
    "permalink",
    "current_sha256",
    "has_media",
)


def _period_records(channel: Channel, period: Period):
    start, end = period.bounds()
    return Record.objects.filter(channel=channel, created_at__gte=start, created_at__lt=end)


def _batches(channel: Channel, period: Period) -> Iterator[list[dict]]:
    """The period's records in (created_at, id) order, a bounded batch at a time."""
    rows = _period_records(channel, period).order_by("created_at", "id").values(*RECORD_FIELDS)
    batch: list[dict] = []
    for row in rows.iterator(chunk_size=RECORD_BATCH):
        batch.append(row)
        if len(batch) >= RECORD_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_records(
    channel: Channel,
    period: Period,
    data: Path,
    events_path: Path,
    progress: Progress | None,
) -> dict[str, int]:
    """records/<YYYY-MM>.jsonl, media/<ab>/<sha256><ext> and chain.jsonl; the events of the
    period's records go to `events_path` for PREMIS."""
    (data / "records").mkdir(parents=True)
    total = _period_records(channel, period).count()
    counts = {"records": 0, "versions": 0, "media": 0}
    runs: set[int] = set()
    zone = ZoneInfo(settings.TIME_ZONE)
    month, handle = None, None
    with open(events_path, "wb") as events:
        try:
            for batch in _batches(channel, period):
                ids = [row["id"] for row in batch]
                versions: dict[int, list[tuple]] = {}
                for version in (
                    RecordVersion.objects.filter(record_id__in=ids)
                    .order_by("record_id", "number")
                    .values_list(
                        "record_id", "number", "captured_at", "sha256", "content", "raw", "run_id"
                    )
                ):
                    versions.setdefault(version[0], []).append(version)
                for row in batch:
                    own = [] if row["state"] == "disposed" else versions.get(row["id"], [])
                    this_month = row["created_at"].astimezone(zone).strftime("%Y-%m")
                    if this_month != month:
                        if handle is not None:
                            handle.close()
                        month = this_month
                        handle = open(data / "records" / f"{month}.jsonl", "ab")  # noqa: SIM115
                    handle.write(orjson.dumps(_record_line(row, own), option=orjson.OPT_SORT_KEYS))
                    handle.write(b"\n")
                    counts["records"] += 1
                    counts["versions"] += len(own)
                    for version in own:
                        if version[6] is not None:
                            runs.add(version[6])
                        if version[1] > 1:
                            events.write(_event("modification", version[2], row, version))
                    if row["deleted_seen_at"]:
                        events.write(_event("deletion", row["deleted_seen_at"], row, None))
                    if own:  # every version's media, not only the current one's
                        counts["media"] += _copy_media(own, data / "media")
                if progress:
                    progress("records", counts["records"], total)
        finally:
            if handle is not None:
                handle.close()
        for run in IngestionRun.objects.filter(pk__in=runs).order_by("started_at", "pk"):
            events.write(
                orjson.dumps(
                    {
                        "id": f"capture-run-{run.pk}",
                        "type": "capture",
                        "at": _utc(run.started_at),
                        "detail": f"Captured from {run.source}",
                        "outcome": run.status,
                        "note": (
                            f"{run.new} new, {run.changed} changed, {run.unchanged} unchanged, "
                            f"{run.deleted} deleted on the platform, {run.rejected} rejected"
                        ),
                        "agent": f"{SOFTWARE} {torget.__version__}",
                    },
                    option=orjson.OPT_SORT_KEYS,
                )
                + b"\n"
            )
        for line in _removal_events(channel, period):
            events.write(line)
        for line in _disposal_events(channel, period):
            events.write(line)
    _write_chain(channel, period, data / "chain.jsonl")
    return counts


def _event(kind: str, at, row: dict, version: tuple | None) -> bytes:
    if kind == "modification":
        detail = f"Record {row['platform_id']} changed on the platform: version {version[1]}"
        note = f"sha256 {version[3]}"
        ident = f"version-{row['id']}-{version[1]}"
    else:
        detail = f"Record {row['platform_id']} was deleted on the platform"
        note = "The record stays in the archive."
        ident = f"deletion-{row['id']}"
    return (
        orjson.dumps(
            {
                "id": ident,
                "type": kind,
                "at": _utc(at),
                "detail": detail,
                "outcome": "success",
                "note": note,
                "agent": f"{SOFTWARE} {torget.__version__}",
            },
            option=orjson.OPT_SORT_KEYS,
        )
        + b"\n"
    )


def _removal_events(channel: Channel, period: Period) -> Iterator[bytes]:
    """Removal by us, with the decision behind it (supervision)."""
    from torget.supervision.models import Decision

    start, end = period.bounds()
    decisions = (
        Decision.objects.filter(
            record__channel=channel,
            record__created_at__gte=start,
            record__created_at__lt=end,
            action__in=["remove", "remove_block"],
        )
        .select_related("record", "decided_by")
        .order_by("decided_at", "pk")
    )
    for decision in decisions.iterator(chunk_size=500):
        yield (
            orjson.dumps(
                {
                    "id": f"removal-decision-{decision.pk}",
                    "type": "removal",
                    "at": _utc(decision.decided_at),
                    "detail": (
                        f"Record {decision.record.platform_id} removed by the organisation: "
                        f"{decision.get_action_display()} ({decision.get_reason_display()})"
                    ),
                    "outcome": "success",
                    "note": decision.note,
                    "agent": decision.decided_by.name,
                },
                option=orjson.OPT_SORT_KEYS,
            )
            + b"\n"
        )


def _disposal_events(channel: Channel, period: Period) -> Iterator[bytes]:
    """Disposal of the period's records, from the tombstones disposal keeps."""
    from django.apps import apps

    try:
        tombstone = apps.get_model("disposal", "Tombstone")
    except LookupError:
        return
    start, end = period.bounds()
    rows = (
        tombstone.objects.filter(
            record__channel=channel, record__created_at__gte=start, record__created_at__lt=end
        )
        .select_related("rule")
        .order_by("disposed_at", "pk")
    )
    for row in rows.iterator(chunk_size=500):
        rule = row.rule
        undone = getattr(row, "undone_at", None)
        yield (
            orjson.dumps(
                {
                    "id": f"disposal-{row.pk}",
                    "type": "disposal",
                    "at": _utc(row.disposed_at),
                    "detail": (
                        f"Record {row.platform_id} disposed under "
                        f"{getattr(rule, 'decision_reference', '')} "
                        f"({getattr(rule, 'decision_date', '')})"
                    ),
                    "outcome": "undone" if undone else "success",
                    "note": f"tombstone sha256 {row.current_sha256}",
                    "agent": f"{SOFTWARE} {torget.__version__}",
                },
                option=orjson.OPT_SORT_KEYS,
            )
            + b"\n"
        )


def _copy_media(versions: list[tuple], folder: Path) -> int:
    copied = 0
    for version in versions:
        if NO_MEDIA in version[4]:
            continue  # the canonical content says so without parsing it
        for media in orjson.loads(version[4]).get("media", []):
            sha = media.get("sha256", "")
            if not re.fullmatch(r"[0-9a-f]{64}", sha or ""):
                continue
            target = folder / sha[:2] / (sha + EXTENSIONS.get(media.get("mime_type", ""), ""))
            if target.exists():
                continue
            try:
                source = blobs.open_blob(sha)
            except (OSError, FileNotFoundError):
                continue  # a URL-only media entry, or purged content (never held)
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
            copied += 1
    return copied


def _write_seals(channel: Channel, data: Path, events_path: Path) -> None:
    """seals.jsonl: every sealed head of the channel's chain from the seal log on disk (the
    snapshot seals the head first), and seal-keys/: the public keys that signed them. Anyone
    holding the organisation's public key checks them offline: `torget verify-seal`."""
    from torget.archive import seals

    try:
        seals.seal_heads(channels=[channel])
    except seals.SealError as error:
        raise PackageError(f"The chain heads could not be sealed: {error}") from None
    lines, key_ids = [], set()
    if seals.log_path().exists():
        for _number, seal, _trouble in seals.read_seals(seals.log_path()):
            if seal and seal.get("kind") == "channel" and seal.get("channel_id") == channel.pk:
                lines.append(orjson.dumps(seal, option=orjson.OPT_SORT_KEYS) + b"\n")
                key_ids.add(seal["key_id"])
    (data / "seals.jsonl").write_bytes(b"".join(lines))
    known = seals.known_public_keys()
    keys = data / "seal-keys"
    keys.mkdir(exist_ok=True)
    for kid in sorted(key_ids & set(known)):
        (keys / f"seal-key-{kid}.pem").write_bytes(seals.public_pem(known[kid]))
    with open(events_path, "ab") as events:
        for line in lines:
            seal = orjson.loads(line)
            events.write(
                orjson.dumps(
                    {
                        "id": f"seal-{seal['channel_id']}-{seal['seq']}-{seal['key_id']}",
                        "type": "digital signature generation",
                        "at": seal["sealed_at"],
                        "detail": (
                            f"Chain head {seal['seq']} sealed with Ed25519 key {seal['key_id']}"
                            + (" and time-stamped (RFC 3161)" if "timestamp" in seal else "")
                        ),
                        "outcome": "success",
                        "note": f"entry_hash {seal['head']}",
                        "agent": f"{SOFTWARE} {torget.__version__}",
                    },
                    option=orjson.OPT_SORT_KEYS,
                )
                + b"\n"
            )


def _write_chain(channel: Channel, period: Period, path: Path) -> None:
    """The chain entries of the period's records, each verifiable on its own (form 1:
    sha256(prev_hash + version_sha256 + seq|event|platform_id|at); form 2 adds the state,
    docs/integrity.md)."""
    start, end = period.bounds()
    entries = (
        IntegrityEntry.objects.filter(
            channel=channel, record__created_at__gte=start, record__created_at__lt=end
        )
        .order_by("seq")
        .values_list(
            "seq",
            "at",
            "event",
            "record__platform_id",
            "version_sha256",
            "prev_hash",
            "entry_hash",
            "form",
            "state",
        )
    )
    with open(path, "wb") as handle:
        for (
            seq,
            at,
            event,
            platform_id,
            sha,
            prev_hash,
            entry_hash,
            form,
            state,
        ) in entries.iterator(chunk_size=5000):
            extra = {"form": form, "state": state} if form and form >= 2 else {}
            handle.write(
                orjson.dumps(
                    {
                        **extra,
                        "seq": seq,
                        "at": at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
                        "event": event,
                        "platform_id": platform_id,
                        "version_sha256": sha,
                        "prev_hash": prev_hash,
                        "entry_hash": entry_hash,
                    },
                    option=orjson.OPT_SORT_KEYS,
                )
                + b"\n"
            )


def _write_pdfa(
    channel: Channel,
    period: Period,
    reps: Path,
    objid: str,
    workers: int,
    progress: Progress | None,
) -> int:
    from .render import render_period

    start, end = period.bounds()
    pdf_dir = reps / "rep-pdfa" / "data"
    web_dir = reps / "rep-web" / "data"
    pdf_dir.mkdir(parents=True)
    web_dir.mkdir(parents=True)
    rendered = render_period(
        channel,
        start,
        end,
        pdf_dir,
        web_dir / "snapshot.warc.gz",
        title=objid,
        progress=(lambda done, total: progress("pdf", done, total)) if progress else None,
        workers=workers,
    )
    return rendered.pages


def _write_evidence(channel: Channel, period: Period, folder: Path) -> int:
    """Copies of the removal evidence PDFs of the period's records, checked against their
    hashes as they are copied."""
    from torget.supervision.models import Evidence

    start, end = period.bounds()
    kept = (
        Evidence.objects.filter(
            record__channel=channel,
            record__created_at__gte=start,
            record__created_at__lt=end,
            content_kept=True,
        )
        .exclude(path="")
        .order_by("created_at", "pk")
    )
    copied = 0
    for evidence in kept.iterator(chunk_size=200):
        source = settings.DATA_DIR / evidence.path
        if not source.is_file():
            # Disposal empties `path` when it deletes a file; a path without its file is loss.
            raise PackageError(
                f"The removal evidence {evidence.path} is missing from the disk. Run `torget "
                "verify` and tell the archivist; no snapshot was made."
            )
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(evidence.path).name
        shutil.copyfile(source, target)
        if _sha256(target)[0] != evidence.sha256:
            raise PackageError(
                f"The removal evidence {evidence.path} no longer matches its hash in the "
                "integrity chain. Run `torget verify` and tell the archivist; no snapshot was made."
            )
        copied += 1
    return copied


def _copy_schemas(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in SCHEMAS:
        shutil.copyfile(SCHEMAS_DIR / name, folder / name)


def _write_documentation(
    folder: Path, channel: Channel, period: Period, objid: str, counts: dict
) -> None:
    from django.template.loader import render_to_string

    folder.mkdir(parents=True)
    text = render_to_string(
        "preservation/package_readme.txt",
        {
            "objid": objid,
            "channel": channel,
            "organisation": channel.organisation,
            "period": period,
            "counts": counts,
            "version": torget.__version__,
            "time_zone": settings.TIME_ZONE,
        },
    )
    (folder / "README.txt").write_text(text, encoding="utf-8")


# --- XML --------------------------------------------------------------------------------------


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _schema_location(prefix: str, *names: str) -> str:
    return " ".join(f"{SCHEMAS[name]} {prefix}schemas/{name}" for name in names)


def _write_ead(path: Path, channel: Channel, period: Period, objid: str, counts: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    organisation = channel.organisation
    start, end = period.bounds()
    # The last capture of content in the period (not last_seen_at, which every harvest moves).
    captured = RecordVersion.objects.filter(
        record__channel=channel, record__created_at__gte=start, record__created_at__lt=end
    ).aggregate(last=Max("captured_at"))["last"]
    E = lambda tag, *children, **attrs: _el(EAD_NS, tag, children, attrs)  # noqa: E731
    manager = channel.responsible_manager
    ead = E(
        "ead",
        E(
            "control",
            E("recordid", objid),
            E(
                "filedesc",
                E(
                    "titlestmt",
                    E(
                        "titleproper",
                        f"{channel.name} ({channel.get_platform_display()}), "
                        f"{period.start.isoformat()} – {period.end.isoformat()}",
                    ),
                ),
            ),
            E("maintenancestatus", value="new"),
            E("maintenanceagency", E("agencyname", organisation.name)),
            E(
                "maintenancehistory",
                E(
                    "maintenanceevent",
                    E("eventtype", value="created"),
                    E(
                        "eventdatetime",
                        _utc(captured) or period.end.isoformat(),
                        standarddatetime=_utc(captured) or period.end.isoformat(),
                    ),
                    E("agenttype", value="machine"),
                    E("agent", f"{SOFTWARE} {torget.__version__}"),
                ),
            ),
        ),
        E(
            "archdesc",
            E(
                "did",
                E("unitid", objid),
                E("unittitle", f"{channel.name} ({channel.get_platform_display()})"),
                E(
                    "unitdatestructured",
                    E(
                        "daterange",
                        E(
                            "fromdate",
                            period.start.isoformat(),
                            standarddate=period.start.isoformat(),
                        ),
                        E("todate", period.end.isoformat(), standarddate=period.end.isoformat()),
                    ),
                ),
                E("origination", E("corpname", E("part", organisation.name))),
                E(
                    "physdescstructured",
                    E("quantity", str(counts["records"])),
                    E("unittype", "records"),
                    physdescstructuredtype="materialtype",
                    coverage="whole",
                ),
            ),
            E(
                "scopecontent",
                E("head", "Syfte / Purpose"),
                E("p", channel.purpose or "-"),
            ),
            E(
                "odd",
                E("head", "Kanalregistret / Channel register"),
                E("p", f"Plattform / Platform: {channel.get_platform_display()}"),
                E("p", f"Adress / Address: {channel.address}"),
                E("p", f"Ägande enhet / Owning unit: {channel.unit.name}"),
                E(
                    "p",
                    f"Ansvarig chef / Responsible manager: {manager.name}"
                    + (f", {manager.title}" if manager.title else ""),
                ),
                E("p", f"Målgrupper / Target groups: {channel.target_groups or '-'}"),
                E("p", f"Status: {channel.get_status_display()}"),
            ),
            level="file",
        ),
    )
    ead.set(_q(XSI_NS, "schemaLocation"), _schema_location("../../", "ead3.xsd"))
    etree.ElementTree(ead).write(
        str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _el(ns: str, tag: str, children, attrs: dict) -> etree._Element:
    element = etree.Element(
        _q(ns, tag), nsmap={None: ns, "xsi": XSI_NS} if tag in ("ead",) else None
    )
    for key, value in attrs.items():
        element.set(key, value)
    for child in children:
        if isinstance(child, str):
            element.text = child
        else:
            element.append(child)
    return element


def _write_premis(
    path: Path,
    channel: Channel,
    objid: str,
    rep_files: dict[str, Path],
    events_path: Path,
) -> None:
    """PREMIS 3, written as a stream: an object with fixity for every file of every
    representation, then the events, then the agents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    P = PREMIS_NS

    def text(xf, tag: str, value: str) -> None:
        element = etree.Element(_q(P, tag))
        element.text = value
        xf.write(element)

    agents = {
        f"{SOFTWARE} {torget.__version__}": "software",
        channel.organisation.name: "organization",
    }
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(
            _q(P, "premis"),
            {
                "version": "3.0",
                _q(XSI_NS, "schemaLocation"): _schema_location("../../", "premis.xsd"),
            },
            nsmap={"premis": P, "xsi": XSI_NS},
        ):
            for rep, listing in rep_files.items():
                for entry in map(_file_entry, _lines(listing)):
                    obj = etree.Element(_q(P, "object"))
                    obj.set(_q(XSI_NS, "type"), "premis:file")
                    ident = etree.SubElement(obj, _q(P, "objectIdentifier"))
                    etree.SubElement(ident, _q(P, "objectIdentifierType")).text = "local"
                    etree.SubElement(
                        ident, _q(P, "objectIdentifierValue")
                    ).text = f"representations/{rep}/{entry.href}"
                    chars = etree.SubElement(obj, _q(P, "objectCharacteristics"))
                    fixity = etree.SubElement(chars, _q(P, "fixity"))
                    etree.SubElement(fixity, _q(P, "messageDigestAlgorithm")).text = "SHA-256"
                    etree.SubElement(fixity, _q(P, "messageDigest")).text = entry.sha256
                    etree.SubElement(chars, _q(P, "size")).text = str(entry.size)
                    fmt = etree.SubElement(chars, _q(P, "format"))
                    designation = etree.SubElement(fmt, _q(P, "formatDesignation"))
                    etree.SubElement(designation, _q(P, "formatName")).text = entry.mime
                    xf.write(obj)
            with open(events_path, "rb") as events:
                for line in events:
                    event = orjson.loads(line)
                    agents.setdefault(event["agent"], "person")
                    xf.write(_premis_event(event, objid))
            for name, kind in agents.items():
                agent = etree.Element(_q(P, "agent"))
                ident = etree.SubElement(agent, _q(P, "agentIdentifier"))
                etree.SubElement(ident, _q(P, "agentIdentifierType")).text = "local"
                etree.SubElement(ident, _q(P, "agentIdentifierValue")).text = name
                etree.SubElement(agent, _q(P, "agentName")).text = name
                etree.SubElement(agent, _q(P, "agentType")).text = kind
                xf.write(agent)


def _lines(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        yield from handle


def _file_entry(line: bytes) -> FileEntry:
    return FileEntry(**orjson.loads(line))


def _premis_event(event: dict, objid: str) -> etree._Element:
    P = PREMIS_NS
    element = etree.Element(_q(P, "event"))
    ident = etree.SubElement(element, _q(P, "eventIdentifier"))
    etree.SubElement(ident, _q(P, "eventIdentifierType")).text = "local"
    etree.SubElement(ident, _q(P, "eventIdentifierValue")).text = event["id"]
    etree.SubElement(element, _q(P, "eventType")).text = event["type"]
    etree.SubElement(element, _q(P, "eventDateTime")).text = event["at"]
    detail = etree.SubElement(element, _q(P, "eventDetailInformation"))
    etree.SubElement(detail, _q(P, "eventDetail")).text = event["detail"]
    outcome = etree.SubElement(element, _q(P, "eventOutcomeInformation"))
    etree.SubElement(outcome, _q(P, "eventOutcome")).text = event["outcome"]
    if event.get("note"):
        note = etree.SubElement(outcome, _q(P, "eventOutcomeDetail"))
        etree.SubElement(note, _q(P, "eventOutcomeDetailNote")).text = event["note"]
    agent = etree.SubElement(element, _q(P, "linkingAgentIdentifier"))
    etree.SubElement(agent, _q(P, "linkingAgentIdentifierType")).text = "local"
    etree.SubElement(agent, _q(P, "linkingAgentIdentifierValue")).text = event["agent"]
    obj = etree.SubElement(element, _q(P, "linkingObjectIdentifier"))
    etree.SubElement(obj, _q(P, "linkingObjectIdentifierType")).text = "local"
    etree.SubElement(
        obj, _q(P, "linkingObjectIdentifierValue")
    ).text = f"{objid}/representations/rep-records"
    return element


def _mets_root(
    objid: str, label: str, prefix: str, now: datetime.datetime, channel: Channel, *, sip: bool
):
    M = METS_NS
    attrs = {
        "OBJID": objid if sip else f"{objid}/{label}",
        "LABEL": label,
        "TYPE": "Other",
        _q(CSIP_NS, "OTHERTYPE"): "Social media",
        _q(CSIP_NS, "CONTENTINFORMATIONTYPE"): "MIXED",
        "PROFILE": SIP_PROFILE,
        _q(XSI_NS, "schemaLocation"): _schema_location(
            prefix, "mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd", "DILCISExtensionSIPMETS.xsd"
        ),
    }
    nsmap = {None: M, "xlink": XLINK_NS, "xsi": XSI_NS, "csip": CSIP_NS, "sip": SIP_NS}
    header = etree.Element(
        _q(M, "metsHdr"),
        {"CREATEDATE": _utc(now), "LASTMODDATE": _utc(now), _q(CSIP_NS, "OAISPACKAGETYPE"): "SIP"},
    )
    header.set("RECORDSTATUS", "NEW")
    software = etree.SubElement(
        header, _q(M, "agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"}
    )
    etree.SubElement(software, _q(M, "name")).text = SOFTWARE
    etree.SubElement(
        software, _q(M, "note"), {_q(CSIP_NS, "NOTETYPE"): "SOFTWARE VERSION"}
    ).text = torget.__version__
    organisation = channel.organisation
    creator = etree.SubElement(
        header, _q(M, "agent"), {"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"}
    )
    etree.SubElement(creator, _q(M, "name")).text = organisation.name
    etree.SubElement(
        creator, _q(M, "note"), {_q(CSIP_NS, "NOTETYPE"): "IDENTIFICATIONCODE"}
    ).text = organisation.slug
    submitter = etree.SubElement(
        header, _q(M, "agent"), {"ROLE": "OTHER", "OTHERROLE": "SUBMITTER", "TYPE": "ORGANIZATION"}
    )
    etree.SubElement(submitter, _q(M, "name")).text = organisation.name
    etree.SubElement(
        submitter, _q(M, "note"), {_q(CSIP_NS, "NOTETYPE"): "IDENTIFICATIONCODE"}
    ).text = organisation.slug
    return attrs, nsmap, header


# What each file group holds, for csip:OTHERCONTENTINFORMATIONTYPE.
CONTENT_TYPES = {
    "Documentation": "Plain text documentation",
    "Schemas": "XML Schema 1.0",
    "rep-records": "Torget records, JSON Lines 1.0",
    "rep-pdfa": "PDF/A-2b",
    "rep-web": "WARC 1.1",
    "rep-evidence": "PDF/A-2b",
}


def _group(ident: str, use: str, rep: str = "") -> dict[str, str]:
    kind = CONTENT_TYPES.get(rep or use.removeprefix("Representations/"), "Other")
    return {
        "ID": ident,
        "USE": use,
        _q(CSIP_NS, "CONTENTINFORMATIONTYPE"): "OTHER",
        _q(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE"): kind,
    }


def _file_element(entry: FileEntry, ident: str, created: str) -> etree._Element:
    element = etree.Element(
        _q(METS_NS, "file"),
        {
            "ID": ident,
            "MIMETYPE": entry.mime,
            "SIZE": str(entry.size),
            "CREATED": created,
            "CHECKSUM": entry.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    etree.SubElement(
        element,
        _q(METS_NS, "FLocat"),
        {"LOCTYPE": "URL", _q(XLINK_NS, "type"): "simple", _q(XLINK_NS, "href"): entry.href},
    )
    return element


def _write_rep_mets(
    rep_dir: Path,
    rep: str,
    objid: str,
    now: datetime.datetime,
    channel: Channel,
    listing: Path,
) -> int:
    """The representation's METS.xml, listing every file of its data/ as a stream; each file's
    entry also goes to `listing` (JSON Lines) for PREMIS. Returns the number of files."""
    M = METS_NS
    created = _utc(now)
    attrs, nsmap, header = _mets_root(objid, rep, "../../", now, channel, sip=False)
    count = 0
    with (
        open(listing, "wb") as files,
        etree.xmlfile(str(rep_dir / "METS.xml"), encoding="UTF-8") as xf,
    ):
        xf.write_declaration()
        with xf.element(_q(M, "mets"), attrs, nsmap=nsmap):
            xf.write(header)
            with (
                xf.element(_q(M, "fileSec"), {"ID": "filesec"}),
                xf.element(_q(M, "fileGrp"), _group("grp-data", "Data", rep)),
            ):
                for entry in _entries(rep_dir, rep_dir / "data"):
                    count += 1
                    xf.write(_file_element(entry, f"file-{count:06d}", created))
                    files.write(orjson.dumps(entry.__dict__) + b"\n")
            with (
                xf.element(
                    _q(M, "structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
                ),
                xf.element(_q(M, "div"), {"ID": "div-rep", "LABEL": rep}),
                xf.element(_q(M, "div"), {"ID": "div-data", "LABEL": "Data"}),
            ):
                for number in range(1, count + 1):
                    xf.write(etree.Element(_q(M, "fptr"), {"FILEID": f"file-{number:06d}"}))
    return count


def _write_root_mets(
    sip: Path, objid: str, channel: Channel, period: Period, reps: list[str], now: datetime.datetime
) -> None:
    M = METS_NS
    created = _utc(now)
    attrs, nsmap, header = _mets_root(
        objid, f"{channel.name} {period.label}", "", now, channel, sip=True
    )
    mets = etree.Element(_q(M, "mets"), attrs, nsmap=nsmap)
    mets.append(header)

    def md_ref(section: etree._Element, path: Path, mdtype: str) -> None:
        sha, size = _sha256(path)
        etree.SubElement(
            section,
            _q(M, "mdRef"),
            {
                "LOCTYPE": "URL",
                _q(XLINK_NS, "type"): "simple",
                _q(XLINK_NS, "href"): path.relative_to(sip).as_posix(),
                "MDTYPE": mdtype,
                "MIMETYPE": "application/xml",
                "SIZE": str(size),
                "CREATED": created,
                "CHECKSUM": sha,
                "CHECKSUMTYPE": "SHA-256",
            },
        )

    dmd = etree.SubElement(
        mets, _q(M, "dmdSec"), {"ID": "dmd-ead", "CREATED": created, "STATUS": "CURRENT"}
    )
    md_ref(dmd, sip / "metadata" / "descriptive" / "ead.xml", "EAD")
    amd = etree.SubElement(mets, _q(M, "amdSec"), {"ID": "amd"})
    digiprov = etree.SubElement(
        amd, _q(M, "digiprovMD"), {"ID": "digiprov-premis", "CREATED": created, "STATUS": "CURRENT"}
    )
    md_ref(digiprov, sip / "metadata" / "preservation" / "premis.xml", "PREMIS")

    file_sec = etree.SubElement(mets, _q(M, "fileSec"), {"ID": "filesec"})
    groups: dict[str, list[str]] = {}
    doc_grp = etree.SubElement(
        file_sec, _q(M, "fileGrp"), _group("grp-documentation", "Documentation")
    )
    for number, entry in enumerate(_entries(sip, sip / "documentation"), start=1):
        ident = f"doc-{number:03d}"
        doc_grp.append(_file_element(entry, ident, created))
        groups.setdefault("Documentation", []).append(ident)
    schema_grp = etree.SubElement(file_sec, _q(M, "fileGrp"), _group("grp-schemas", "Schemas"))
    for number, entry in enumerate(_entries(sip, sip / "schemas"), start=1):
        ident = f"schema-{number:03d}"
        schema_grp.append(_file_element(entry, ident, created))
        groups.setdefault("Schemas", []).append(ident)
    for rep in reps:
        grp = etree.SubElement(
            file_sec, _q(M, "fileGrp"), _group(f"grp-{rep}", f"Representations/{rep}")
        )
        path = sip / "representations" / rep / "METS.xml"
        sha, size = _sha256(path)
        entry = FileEntry(path.relative_to(sip).as_posix(), size, sha, "application/xml")
        grp.append(_file_element(entry, f"mets-{rep}", created))

    struct = etree.SubElement(
        mets, _q(M, "structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"}
    )
    root = etree.SubElement(struct, _q(M, "div"), {"ID": "div-root", "LABEL": objid})
    etree.SubElement(
        root,
        _q(M, "div"),
        {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": "dmd-ead", "ADMID": "digiprov-premis"},
    )
    for label in ("Documentation", "Schemas"):
        div = etree.SubElement(root, _q(M, "div"), {"ID": f"div-{label.lower()}", "LABEL": label})
        for ident in groups.get(label, []):
            etree.SubElement(div, _q(M, "fptr"), {"FILEID": ident})
    # eark-validator 1.1.3 wants one "Representations" division pointing at each
    # representation's METS file, with a division per representation inside it.
    reps_div = etree.SubElement(
        root, _q(M, "div"), {"ID": "div-representations", "LABEL": "Representations"}
    )
    for rep in reps:
        etree.SubElement(reps_div, _q(M, "fptr"), {"FILEID": f"mets-{rep}"})
    for rep in reps:
        div = etree.SubElement(
            reps_div, _q(M, "div"), {"ID": f"div-{rep}", "LABEL": f"Representations/{rep}"}
        )
        etree.SubElement(
            div,
            _q(M, "mptr"),
            {
                "LOCTYPE": "URL",
                _q(XLINK_NS, "type"): "simple",
                _q(XLINK_NS, "href"): f"representations/{rep}/METS.xml",
                _q(XLINK_NS, "title"): f"mets-{rep}",
            },
        )
    etree.ElementTree(mets).write(
        str(sip / "METS.xml"), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _bag(work: Path, built: Built, channel: Channel, period: Period, now, workers: int) -> None:
    import bagit

    organisation = channel.organisation
    info = {
        "Source-Organization": organisation.name,
        "External-Identifier": built.objid,
        "External-Description": (
            f"Snapshot of {channel.name} ({channel.get_platform_display()}), "
            f"{period.start.isoformat()} to {period.end.isoformat()}: E-ARK SIP 2.1.0 "
            "(FGS Paketstruktur 2.0)"
        ),
        "Bagging-Date": timezone.localdate(now).isoformat(),
        "Bag-Software-Agent": f"{SOFTWARE} {torget.__version__} (bagit-python)",
        "Bag-Group-Identifier": f"{organisation.slug}/{channel.slug}",
    }
    bagit.make_bag(str(work), bag_info=info, checksums=["sha256", "sha512"], processes=workers)
    files = size = 0
    for path in _walk(work):
        files += 1
        size += path.stat().st_size
    built.files, built.size = files, size
