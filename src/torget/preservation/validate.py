"""Checks that a snapshot package is what an e-archive accepts (issue 7, "Done when").

A snapshot is a BagIt bag whose `data/` holds one E-ARK SIP. `validate_snapshot` runs every
check on it: eark-validator (in its own virtual environment), BagIt fixity, WARC digests, the
PDF/A checks of `torget.documents.pdfa`, and our own check that METS and the files on disk
agree. Each check returns a `Check`; a package is sound when every check is `ok`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = [
    "Check",
    "bag",
    "eark",
    "mets_files",
    "pdfs",
    "validate_snapshot",
    "warc",
]

# eark-validator reads the whole package; a 200,000-file representation takes minutes.
EARK_TIMEOUT_SECONDS = 3600
# Reports stay readable (and small) when a package is badly broken.
MAX_MESSAGES = 200

METS_NS = "http://www.loc.gov/METS/"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
METS_FILE = "METS.xml"
REPRESENTATIONS = "representations"


@dataclass
class Check:
    """The outcome of one check on one package (or one file of it)."""

    name: str  # "eark-validator", "bagit", "warcio", "pdfa", "mets-files"
    ok: bool
    errors: list[str] = field(default_factory=list)  # plain English, naming the file/rule
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Messages:
    """Errors or warnings kept up to MAX_MESSAGES, with a count of the rest."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.dropped = 0

    def add(self, message: str) -> None:
        if len(self.kept) < MAX_MESSAGES:
            self.kept.append(message)
        else:
            self.dropped += 1

    def __len__(self) -> int:
        return len(self.kept) + self.dropped

    def listed(self) -> list[str]:
        if self.dropped:
            return [*self.kept, f"… and {self.dropped} more not listed"]
        return list(self.kept)


def _done(name: str, started: float, errors: _Messages, warnings: _Messages) -> Check:
    return Check(
        name=name,
        ok=len(errors) == 0,
        errors=errors.listed(),
        warnings=warnings.listed(),
        seconds=round(time.monotonic() - started, 3),
    )


# --- eark-validator ---------------------------------------------------------------------------


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _eark_message(part: str, message: dict) -> str:
    rule = message.get("rule_id") or "?"
    text = _shorten(message.get("message", ""), 240)
    location = message.get("location")
    where = f" (at {_shorten(location, 120)})" if location else ""
    return f"{part} {rule}: {text}{where}"


def _eark_report(stdout: str) -> dict | None:
    """The JSON report: eark-validator prints a status line, then the report on one line."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


CSIP_NS = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"


def _sip14_holds(sip_root: Path) -> bool:
    """SIP14 as the specification means it, which eark-validator 1.1.3 cannot test.

    Its Schematron asserts an unqualified @NOTETYPE='IDENTIFICATIONCODE' on every note of
    every CREATOR agent, while the METS schema allows only csip:NOTETYPE there and CSIP16
    requires csip:NOTETYPE='SOFTWARE VERSION' on the software agent's note: no SIP can pass
    all three. So we check csip:NOTETYPE ourselves: SOFTWARE VERSION on the software
    agent's note, IDENTIFICATIONCODE on every other creator agent's note.
    """
    from lxml import etree

    try:
        header = None
        for _event, element in etree.iterparse(
            str(Path(sip_root) / METS_FILE), tag=f"{{{METS_NS}}}metsHdr", no_network=True
        ):
            header = element
            break
    except (OSError, etree.XMLSyntaxError):
        return False
    if header is None:
        return False
    for agent in header.iterchildren(f"{{{METS_NS}}}agent"):
        if agent.get("ROLE") != "CREATOR":
            continue
        software = agent.get("TYPE") == "OTHER" and agent.get("OTHERTYPE") == "SOFTWARE"
        wanted = "SOFTWARE VERSION" if software else "IDENTIFICATIONCODE"
        for note in agent.iterchildren(f"{{{METS_NS}}}note"):
            if note.get(f"{{{CSIP_NS}}}NOTETYPE") != wanted:
                return False
    return True


def eark(sip_root: Path) -> Check:
    """Validate the E-ARK SIP at `sip_root` with eark-validator 1.1.3 (CSIP/SIP 2.1.0).

    The validator lives in its own virtual environment (settings.TORGET_EARK_PYTHON) and runs
    offline through eark_offline.py. Errors: every message of severity "Error" in the
    structure, METS schema and Schematron results, a structure status other than WellFormed,
    a non-zero exit, or output that is not a report. One rule is replaced by our own test
    of what it means: SIP14, which this validator version cannot pass (see `_sip14_holds`);
    its messages become warnings that say so, and stay errors when our test fails.
    """
    started = time.monotonic()
    errors, warnings = _Messages(), _Messages()
    python = Path(settings.TORGET_EARK_PYTHON)
    if not python.is_file():
        # Said to the archivist on the snapshot's page: what is wrong and what to run.
        errors.add(
            _(
                "The e-archive package validator is not installed on this server (%(path)s is "
                "missing), so the package could not be checked. Ask whoever runs Torget to run "
                "`make install` in Torget's folder, then take the snapshot again."
            )
            % {"path": python}
        )
        return _done("eark-validator", started, errors, warnings)
    script = Path(__file__).with_name("eark_offline.py")
    try:
        run = subprocess.run(  # noqa: S603 (our own script and path, no shell)
            [str(python), str(script), str(Path(sip_root).resolve())],
            capture_output=True,
            text=True,
            timeout=EARK_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        errors.add(f"eark-validator did not finish within {EARK_TIMEOUT_SECONDS} seconds")
        return _done("eark-validator", started, errors, warnings)

    if run.returncode != 0:
        last = run.stderr.strip().splitlines()[-1:] or run.stdout.strip().splitlines()[-1:]
        errors.add(
            f"eark-validator exited with status {run.returncode}"
            + (f": {_shorten(last[0], 300)}" if last else "")
        )
    report = _eark_report(run.stdout)
    if report is None:
        errors.add("eark-validator printed no validation report")
        return _done("eark-validator", started, errors, warnings)

    structure = report.get("structure") or {}
    status = structure.get("status")
    if status != "WellFormed":
        errors.add(f"package structure is {status or 'unknown'}, not WellFormed")
    parts = [("structure", structure.get("messages") or [])]
    metadata = report.get("metadata") or {}
    for key, part in (("schema_results", "METS schema"), ("schematron_results", "Schematron")):
        parts.append((part, (metadata.get(key) or {}).get("messages") or []))
    sip14_holds: bool | None = None
    for part, messages in parts:
        for message in messages:
            severity = message.get("severity")
            if severity == "Error" and message.get("rule_id") == "SIP14":
                if sip14_holds is None:
                    sip14_holds = _sip14_holds(sip_root)
                if sip14_holds:
                    warnings.add(
                        "SIP14 waived (eark-validator 1.1.3 tests an unqualified @NOTETYPE that "
                        "the METS schema forbids); every creator agent note has the right "
                        "csip:NOTETYPE: " + _eark_message(part, message)
                    )
                    continue
            if severity == "Error":
                errors.add(_eark_message(part, message))
            elif severity == "Warn":
                warnings.add(_eark_message(part, message))
    if status == "WellFormed" and not metadata:
        errors.add("eark-validator reported no METS results")
    return _done("eark-validator", started, errors, warnings)


# --- BagIt ------------------------------------------------------------------------------------


def bag(bag_dir: Path) -> Check:
    """BagIt (RFC 8493) validation: structure, manifests, every payload checksum."""
    import bagit

    started = time.monotonic()
    errors, warnings = _Messages(), _Messages()
    try:
        bagit.Bag(str(bag_dir)).validate(processes=2)
    except bagit.BagValidationError as failure:
        if failure.details:
            for detail in failure.details:
                errors.add(f"bag {Path(bag_dir).name}: {detail}")
        else:
            errors.add(f"bag {Path(bag_dir).name}: {failure.message}")
    except bagit.BagError as failure:
        errors.add(f"bag {Path(bag_dir).name} cannot be read: {failure}")
    return _done("bagit", started, errors, warnings)


# --- WARC -------------------------------------------------------------------------------------


def warc(path: Path) -> Check:
    """Like `warcio check`: read every record and verify its block and payload digests."""
    import zlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    started = time.monotonic()
    errors, warnings = _Messages(), _Messages()
    name = Path(path).name
    records = undigested = 0
    try:
        with open(path, "rb") as stream:
            iterator = ArchiveIterator(stream, check_digests=True)
            for record in iterator:
                records += 1
                content = record.content_stream()
                while content.read(1024 * 1024):
                    pass
                checker = record.digest_checker
                if checker.passed is False:
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    for problem in checker.problems:
                        errors.add(
                            f"{name}: record {record_id} at offset "
                            f"{iterator.get_record_offset()}: {problem}"
                        )
                elif checker.passed is None and record.rec_type != "revisit":
                    undigested += 1
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as failure:
        errors.add(f"{name} cannot be read after {records} records: {_shorten(failure, 300)}")
    except Exception as failure:  # warcio fails on some damage with errors of its own
        errors.add(
            f"{name} cannot be read after {records} records: "
            f"{type(failure).__name__}: {_shorten(failure, 300)}"
        )
    if records == 0 and not errors:
        errors.add(f"{name} holds no WARC records")
    if undigested:
        warnings.add(f"{name}: {undigested} of {records} records carry no digest to check")
    return _done("warcio", started, errors, warnings)


# --- PDF/A ------------------------------------------------------------------------------------


def pdfs(paths: Iterable[Path]) -> Check:
    """The PDF/A-2b checks of DOMAIN.md (torget.documents.pdfa.problems) on every PDF."""
    from torget.documents.pdfa import problems

    started = time.monotonic()
    errors, warnings = _Messages(), _Messages()
    for path in paths:
        for problem in problems(Path(path)):
            errors.add(f"{Path(path).name}: {problem}")
    return _done("pdfa", started, errors, warnings)


# --- METS against the files on disk -----------------------------------------------------------


@dataclass
class _Reference:
    """One href in a METS document, with what that METS says about the file."""

    element: str  # "file", "mdRef" or "mptr"
    href: str
    size: str | None
    checksum: str | None
    checksum_type: str | None


def _references(mets: Path) -> Iterator[_Reference]:
    """Every file/FLocat, mdRef and mptr href in `mets`, streamed (memory stays flat)."""
    from lxml import etree

    tags = {f"{{{METS_NS}}}{tag}": tag for tag in ("file", "mdRef", "mptr")}
    for _event, element in etree.iterparse(
        str(mets), events=("end",), tag=list(tags), resolve_entities=False, no_network=True
    ):
        kind = tags[element.tag]
        if kind == "file":
            for location in element.iterchildren(f"{{{METS_NS}}}FLocat"):
                yield _Reference(
                    "file",
                    location.get(XLINK_HREF) or "",
                    element.get("SIZE"),
                    element.get("CHECKSUM"),
                    element.get("CHECKSUMTYPE"),
                )
        elif kind == "mdRef":
            yield _Reference(
                "mdRef",
                element.get(XLINK_HREF) or "",
                element.get("SIZE"),
                element.get("CHECKSUM"),
                element.get("CHECKSUMTYPE"),
            )
        else:
            yield _Reference("mptr", element.get(XLINK_HREF) or "", None, None, None)
        # Free what has been read: a representation METS may list 200,000 files.
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]


def _relative(href: str) -> PurePosixPath | str:
    """The href as a safe relative path, or the reason it is refused."""
    if not href:
        return "is empty"
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return "is not a relative path (it has a scheme or host)"
    if parts.query or parts.fragment:
        return "has a query or fragment"
    path = unquote(parts.path)
    if path.startswith("/") or "\\" in path or (len(path) > 1 and path[1] == ":"):
        return "is an absolute path"
    pure = PurePosixPath(path)
    if ".." in pure.parts:
        return "contains '..'"
    if pure.parts[:1] == (".",) and len(pure.parts) == 1:
        return "names a folder"
    return pure


def _owner(relative: PurePosixPath) -> str:
    """Which METS must list a file (by its path from the SIP root): the root's, or a rep's.

    A representation's own METS.xml is listed in the root METS; everything else under
    `representations/<rep>/` in that representation's METS.
    """
    parts = relative.parts
    if len(parts) >= 3 and parts[0] == REPRESENTATIONS:
        if len(parts) == 3 and parts[2] == METS_FILE:
            return METS_FILE
        return f"{REPRESENTATIONS}/{parts[1]}/{METS_FILE}"
    return METS_FILE


def _sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _check_mets(
    sip_root: Path,
    mets_name: str,
    errors: _Messages,
    listed: set[str],
    representation_mets: list[str],
) -> None:
    """Check every href of one METS document; add the files it lists to `listed`."""
    from lxml import etree

    base = PurePosixPath(mets_name).parent
    checked: dict[str, tuple[str, int]] = {}  # path -> (sha256, size), hashed once
    try:
        for reference in _references(sip_root / mets_name):
            where = f"{mets_name}: {reference.element} href {reference.href!r}"
            relative = _relative(reference.href)
            if isinstance(relative, str):
                errors.add(f"{where} {relative}")
                continue
            path_in_sip = (base / relative).as_posix()
            path = sip_root / path_in_sip
            if path.is_symlink() or not path.is_file():
                errors.add(f"{path_in_sip} is missing (listed in {mets_name})")
                continue
            owner = _owner(PurePosixPath(path_in_sip))
            if owner != mets_name:
                errors.add(f"{path_in_sip} is listed in {mets_name} but belongs in {owner}")
                continue
            listed.add(path_in_sip)
            if (
                mets_name == METS_FILE
                and PurePosixPath(path_in_sip).name == METS_FILE
                and path_in_sip != METS_FILE
                and path_in_sip not in representation_mets
            ):
                representation_mets.append(path_in_sip)
            if reference.element == "mptr":
                continue
            if path_in_sip not in checked:
                checked[path_in_sip] = (_sha256(path), path.stat().st_size)
            digest, size = checked[path_in_sip]
            if (reference.checksum_type or "").upper() != "SHA-256" or not reference.checksum:
                errors.add(f"{where} has no SHA-256 checksum (CHECKSUMTYPE must be SHA-256)")
            elif reference.checksum.lower() != digest:
                errors.add(
                    f"{path_in_sip} does not match {mets_name}: SHA-256 is {digest}, "
                    f"METS says {reference.checksum.lower()}"
                )
            if reference.size is None:
                errors.add(f"{where} has no SIZE")
            elif reference.size != str(size):
                errors.add(
                    f"{path_in_sip} does not match {mets_name}: size is {size} bytes, "
                    f"METS says {reference.size}"
                )
    except (OSError, etree.XMLSyntaxError) as failure:
        errors.add(f"{mets_name} cannot be read: {_shorten(failure, 300)}")


def mets_files(sip_root: Path) -> Check:
    """Every file under the SIP root is listed, with the right SHA-256 and SIZE, in the METS
    it belongs to, and every href in METS names such a file.

    The root METS.xml lists metadata, documentation, schemas and each representation's
    METS.xml; `representations/<rep>/METS.xml` lists the rest of its representation, with
    hrefs relative to its own folder. Hrefs must be relative, without '..'. Files are hashed
    in chunks and METS is streamed, so a package of any size fits in little memory.
    """
    started = time.monotonic()
    sip_root = Path(sip_root)
    errors, warnings = _Messages(), _Messages()
    if not (sip_root / METS_FILE).is_file():
        errors.add(f"{sip_root.name} has no {METS_FILE}")
        return _done("mets-files", started, errors, warnings)

    listed: set[str] = set()
    representation_mets: list[str] = []
    _check_mets(sip_root, METS_FILE, errors, listed, representation_mets)
    # A representation METS the root forgot is still checked (and reported below as unlisted).
    for path in sorted((sip_root / REPRESENTATIONS).glob(f"*/{METS_FILE}")):
        mets_name = path.relative_to(sip_root).as_posix()
        if mets_name not in representation_mets:
            representation_mets.append(mets_name)
    for mets_name in representation_mets:
        _check_mets(sip_root, mets_name, errors, listed, representation_mets)

    for folder, folders, files in os.walk(sip_root):
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            path_in_sip = path.relative_to(sip_root).as_posix()
            if path_in_sip == METS_FILE:
                continue
            if path.is_symlink():
                errors.add(f"{path_in_sip} is a symbolic link, not a file")
            elif path_in_sip not in listed:
                owner = _owner(PurePosixPath(path_in_sip))
                missing = "" if (sip_root / owner).is_file() else ", which is missing"
                errors.add(f"{path_in_sip} is not listed in {owner}{missing}")
    return _done("mets-files", started, errors, warnings)


# --- the whole package ------------------------------------------------------------------------


# The representations whose PDFs Torget wrote as PDF/A; a PDF a platform carried as media
# (rep-records/data/media) is kept as it came and is not Torget's to vouch for.
PDFA_REPRESENTATIONS = ("rep-pdfa", "rep-evidence")


def _made_by_torget(folder: Path, sip_root: Path) -> bool:
    parts = folder.relative_to(sip_root).parts
    return len(parts) >= 2 and parts[0] == REPRESENTATIONS and parts[1] in PDFA_REPRESENTATIONS


def validate_snapshot(bag_dir: Path) -> list[Check]:
    """Every check on one snapshot package (a bag whose data/ holds one SIP folder)."""
    bag_dir = Path(bag_dir)
    checks = [bag(bag_dir)]
    data = bag_dir / "data"
    entries = sorted(data.iterdir()) if data.is_dir() else []
    roots = [entry for entry in entries if entry.is_dir()]
    if len(entries) != 1 or len(roots) != 1:
        found = ", ".join(entry.name for entry in entries) or "nothing"
        message = f"data/ must hold exactly one folder, the package root; it holds {found}"
        checks.append(Check("eark-validator", False, [message], [], 0.0))
        checks.append(Check("mets-files", False, [message], [], 0.0))
        return checks
    sip_root = roots[0]
    checks.append(eark(sip_root))
    checks.append(mets_files(sip_root))

    warcs: list[Path] = []
    pdf_paths: list[Path] = []
    for folder, folders, files in os.walk(sip_root):
        folders.sort()
        for name in sorted(files):
            if name.endswith(".warc.gz"):
                warcs.append(Path(folder) / name)
            elif name.lower().endswith(".pdf") and _made_by_torget(Path(folder), sip_root):
                pdf_paths.append(Path(folder) / name)
    if not warcs:
        checks.append(Check("warcio", False, ["the package holds no WARC file (*.warc.gz)"]))
    checks += [warc(path) for path in warcs]
    checks.append(pdfs(pdf_paths))
    return checks
