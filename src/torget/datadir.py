"""Where Torget keeps its data: TORGET_DATA_DIR, or the project's own `var` folder.

Used by settings.py and by the `torget` command before Django starts, so it imports nothing
of Django. The folder is never guessed from the current directory: a command run from another
folder finds the same data as one run from the project, or says where it looked.
"""

import os
from dataclasses import dataclass
from pathlib import Path

# The checkout this code runs from: src/torget/datadir.py -> the folder with pyproject.toml.
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DATA_DIR = PROJECT_DIR / "var"


class DataDirNotFound(Exception):
    """No data folder could be chosen; `message` says where Torget looked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DataDir:
    path: Path
    from_environment: bool  # TORGET_DATA_DIR was set (rather than the project's var)

    @property
    def is_project_default(self) -> bool:
        """The embedded default: the project's own var folder."""
        return self.path == PROJECT_DATA_DIR.resolve()


def _is_project_checkout() -> bool:
    pyproject = PROJECT_DIR / "pyproject.toml"
    try:
        return 'name = "torget"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return False


def find_data_dir(environ: os._Environ | dict | None = None) -> DataDir:
    """TORGET_DATA_DIR when set; else the project's var when Torget runs from its checkout."""
    environ = os.environ if environ is None else environ
    if value := environ.get("TORGET_DATA_DIR", "").strip():
        return DataDir(Path(value).expanduser().resolve(), from_environment=True)
    if _is_project_checkout():
        return DataDir(PROJECT_DATA_DIR.resolve(), from_environment=False)
    raise DataDirNotFound(
        "Torget found no data folder: TORGET_DATA_DIR is not set, and Torget is not running "
        f"from its project folder (looked for {PROJECT_DIR / 'pyproject.toml'}). "
        "Set TORGET_DATA_DIR to the folder that holds Torget's data."
    )
