"""An export as Torget receives it: a zip file, a folder or a single file.

Readers see only relative names and streams, never the disk layout, so one reader serves the
zip a platform hands out and the folder a person unpacked it into. A zip is checked before
anything is read from it: a member named outside the export (an absolute path, `..`) or one
that would unpack to far more than it weighs (a zip bomb), more files or more bytes than the
settings allow, refuses the whole file; while it is read, the bytes are counted, so a zip that
lies about its sizes is stopped when its real bytes pass them.
"""

import fnmatch
import io
import os
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from .confine import MEDIA_SUFFIXES, UnsafePath, confined_file, data_dir

__all__ = ["MEDIA_SUFFIXES", "Bundle", "BundleError", "UnsafePath", "open_bundle"]

# The limits on a zip are settings (TORGET_IMPORT_MAX_UNPACKED_GB, _FILES, _RATIO; see
# settings.py); these are their defaults when Django's settings do not say.
MAX_UNPACKED_BYTES = 64 * 1024**3
MAX_RATIO = 200
MAX_MEMBERS = 1_000_000
RATIO_FLOOR_BYTES = 10 * 1024**2  # small members may compress as well as they like
# Readers may read a file more than once (to recognise the export, to count, to import):
# the bytes unpacked in all may reach this many times the limit before the zip is stopped.
READ_PASSES = 3
KEEP_UNPACKED = 256


class BundleError(ValueError):
    """An export Torget refuses to open, and why, in words for the person importing it."""


class DamagedFile(OSError):
    """A file inside a zip that cannot be read to the end (bad compressed data, a wrong
    checksum, encryption): an OSError, so readers report it like any unreadable file."""


_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError)


@dataclass(frozen=True)
class Limits:
    """How far a zip may go: in bytes unpacked in all, files, and expansion of one file."""

    unpacked_bytes: int
    members: int
    ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        from django.conf import settings

        return cls(
            unpacked_bytes=getattr(
                settings, "TORGET_IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES
            ),
            members=getattr(settings, "TORGET_IMPORT_MAX_FILES", MAX_MEMBERS),
            ratio=getattr(settings, "TORGET_IMPORT_MAX_RATIO", MAX_RATIO),
        )


class _Counter:
    """The bytes a zip has really unpacked so far, across every file read from it."""

    def __init__(self, limits: Limits, label: str) -> None:
        self.limits = limits
        self.label = label
        self.total = 0


class _GuardedMember(io.RawIOBase):
    """A zip member's stream whose read errors all arrive as DamagedFile, naming the file.

    It counts the bytes as they come out: a file that gives more than its declared size, or
    expands past the ratio limit, or a zip whose files together pass the unpacked limit, is
    stopped there, whatever the zip's directory claimed.
    """

    def __init__(
        self, stream, name: str, info: zipfile.ZipInfo | None = None, counter=None
    ) -> None:
        self._stream = stream
        self._name = name
        self._info = info
        self._counter = counter
        self._position = 0  # where in the member the next byte comes from

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._stream.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        try:
            self._position = self._stream.seek(offset, whence)
        except _ZIP_ERRORS as error:
            raise DamagedFile(f"{self._name} is damaged inside the zip ({error})") from None
        return self._position

    def tell(self) -> int:
        return self._stream.tell()

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except _ZIP_ERRORS as error:
            raise DamagedFile(f"{self._name} is damaged inside the zip ({error})") from None
        if self._info is not None and self._counter is not None:
            self._count(len(data))
        buffer[: len(data)] = data
        return len(data)

    def _count(self, size: int) -> None:
        info, counter, limits = self._info, self._counter, self._counter.limits
        self._position += size
        counter.total += size
        if self._position > info.file_size:
            raise DamagedFile(
                f"{self._name} unpacks to more than the {info.file_size:,} bytes the zip "
                "declares for it; refused (a zip bomb, or a damaged file)"
            )
        if self._position > RATIO_FLOOR_BYTES and self._position > limits.ratio * max(
            info.compress_size, 1
        ):
            raise DamagedFile(
                f"{self._name} expands more than {limits.ratio} times; refused "
                "(a zip bomb, or a damaged file)"
            )
        if counter.total > READ_PASSES * limits.unpacked_bytes:
            raise DamagedFile(
                f"{counter.label} has unpacked more than {READ_PASSES} × "
                f"{limits.unpacked_bytes:,} bytes; nothing more is read from it"
            )

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            super().close()


class Bundle:
    """Named files of one export. Names are relative POSIX paths ("data/tweets.js")."""

    label: str

    def names(self) -> list[str]:
        raise NotImplementedError

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one file; read it in pieces."""
        raise NotImplementedError

    def size(self, name: str) -> int:
        raise NotImplementedError

    def local_path(self, name: str) -> Path:
        """A real file holding `name`, for storing media (a zip member is unpacked first)."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> "Bundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Helpers every reader uses.
    def find(self, *patterns: str) -> list[str]:
        """Names matching any of the glob patterns, case-insensitively; `*` crosses folders,
        so "*tweets.js" finds "data/tweets.js" and "tweets.js"."""
        lowered = [p.lower() for p in patterns]
        return [n for n in self.names() if any(fnmatch.fnmatch(n.lower(), p) for p in lowered)]

    def first(self, *patterns: str) -> str | None:
        found = self.find(*patterns)
        return min(found, key=lambda n: (n.count("/"), n)) if found else None

    def read_bytes(self, name: str, limit: int = 64 * 1024**2) -> bytes:
        """A whole (small) file; refuses one larger than `limit`."""
        if self.size(name) > limit:
            raise BundleError(f"{name} is larger than {limit // 1024**2} MB")
        with self.open(name) as stream:
            return stream.read(limit + 1)[:limit]

    def head(self, name: str, count: int = 4096) -> bytes:
        with self.open(name) as stream:
            return stream.read(count)


class FileBundle(Bundle):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)
        self._name = path.name

    def names(self) -> list[str]:
        return [self._name]

    def _check(self, name: str) -> None:
        if name != self._name:
            raise KeyError(name)

    def open(self, name: str) -> IO[bytes]:
        self._check(name)
        return self.path.open("rb")

    def size(self, name: str) -> int:
        self._check(name)
        return self.path.stat().st_size

    def local_path(self, name: str) -> Path:
        # A single-file export's media sit beside it; readers name them relative to it. Only
        # media files are served, and nothing hidden, linked or outside the folder: an export
        # must not pull a key or a password file from the folder it happens to sit in into
        # the archive (sources/confine.py).
        if name == self._name:
            return self.path
        return confined_file(self.path.parent, name, media_only=True)


class FolderBundle(Bundle):
    def __init__(self, path: Path) -> None:
        self.root = path.resolve()
        self.label = str(path)
        self._names: list[str] | None = None

    def names(self) -> list[str]:
        if self._names is None:
            names = []
            protected = data_dir()  # never list Torget's own files (sources/confine.py)
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".") and (Path(folder) / d).resolve() != protected
                )
                for file in sorted(files):
                    full = Path(folder) / file
                    if not file.startswith(".") and full.is_file() and not full.is_symlink():
                        names.append(full.relative_to(self.root).as_posix())
            self._names = names
        return self._names

    def local_path(self, name: str) -> Path:
        # The same names `names()` lists: nothing hidden, linked or outside the folder.
        return confined_file(self.root, name)

    def open(self, name: str) -> IO[bytes]:
        return self.local_path(name).open("rb")

    def size(self, name: str) -> int:
        return self.local_path(name).stat().st_size


class ZipBundle(Bundle):
    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.label = str(path)
        self.limits = limits or Limits.from_settings()
        self._counter = _Counter(self.limits, path.name)
        # The member count the zip declares is checked before its directory is read: a
        # directory of millions of entries would fill the memory before any check.
        _check_declared_members(path, self.limits)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as error:
            raise BundleError(f"{path.name} is not a readable zip file ({error})") from None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._tmp: Path | None = None
        self._unpacked = 0
        self._recent: deque[Path] = deque()
        try:
            self._index(path.name, path.stat().st_size)
        except BundleError:
            self.zip.close()
            raise

    def _index(self, label: str, size: int) -> None:
        limits = self.limits
        infos = self.zip.infolist()
        if len(infos) > limits.members:
            raise BundleError(_too_many(label, len(infos), limits))
        total = 0
        for info in infos:
            name = info.filename
            unsafe = _unsafe_name(name)
            if unsafe:
                raise BundleError(
                    f"{label} is refused: the member {name[:200]!r} {unsafe}. "
                    "A genuine platform export never does this."
                )
            if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                continue
            total += info.file_size
            if info.header_offset + info.compress_size > size:
                # It would hide a high ratio behind a compressed size the file cannot hold.
                raise BundleError(
                    f"{label} is refused: {name[:200]!r} declares more compressed bytes than "
                    "the zip holds (a zip bomb, or a damaged file)."
                )
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > limits.ratio * max(
                info.compress_size, 1
            ):
                raise BundleError(
                    f"{label} is refused: {name[:200]!r} would unpack to "
                    f"{info.file_size:,} bytes from {info.compress_size:,}, more than "
                    f"{limits.ratio} times as much (a zip bomb, or a damaged file)."
                )
            self._infos[name] = info
        if total > limits.unpacked_bytes:
            raise BundleError(
                f"{label} is refused: it would unpack to {total:,} bytes, more than the "
                f"limit of {limits.unpacked_bytes:,} (TORGET_IMPORT_MAX_UNPACKED_GB)."
            )

    def names(self) -> list[str]:
        return list(self._infos)

    def open(self, name: str) -> IO[bytes]:
        # zipfile never reads past the member's declared size, and checks its CRC at the end.
        try:
            member = self.zip.open(self._infos[name])
        except _ZIP_ERRORS as error:
            raise DamagedFile(f"{name} cannot be read from the zip ({error})") from None
        guarded = _GuardedMember(member, name, self._infos[name], self._counter)
        return io.BufferedReader(guarded, 1024 * 1024)

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def local_path(self, name: str) -> Path:
        if name not in self._infos:
            raise KeyError(name)
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="torget-import-"))
        self._unpacked += 1
        target = self._tmp / f"{self._unpacked}{PurePosixPath(name).suffix[:16]}"
        with self.open(name) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        # The pipeline stores each media file as soon as its item is added, so only the last
        # few unpacked files are still needed: the disk never holds the whole export twice.
        self._recent.append(target)
        if len(self._recent) > KEEP_UNPACKED:
            self._recent.popleft().unlink(missing_ok=True)
        return target

    def close(self) -> None:
        self.zip.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def _too_many(label: str, count: int, limits: Limits) -> str:
    return (
        f"{label} is refused: it holds {count:,} files, more than the limit of "
        f"{limits.members:,} (TORGET_IMPORT_MAX_FILES)."
    )


def _check_declared_members(path: Path, limits: Limits) -> None:
    """Refuse a zip whose end record declares more members than the limit, reading only
    that record (zipfile's own reader of it)."""
    try:
        with path.open("rb") as handle:
            end = zipfile._EndRecData(handle)
    except (OSError, zipfile.BadZipFile, struct.error):
        return  # zipfile says what is wrong, in its own words, just after
    if not end:
        return
    declared = end[zipfile._ECD_ENTRIES_TOTAL]
    if declared > limits.members:
        raise BundleError(_too_many(path.name, declared, limits))


def _unsafe_name(name: str) -> str:
    if "\x00" in name:
        return "has a NUL character in its name"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "has an absolute path"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "points outside the export (it contains '..')"
    return ""


def open_bundle(path: str | Path) -> Bundle:
    """Open a zip, a folder or a single file; BundleError says why one cannot be opened."""
    path = Path(path)
    if path.is_dir():
        return FolderBundle(path)
    if not path.is_file():
        raise BundleError(f"No such file or folder: {path}")
    try:
        with path.open("rb") as probe:
            magic = probe.read(4)
    except OSError as error:
        raise BundleError(f"Cannot read {path}: {error.strerror}.") from None
    if magic.startswith(b"PK\x03\x04") or magic.startswith(b"PK\x05\x06"):
        return ZipBundle(path)
    return FileBundle(path)
