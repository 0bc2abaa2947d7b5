"""Media paths named by an export reach nothing but media inside the export (issue 14, 3)."""

import io
import os
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import channel_in, interchange_line
from torget.archive.blobs import open_blob
from torget.archive.models import Blob, IngestionRun, Record
from torget.sources.bundle import open_bundle
from torget.sources.confine import UnsafePath, confined_file

SECRET = b"TOP-SECRET-KEY-MATERIAL"


@pytest.fixture
def export(tmp_path) -> Path:
    """A folder as someone might import from: the export, its media, and things beside it
    that must never enter the archive."""
    root = tmp_path / "export"
    (root / "media").mkdir(parents=True)
    (root / "media" / "bild.jpg").write_bytes(b"\xff\xd8\xff real picture")
    (root / ".secret.jpg").write_bytes(SECRET)
    (root / ".git").mkdir()
    (root / ".git" / "bild.jpg").write_bytes(SECRET)
    (root / "var").mkdir()
    (root / "var" / "secret_key").write_bytes(SECRET)
    (root / "var" / "torget.sqlite3.jpg").write_bytes(SECRET)
    (tmp_path / "outside.jpg").write_bytes(SECRET)
    (root / "link-to-etc.jpg").symlink_to("/etc/passwd")
    (root / "link-inside.jpg").symlink_to(root / "var" / "torget.sqlite3.jpg")
    (root / "linked-folder").symlink_to(root / "var")
    (root / "linked-etc").symlink_to("/etc")
    os.mkfifo(root / "pipe.jpg")
    (root / "folder.jpg").mkdir()
    return root


ESCAPES = {
    "/etc/passwd": "is an absolute path",
    "\\etc\\passwd": "is an absolute path",
    "C:\\Windows\\win.ini": "is an absolute path",
    "../outside.jpg": "points outside the export (it contains '..')",
    "media/../../outside.jpg": "points outside the export (it contains '..')",
    "..\\outside.jpg": "points outside the export (it contains '..')",
    "media\\..\\..\\outside.jpg": "points outside the export (it contains '..')",
    "%2e%2e/outside.jpg": "points outside the export (it contains '..') once its %-escapes",
    "%2E%2E%2Foutside.jpg": "points outside the export (it contains '..') once its %-escapes",
    "%2esecret.jpg": "names a hidden file or folder, which is never read from an export once",
    ".secret.jpg": "names a hidden file or folder",
    "./.secret.jpg": "names a hidden file or folder",
    ".git/bild.jpg": "names a hidden file or folder",
    "media/\x00bild.jpg": "has a NUL character in its name",
    "link-to-etc.jpg": "is a symbolic link",
    "link-inside.jpg": "is a symbolic link",
    "linked-folder/torget.sqlite3.jpg": "is a symbolic link",
    "linked-etc/passwd.jpg": "is a symbolic link",
    "pipe.jpg": "is not a regular file",
    "folder.jpg": "is not a regular file",
    "var/secret_key": "is not a picture, video, sound or PDF file",
    "media/saknas.jpg": "is not in the export",
    "": "is not a file name",
}


@pytest.mark.parametrize("name", list(ESCAPES))
def test_each_escape_is_refused_in_plain_words(export, name):
    with pytest.raises(UnsafePath) as refused:
        confined_file(export, name, media_only=True)
    assert ESCAPES[name] in str(refused.value)


def test_a_plain_media_path_is_allowed_and_stays_inside(export):
    for name in ("media/bild.jpg", "./media/bild.jpg", "media\\bild.jpg", "media//bild.jpg"):
        path = confined_file(export, name, media_only=True)
        assert path == export / "media" / "bild.jpg"
        assert path.read_bytes().startswith(b"\xff\xd8")


def test_torgets_own_data_folder_is_never_read_from_outside_it(tmp_path, settings):
    install = tmp_path / "install"
    data = install / "var"
    (data / "files").mkdir(parents=True)
    (data / "leak.jpg").write_bytes(SECRET)
    (install / "bild.jpg").write_bytes(b"\xff\xd8")
    settings.DATA_DIR = data
    # An export whose folder holds the data folder (an import run from the installation).
    with pytest.raises(UnsafePath, match="Torget's own data folder"):
        confined_file(install, "var/leak.jpg", media_only=True)
    with pytest.raises(UnsafePath, match="Torget's own data folder"):
        confined_file(data, "leak.jpg", media_only=True)
    with open_bundle(install) as bundle:
        assert bundle.names() == ["bild.jpg"]
        with pytest.raises(UnsafePath, match="Torget's own data folder"):
            bundle.local_path("var/leak.jpg")
    # An export unpacked inside the data folder may still use its own media.
    inside = data / "imports" / "e1"
    inside.mkdir(parents=True)
    (inside / "bild.jpg").write_bytes(b"\xff\xd8")
    assert confined_file(inside, "bild.jpg", media_only=True) == inside / "bild.jpg"


def test_a_folder_export_serves_nothing_hidden_or_linked(export):
    with open_bundle(export) as bundle:
        assert ".secret.jpg" not in bundle.names()
        assert bundle.local_path("media/bild.jpg").read_bytes().startswith(b"\xff\xd8")
        # A folder export's own data files are read too (not only media).
        assert bundle.local_path("var/secret_key") == export / "var" / "secret_key"
        for name in (".secret.jpg", ".git/bild.jpg", "link-inside.jpg", "linked-folder/x.jpg"):
            with pytest.raises(KeyError):
                bundle.local_path(name)
            with pytest.raises(KeyError):
                bundle.open(name)


def test_a_single_file_export_uses_the_same_confinement(export):
    (export / "posts.json").write_text("{}")
    with open_bundle(export / "posts.json") as bundle:
        assert bundle.local_path("media/bild.jpg") == export / "media" / "bild.jpg"
        for name, reason in ESCAPES.items():
            with pytest.raises(UnsafePath) as refused:
                bundle.local_path(name)
            assert reason in str(refused.value)


# The import command: each bad path rejects its line only, in plain words.


@pytest.fixture
def channel(world):
    return channel_in(world, "active")


def _import(channel, path: str) -> str:
    out = io.StringIO()
    call_command("import", path, "--channel", channel.slug, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_an_interchange_file_cannot_pull_in_files_beside_it(channel, export):
    names = [name for name in ESCAPES if name and "\x00" not in name]
    lines = [interchange_line("ok", "Bild", media=[{"path": "media/bild.jpg"}])]
    lines += [
        interchange_line(f"bad-{number}", "x", media=[{"path": name}])
        for number, name in enumerate(names)
    ]
    lines.append(interchange_line("nul", "x", media=[{"path": "media/\x00bild.jpg"}]))
    (export / "e.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = _import(channel, str(export / "e.jsonl"))
    assert f"1 new, 0 changed, 0 unchanged, 0 deleted on the platform, {len(names) + 1} rej" in (
        summary
    )
    errors = {error["where"]: error["reason"] for error in IngestionRun.objects.get().errors}
    for number, name in enumerate(names, start=2):
        assert ESCAPES[name] in errors[f"line {number}, media[0].path"]
    assert errors[f"line {len(names) + 2}, media[0].path"] == "has a NUL character in its name"
    assert list(Record.objects.values_list("platform_id", flat=True)) == ["ok"]
    (blob,) = Blob.objects.all()
    with open_blob(blob.sha256) as stored:
        assert stored.read().startswith(b"\xff\xd8\xff real picture")


@pytest.mark.django_db
def test_standard_input_has_no_media_folder(channel, export, monkeypatch):
    monkeypatch.chdir(export)  # once, "-" read media from the current folder
    lines = [
        interchange_line("1", "x", media=[{"path": "media/bild.jpg"}]),
        interchange_line("2", "Utan bild"),
    ]
    stdin = io.TextIOWrapper(io.BytesIO(("\n".join(lines) + "\n").encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    summary = _import(channel, "-")
    assert "rejected line 1, media[0].path: lines read from standard input cannot name" in summary
    assert list(Record.objects.values_list("platform_id", flat=True)) == ["2"]
    assert not Blob.objects.exists()
