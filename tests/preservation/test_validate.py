"""The package checks of torget.preservation.validate, on the official E-ARK examples (see
tests/samples/eark/SOURCES.md for what eark-validator 1.1.3 really says about them) and on
packages built here."""

import gzip
import hashlib
import io
import os
import re
import shutil
import tarfile
import zipfile
from pathlib import Path

import bagit
import pikepdf
import pytest
from django.conf import settings
from lxml import etree
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from torget.preservation import validate

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "eark"
M = "http://www.loc.gov/METS/"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
XLINK = "http://www.w3.org/1999/xlink"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
# What eark-validator 1.1.3 reports on DILCIS's "valid" minimal CSIP (see SOURCES.md).
# (Its SIP14 is waived: the creator note has the right csip:NOTETYPE, see validate.eark.)
EXAMPLE_ERRORS = {"CSIP60", "CSIP114", "CSIP63", "CSIP82", "SIP2"}


@pytest.fixture
def eark_installed():
    """The eark-validator venv; missing fails in CI or with TORGET_REQUIRE_EARK=1."""
    python = Path(settings.TORGET_EARK_PYTHON)
    if python.is_file():
        return python
    message = f"eark-validator is not installed ({python}): run `make install`"
    if os.environ.get("TORGET_REQUIRE_EARK") == "1" or os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def rule_ids(check: validate.Check) -> set[str]:
    found = set()
    for error in check.errors:
        match = re.match(r"(?:structure|METS schema|Schematron) (\S+):", error)
        if match:
            found.add(match.group(1))
    return found


def unpack(name: str, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    if name.endswith(".zip"):
        with zipfile.ZipFile(SAMPLES / name) as archive:
            archive.extractall(into)  # noqa: S202 (our own committed samples)
    else:
        with tarfile.open(SAMPLES / name) as archive:
            archive.extractall(into, filter="data")
    return into


def example(name: str, tmp_path: Path) -> Path:
    """An unpacked CSIP example; every one unpacks to minimal_IP_with_schemas/."""
    return unpack(name, tmp_path / name) / "minimal_IP_with_schemas"


# --- building packages -----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file(parent, root: Path, href: str, base: Path, ident: str, mimetype: str):
    """A METS file element for base/href, with SHA-256 and SIZE from disk."""
    path = base / href
    element = etree.SubElement(
        parent,
        f"{{{M}}}file",
        ID=ident,
        MIMETYPE=mimetype,
        SIZE=str(path.stat().st_size),
        CREATED="2025-07-01T00:00:00Z",
        CHECKSUM=_sha256(path),
        CHECKSUMTYPE="SHA-256",
    )
    etree.SubElement(
        element,
        f"{{{M}}}FLocat",
        {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href},
    )
    return element


def _header(mets, *, software_note: str = "SOFTWARE VERSION"):
    header = etree.SubElement(mets, f"{{{M}}}metsHdr", CREATEDATE="2025-07-01T00:00:00Z")
    header.set(f"{{{CSIP}}}OAISPACKAGETYPE", "SIP")
    agent = etree.SubElement(
        header, f"{{{M}}}agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE"
    )
    etree.SubElement(agent, f"{{{M}}}name").text = "Torget"
    note = etree.SubElement(agent, f"{{{M}}}note")
    note.text = "1.0"
    if software_note:
        note.set(f"{{{CSIP}}}NOTETYPE", software_note)
    return header


def _representation_mets(rep: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (rep / "data" / name).parent.mkdir(parents=True, exist_ok=True)
        (rep / "data" / name).write_bytes(content)
    mets = etree.Element(
        f"{{{M}}}mets",
        nsmap={None: M, "csip": CSIP, "xlink": XLINK},
        OBJID=rep.name,
        TYPE="Databases",
        PROFILE=SIP_PROFILE,
    )
    mets.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "SIARD2")
    _header(mets)
    file_sec = etree.SubElement(mets, f"{{{M}}}fileSec", ID="ID-rep-filesec")
    group = etree.SubElement(file_sec, f"{{{M}}}fileGrp", USE="Data", ID="ID-rep-data")
    struct = etree.SubElement(
        mets, f"{{{M}}}structMap", TYPE="PHYSICAL", LABEL="CSIP", ID="ID-rep-structmap"
    )
    top = etree.SubElement(struct, f"{{{M}}}div", ID="ID-rep-div", LABEL=rep.name)
    data = etree.SubElement(top, f"{{{M}}}div", ID="ID-rep-div-data", LABEL="Data")
    for number, name in enumerate(files):
        _file(group, rep, f"data/{name}", rep, f"ID-rep-file-{number}", "text/plain")
        etree.SubElement(data, f"{{{M}}}fptr", FILEID=f"ID-rep-file-{number}")
    etree.ElementTree(mets).write(str(rep / "METS.xml"), xml_declaration=True, encoding="UTF-8")


def corrected_example(tmp_path: Path, rep_files: dict[str, bytes] | None = None) -> Path:
    """DILCIS's minimal example made a SIP that eark-validator 1.1.3 passes with 0 errors:
    SIP profile, structMap LABEL "CSIP", Documentation and Representations file groups
    (each fileGrp with csip:CONTENTINFORMATIONTYPE="OTHER", which this validator's CSIP63
    demands), fptrs from the structMap, one representation, SHA-256 everywhere."""
    root = example("minimal_IP_with_schemas.zip", tmp_path)
    for placeholder in root.rglob(".gitkeep"):
        placeholder.unlink()
    (root / "documentation").mkdir()
    (root / "documentation" / "README.txt").write_text("A corrected E-ARK example.\n")
    rep = root / "representations" / "rep1"
    _representation_mets(rep, rep_files or {"content.txt": b"hello\n"})

    tree = etree.parse(str(root / "METS.xml"))
    mets = tree.getroot()
    mets.set("PROFILE", SIP_PROFILE)
    file_sec = mets.find(f"{{{M}}}fileSec")
    for file in file_sec.iter(f"{{{M}}}file"):  # the example's MD5s (one size is wrong)
        href = file.find(f"{{{M}}}FLocat").get(f"{{{XLINK}}}href")
        file.set("CHECKSUM", _sha256(root / href))
        file.set("CHECKSUMTYPE", "SHA-256")
        file.set("SIZE", str((root / href).stat().st_size))
    documentation = etree.SubElement(file_sec, f"{{{M}}}fileGrp", USE="Documentation", ID="ID-doc")
    _file(documentation, root, "documentation/README.txt", root, "ID-doc-readme", "text/plain")
    representations = etree.SubElement(
        file_sec, f"{{{M}}}fileGrp", USE="Representations/rep1", ID="ID-rep1"
    )
    _file(
        representations,
        root,
        "representations/rep1/METS.xml",
        root,
        "ID-rep1-mets",
        "application/xml",
    )
    for group in file_sec.iterchildren(f"{{{M}}}fileGrp"):
        group.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "OTHER")
        group.set(f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE", "Mixed files")
    struct = mets.find(f"{{{M}}}structMap")
    struct.set("LABEL", "CSIP")
    package = struct.find(f"{{{M}}}div")
    for division in package.iterchildren(f"{{{M}}}div"):
        if division.get("LABEL") == "Documentation":
            etree.SubElement(division, f"{{{M}}}fptr", FILEID="ID-doc")
        elif division.get("LABEL") == "Schemas":
            division.attrib.pop("CONTENTIDS", None)
            etree.SubElement(
                division, f"{{{M}}}fptr", FILEID="ID-minimal_with_schemas_fileGrp_schemas"
            )
    reps = etree.SubElement(package, f"{{{M}}}div", ID="ID-div-reps", LABEL="Representations")
    etree.SubElement(reps, f"{{{M}}}fptr", FILEID="ID-rep1")
    rep_div = etree.SubElement(reps, f"{{{M}}}div", ID="ID-div-rep1", LABEL="Representations/rep1")
    etree.SubElement(
        rep_div,
        f"{{{M}}}mptr",
        {
            "LOCTYPE": "URL",
            f"{{{XLINK}}}type": "simple",
            f"{{{XLINK}}}title": "ID-rep1",
            f"{{{XLINK}}}href": "representations/rep1/METS.xml",
        },
    )
    tree.write(str(root / "METS.xml"), xml_declaration=True, encoding="UTF-8")
    return root


def hand_made_sip(tmp_path: Path, *, rep_href: str = "data/a.txt") -> Path:
    """A small SIP for mets_files: root METS (mdRef, schema, rep pointer) and one rep."""
    root = tmp_path / "sip-1"
    (root / "metadata" / "descriptive").mkdir(parents=True)
    (root / "metadata" / "descriptive" / "channel.xml").write_bytes(b"<channel>Demo</channel>\n")
    (root / "schemas").mkdir()
    (root / "schemas" / "channel.xsd").write_bytes(b"<xs:schema/>\n")
    rep = root / "representations" / "rep-records"
    (rep / "data").mkdir(parents=True)
    (rep / "data" / "a.txt").write_bytes(b"first record\n")
    (rep / "data" / "b.txt").write_bytes(b"second record\n")

    rep_mets = etree.Element(f"{{{M}}}mets", nsmap={None: M, "xlink": XLINK}, OBJID="rep")
    group = etree.SubElement(etree.SubElement(rep_mets, f"{{{M}}}fileSec"), f"{{{M}}}fileGrp")
    file_a = _file(group, rep, "data/a.txt", rep, "ID-a", "text/plain")
    file_a.find(f"{{{M}}}FLocat").set(f"{{{XLINK}}}href", rep_href)
    _file(group, rep, "data/b.txt", rep, "ID-b", "text/plain")
    etree.ElementTree(rep_mets).write(str(rep / "METS.xml"), xml_declaration=True)

    mets = etree.Element(f"{{{M}}}mets", nsmap={None: M, "xlink": XLINK}, OBJID="sip-1")
    dmd = etree.SubElement(mets, f"{{{M}}}dmdSec", ID="ID-dmd")
    md = root / "metadata" / "descriptive" / "channel.xml"
    etree.SubElement(
        dmd,
        f"{{{M}}}mdRef",
        {
            "LOCTYPE": "URL",
            "MDTYPE": "OTHER",
            f"{{{XLINK}}}href": "metadata/descriptive/channel.xml",
            "SIZE": str(md.stat().st_size),
            "CHECKSUM": _sha256(md),
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    file_sec = etree.SubElement(mets, f"{{{M}}}fileSec")
    schemas = etree.SubElement(file_sec, f"{{{M}}}fileGrp", USE="Schemas")
    _file(schemas, root, "schemas/channel.xsd", root, "ID-xsd", "application/xml")
    reps = etree.SubElement(file_sec, f"{{{M}}}fileGrp", USE="Representations/rep-records")
    _file(reps, root, "representations/rep-records/METS.xml", root, "ID-rep", "application/xml")
    div = etree.SubElement(etree.SubElement(mets, f"{{{M}}}structMap"), f"{{{M}}}div")
    etree.SubElement(
        div, f"{{{M}}}mptr", {f"{{{XLINK}}}href": "representations/rep-records/METS.xml"}
    )
    etree.ElementTree(mets).write(str(root / "METS.xml"), xml_declaration=True)
    return root


def warc_bytes(text: bytes = b"<p>hello</p>") -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
    writer.write_record(
        writer.create_warc_record(
            "https://torget.example/thread/1",
            "response",
            payload=io.BytesIO(text),
            http_headers=headers,
        )
    )
    return buffer.getvalue()


# --- eark-validator ----------------------------------------------------------------------------


def test_corrected_example_passes_eark_with_zero_errors(eark_installed, tmp_path):
    check = validate.eark(corrected_example(tmp_path))
    assert check.name == "eark-validator"
    assert check.errors == []
    assert check.ok is True
    # The validator's SIP14 cannot pass (it conflicts with the METS schema); we test its
    # meaning ourselves and say so.
    assert any(w.startswith("SIP14 waived") for w in check.warnings)
    assert check.seconds > 0


def test_official_valid_example_gives_the_errors_this_validator_version_knows(
    eark_installed, tmp_path
):
    check = validate.eark(example("minimal_IP_with_schemas.zip", tmp_path))
    assert check.ok is False
    assert rule_ids(check) == EXAMPLE_ERRORS
    assert len(check.errors) == len(EXAMPLE_ERRORS)  # and the structure is WellFormed
    assert any(w.startswith("SIP14 waived") for w in check.warnings)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("minimal_IP_nocrtdt.zip", EXAMPLE_ERRORS | {"CSIP7"}),
        ("minimal_IP_nopcktyp.zip", {"CSIP9", "CSIP60", "CSIP114", "CSIP63", "CSIP82"}),
        ("minimal_IP_invmets.zip", EXAMPLE_ERRORS | {"XML-1", "CSIP14"}),
    ],
)
def test_official_invalid_examples_fail_with_their_rule(eark_installed, tmp_path, sample, expected):
    check = validate.eark(example(sample, tmp_path))
    assert check.ok is False
    assert rule_ids(check) == expected


def test_invalid_example_the_validator_cannot_read_fails(eark_installed, tmp_path):
    check = validate.eark(example("minimal_IP_nomtshdr.zip", tmp_path))
    assert check.ok is False
    assert check.errors[0].startswith("eark-validator exited with status 1: ValueError: Path")
    assert "is not a vald XML file" in check.errors[0]  # sic, the validator's words
    assert check.errors[1] == "eark-validator printed no validation report"


@pytest.mark.parametrize(("sample", "root"), [("no_mets.tar.gz", "no_mets"), ("multi_dir.zip", "")])
def test_structural_negatives_are_not_well_formed(eark_installed, tmp_path, sample, root):
    check = validate.eark(unpack(sample, tmp_path / "pkg") / root)
    assert check.ok is False
    assert check.errors[0] == "package structure is NotWellFormed, not WellFormed"
    assert rule_ids(check) == {"CSIPSTR4"}


def test_one_defect_in_a_valid_package_fails_it(eark_installed, tmp_path):
    root = corrected_example(tmp_path)
    mets = (root / "METS.xml").read_text()
    (root / "METS.xml").write_text(mets.replace('CREATEDATE="2018-10-12T14:20:00"', ""))
    check = validate.eark(root)
    assert check.ok is False
    assert rule_ids(check) == {"CSIP7"}


def test_sip14_stays_an_error_when_the_creator_note_type_is_wrong(eark_installed, tmp_path):
    root = corrected_example(tmp_path)
    mets = (root / "METS.xml").read_text()
    (root / "METS.xml").write_text(
        mets.replace('csip:NOTETYPE="SOFTWARE VERSION"', 'csip:NOTETYPE="IDENTIFICATIONCODE"')
    )
    check = validate.eark(root)
    assert check.ok is False
    assert rule_ids(check) == {"CSIP16", "SIP14"}


def test_eark_without_its_venv_says_how_to_install_it(settings, tmp_path):
    from django.utils import translation

    settings.TORGET_EARK_PYTHON = str(tmp_path / "nowhere" / "python")
    with translation.override("en"):
        check = validate.eark(tmp_path)
    assert check.ok is False
    assert check.errors == [
        "The e-archive package validator is not installed on this server "
        f"({tmp_path / 'nowhere' / 'python'} is missing), so the package could not be "
        "checked. Ask whoever runs Torget to run `make install` in Torget's folder, then take "
        "the snapshot again."
    ]


def test_the_offline_runner_refuses_other_urls(eark_installed, tmp_path):
    import subprocess

    script = Path(validate.__file__).with_name("eark_offline.py")
    probe = (
        "import runpy, sys, urllib.request\n"
        f"offline = runpy.run_path({str(script)!r})\n"
        "offline['install'](offline['vocabulary_folder']())\n"
        "base = 'https://earkcsip.dilcis.eu/schema/'\n"
        "print(len(urllib.request.urlopen(base + 'CSIPVocabularyStatus.xml').read()) > 100)\n"
        "for url in (base + 'Nope.xml', 'https://example.org/'):\n"
        "    try:\n"
        "        urllib.request.urlopen(url)\n"
        "    except OSError as refused:\n"
        "        print(refused)\n"
    )
    done = subprocess.run(
        [str(eark_installed), "-c", probe], capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "True"
    assert lines[1].startswith(
        "eark_offline: https://earkcsip.dilcis.eu/schema/Nope.xml is not bundled"
    )
    assert lines[2] == "eark_offline: refusing network access to https://example.org/."


# --- METS against the files on disk ----------------------------------------------------------


def test_mets_files_passes_on_a_consistent_package(tmp_path):
    check = validate.mets_files(hand_made_sip(tmp_path))
    assert check.name == "mets-files"
    assert check.errors == []
    assert check.ok is True


def test_mets_files_names_a_changed_byte(tmp_path):
    root = hand_made_sip(tmp_path)
    path = root / "representations" / "rep-records" / "data" / "b.txt"
    path.write_bytes(b"secXnd record\n")  # same size, other content
    check = validate.mets_files(root)
    assert check.ok is False
    assert check.errors == [
        "representations/rep-records/data/b.txt does not match "
        f"representations/rep-records/METS.xml: SHA-256 is {_sha256(path)}, METS says "
        f"{hashlib.sha256(b'second record' + bytes([10])).hexdigest()}"
    ]


def test_mets_files_names_a_changed_size_and_metadata(tmp_path):
    root = hand_made_sip(tmp_path)
    (root / "metadata" / "descriptive" / "channel.xml").write_bytes(b"<channel/>\n")
    check = validate.mets_files(root)
    assert len(check.errors) == 2
    assert check.errors[0].startswith("metadata/descriptive/channel.xml does not match METS.xml:")
    assert check.errors[1] == (
        "metadata/descriptive/channel.xml does not match METS.xml: size is 11 bytes, METS says 24"
    )


def test_mets_files_names_a_deleted_file(tmp_path):
    root = hand_made_sip(tmp_path)
    (root / "schemas" / "channel.xsd").unlink()
    check = validate.mets_files(root)
    assert check.ok is False
    assert check.errors == ["schemas/channel.xsd is missing (listed in METS.xml)"]


def test_mets_files_names_an_extra_file(tmp_path):
    root = hand_made_sip(tmp_path)
    (root / "representations" / "rep-records" / "data" / "c.txt").write_text("smuggled")
    (root / "documentation").mkdir()
    (root / "documentation" / "notes.txt").write_text("unlisted")
    check = validate.mets_files(root)
    assert check.errors == [
        "documentation/notes.txt is not listed in METS.xml",
        "representations/rep-records/data/c.txt is not listed in "
        "representations/rep-records/METS.xml",
    ]


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("../data/a.txt", "contains '..'"),
        ("data/../../../METS.xml", "contains '..'"),
        ("/etc/passwd", "is an absolute path"),
        ("file:///etc/passwd", "is not a relative path (it has a scheme or host)"),
    ],
)
def test_mets_files_refuses_unsafe_hrefs(tmp_path, href, reason):
    root = hand_made_sip(tmp_path, rep_href=href)
    check = validate.mets_files(root)
    assert check.ok is False
    assert check.errors == [
        f"representations/rep-records/METS.xml: file href {href!r} {reason}",
        "representations/rep-records/data/a.txt is not listed in "
        "representations/rep-records/METS.xml",
    ]


def test_mets_files_wants_each_file_in_the_mets_it_belongs_to(tmp_path):
    root = hand_made_sip(tmp_path)
    tree = etree.parse(str(root / "METS.xml"))
    group = tree.getroot().find(f"{{{M}}}fileSec/{{{M}}}fileGrp")
    _file(group, root, "representations/rep-records/data/a.txt", root, "ID-x", "text/plain")
    tree.write(str(root / "METS.xml"))
    check = validate.mets_files(root)
    assert check.errors == [
        "representations/rep-records/data/a.txt is listed in METS.xml but belongs in "
        "representations/rep-records/METS.xml"
    ]


def test_mets_files_on_the_corrected_example(tmp_path):
    assert validate.mets_files(corrected_example(tmp_path)).errors == []


# --- BagIt, WARC, PDF/A ----------------------------------------------------------------------


def test_bag_passes_then_fails_after_tampering(tmp_path):
    (tmp_path / "bag").mkdir()
    (tmp_path / "bag" / "record.json").write_text('{"id": 1}\n')
    bagit.make_bag(str(tmp_path / "bag"), checksums=["sha256", "sha512"])
    assert validate.bag(tmp_path / "bag").errors == []
    (tmp_path / "bag" / "data" / "record.json").write_text('{"id": 2}\n')  # same size
    check = validate.bag(tmp_path / "bag")
    assert check.name == "bagit"
    assert check.ok is False
    errors = sorted(check.errors)  # bagit reports in no fixed order
    assert len(errors) == 2
    assert errors[0].startswith("bag bag: data/record.json sha256 validation failed")
    assert errors[1].startswith("bag bag: data/record.json sha512 validation failed")

    (tmp_path / "bag" / "data" / "extra.txt").write_text("x")
    assert validate.bag(tmp_path / "bag").errors == [
        "bag bag: Payload-Oxum validation failed. Expected 1 files and 10 bytes but found "
        "2 files and 11 bytes"
    ]


def test_bag_that_is_no_bag(tmp_path):
    check = validate.bag(tmp_path)
    assert check.ok is False
    assert check.errors[0].startswith(f"bag {tmp_path.name} cannot be read:")


def test_warc_passes_then_fails_when_corrupted(tmp_path):
    good = tmp_path / "pages.warc.gz"
    good.write_bytes(warc_bytes())
    check = validate.warc(good)
    assert (check.name, check.ok, check.errors) == ("warcio", True, [])

    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(gzip.decompress(warc_bytes()).replace(b"hello", b"jello")))
    check = validate.warc(bad)
    assert check.ok is False
    assert len(check.errors) == 2
    assert "block digest failed" in check.errors[0]
    assert "payload digest failed" in check.errors[1]
    assert check.errors[0].startswith("bad.warc.gz: record <urn:uuid:")

    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(warc_bytes()[:100])
    check = validate.warc(truncated)
    assert check.ok is False
    assert check.errors[0].startswith("cut.warc.gz cannot be read after 0 records:")


def test_pdfs_fail_on_a_pdf_that_is_not_pdfa(tmp_path):
    plain = tmp_path / "plain.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(plain)
    check = validate.pdfs([plain])
    assert check.name == "pdfa"
    assert check.ok is False
    assert all(error.startswith("plain.pdf: ") for error in check.errors)
    assert validate.pdfs([]).ok is True


# --- the whole package -----------------------------------------------------------------------


def test_validate_snapshot_runs_every_check(eark_installed, tmp_path):
    sip = corrected_example(
        tmp_path / "src", {"content.txt": b"x\n", "pages.warc.gz": warc_bytes()}
    )
    bag_dir = tmp_path / "snapshot"
    bag_dir.mkdir()
    shutil.copytree(sip, bag_dir / sip.name)
    bagit.make_bag(str(bag_dir), checksums=["sha256", "sha512"])

    checks = validate.validate_snapshot(bag_dir)
    assert [(c.name, c.ok, c.errors) for c in checks] == [
        ("bagit", True, []),
        ("eark-validator", True, []),
        ("mets-files", True, []),
        ("warcio", True, []),
        ("pdfa", True, []),
    ]

    (bag_dir / "data" / sip.name / "representations" / "rep1" / "data" / "content.txt").write_text(
        "y\n"
    )
    failed = {c.name for c in validate.validate_snapshot(bag_dir) if not c.ok}
    assert failed == {"bagit", "mets-files"}


def test_validate_snapshot_wants_one_package_folder(tmp_path):
    (tmp_path / "bag" / "one").mkdir(parents=True)
    (tmp_path / "bag" / "two").mkdir()
    (tmp_path / "bag" / "one" / "f").write_text("1")
    (tmp_path / "bag" / "two" / "f").write_text("2")
    bagit.make_bag(str(tmp_path / "bag"))
    checks = validate.validate_snapshot(tmp_path / "bag")
    assert [(c.name, c.ok) for c in checks] == [
        ("bagit", True),
        ("eark-validator", False),
        ("mets-files", False),
    ]
    assert checks[1].errors == [
        "data/ must hold exactly one folder, the package root; it holds one, two"
    ]
