"""The one check every reader applies before it takes a local file named by an export.

An export (a platform's folder, a single file with media beside it, an interchange file) names
its media by path. Those names come from whoever wrote the export, so a name may try to reach
the secret key, the database or another person's files. `confined_file` allows a name only
when it is a plain relative path to a regular file inside the export's folder:

- no NUL character, no absolute path (`/x`, `\\x`, `C:x`), no `..` (with `/` or `\\`);
- no hidden file or folder anywhere in the path (a part starting with `.`);
- the same after percent-decoding (`%2e%2e/`), so no later layer can decode it into an escape;
- no symbolic link at any level, and nothing but a regular file at the end (no device, FIFO,
  socket or folder);
- nothing inside Torget's own data folder (the database, the secret key, stored files) unless
  the export itself lies inside it;
- with `media_only`, only a picture, video, sound or PDF file (by its suffix), for media that
  sit beside an export rather than inside one.

Each refusal is an `UnsafePath` saying why in plain words.
"""

import os
import stat
from pathlib import Path
from urllib.parse import unquote

__all__ = ["MEDIA_SUFFIXES", "UnsafePath", "confined_file", "data_dir"]

_MEDIA = ".jpg .jpeg .png .gif .webp .heic .heif .bmp .tif .tiff .svg .mp4 .mov .m4v .webm"
_MORE_MEDIA = ".avi .mkv .mp3 .m4a .aac .ogg .oga .opus .wav .flac .pdf"
MEDIA_SUFFIXES = frozenset(f"{_MEDIA} {_MORE_MEDIA}".split())
MAX_NAME = 1000


class UnsafePath(KeyError):
    """A name an export may not use, and why. A KeyError, as for any name a bundle lacks."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        shown = self.name if len(self.name) <= 200 else f"{self.name[:150]}…{self.name[-40:]}"
        return f"{shown!r} {self.reason}"


def _syntax_problem(name: str) -> str:
    """Why a name is not a plain relative path inside the export ("" when it is)."""
    if "\x00" in name:
        return "has a NUL character in its name"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path; only paths inside the export are read"
    parts = _parts(name)
    if not parts:
        return "names no file"
    if ".." in parts:
        return "points outside the export (it contains '..')"
    if any(part.startswith(".") for part in parts):
        return "names a hidden file or folder, which is never read from an export"
    return ""


def _parts(name: str) -> list[str]:
    return [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]


def data_dir() -> Path | None:
    """Torget's own data folder (database, secret key, stored files), when configured."""
    try:
        from django.conf import settings

        return Path(settings.DATA_DIR).resolve()
    except Exception:  # settings not configured: a reader used outside Torget
        return None


def confined_file(root: Path, name: object, *, media_only: bool = False) -> Path:
    """The regular file `name` inside the folder `root`, or UnsafePath saying why not."""
    if not isinstance(name, str) or not name:
        raise UnsafePath(str(name), "is not a file name")
    if len(name) > MAX_NAME:
        raise UnsafePath(name, f"is longer than {MAX_NAME} characters")
    problem = _syntax_problem(name)
    if not problem and "%" in name:
        decoded = unquote(name, errors="strict") if _decodes(name) else name
        if decoded != name and (problem := _syntax_problem(decoded)):
            problem = f"{problem} once its %-escapes are decoded"
    if problem:
        raise UnsafePath(name, problem)
    parts = _parts(name)
    if media_only and Path(parts[-1]).suffix.lower() not in MEDIA_SUFFIXES:
        raise UnsafePath(
            name, "is not a picture, video, sound or PDF file; only media are read beside an export"
        )
    root = root.resolve()
    protected = data_dir()
    if protected is not None and _enters(root, root.joinpath(*parts), protected):
        raise UnsafePath(name, "lies in Torget's own data folder, which an export never reads")
    path = root
    for index, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            raise UnsafePath(name, "is not in the export") from None
        except (OSError, ValueError) as error:
            raise UnsafePath(name, f"is not a usable file name ({error})") from None
        if stat.S_ISLNK(mode):
            raise UnsafePath(name, "is a symbolic link, which is never followed out of an export")
        last = index == len(parts) - 1
        if not last and not stat.S_ISDIR(mode):
            raise UnsafePath(name, "is not in the export")
        if last and not stat.S_ISREG(mode):
            raise UnsafePath(name, "is not a regular file (a folder, device or pipe)")
    return path


def _decodes(name: str) -> bool:
    try:
        unquote(name, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _enters(root: Path, path: Path, protected: Path) -> bool:
    """True when `path` lies in `protected` but the export's folder does not lie inside it."""
    export_outside = root == protected or not root.is_relative_to(protected)
    return export_outside and (path == protected or path.is_relative_to(protected))
