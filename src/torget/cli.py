"""The `torget` console command: Django's management commands with Torget's settings.

`torget run` serves web and worker, `torget demo` loads the demo organisation; every other
Django command (migrate, createsuperuser, db_worker, ...) works as well.

Before Django starts, the data folder is found (TORGET_DATA_DIR, or the project's var) and,
for every command but `run` and `migrate`, must already hold Torget's data: a command run from
the wrong place says where it looked instead of making an empty database. A command the domain
refuses (a snapshot of a period not yet over, a step the channel's state does not allow)
prints its one plain sentence and exits with status 2, never a traceback.
"""

import os
import sys
from pathlib import Path

from torget.datadir import DataDir, DataDirNotFound, find_data_dir

# Commands that set up a new installation: they may create the data folder and the database.
CREATE_DATA = {"run", "migrate"}
# Commands that need no database of their own (they may read settings, code or files).
NO_DATABASE = {
    "help",
    "version",
    "check",
    "makemigrations",
    "makemessages",
    "compilemessages",
    "openapi",
    "collectstatic",
    "diffsettings",
    "sendtestemail",
    "findstatic",
}
REFUSED_STATUS = 2


class CommandRefused(Exception):
    """A plain sentence for the person at the terminal, before Django has started."""


def _sqlite_file(data_dir: DataDir) -> Path | None:
    """The SQLite database file the settings will use, or None for another database."""
    url = os.environ.get("TORGET_DATABASE_URL", "").strip()
    if not url:
        return data_dir.path / "torget.sqlite3"
    if not url.startswith("sqlite:"):
        return None
    import dj_database_url

    name = dj_database_url.parse(url).get("NAME") or ""
    return Path(name) if name and name != ":memory:" else None


def _where(data_dir: DataDir) -> str:
    if data_dir.from_environment:
        return f"TORGET_DATA_DIR={data_dir.path}"
    return f"the project's data folder {data_dir.path} (TORGET_DATA_DIR is not set)"


def prepare(command: str | None, args: list[str] | None = None) -> None:
    """Find the data folder; create it only for `run` and `migrate`; refuse to go on when a
    command would otherwise work on an empty database made by surprise."""
    try:
        data_dir = find_data_dir()
    except DataDirNotFound as error:
        raise CommandRefused(error.message) from None
    if command is None or command.startswith("-") or command in NO_DATABASE:
        return
    if {"-h", "--help", "--version"} & set(args or []):
        return
    if command in CREATE_DATA:
        data_dir.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return
    start = "Start Torget once with `torget run` (or `torget migrate`) to set it up"
    if not data_dir.path.is_dir():
        raise CommandRefused(
            f"Torget has no data here: looked in {_where(data_dir)}, which does not exist. "
            f"{start}, or set TORGET_DATA_DIR to the folder that holds Torget's data."
        )
    database = _sqlite_file(data_dir)
    if database is not None and not database.is_file():
        raise CommandRefused(
            f"Torget has no database here: looked for {database} in {_where(data_dir)}. "
            f"{start}, or set TORGET_DATA_DIR (or TORGET_DATABASE_URL) to where its data is."
        )


def refusal_message(error: BaseException) -> str | None:
    """The plain sentence of a refusal by the domain, or None for any other error.

    Every domain refusal is a `torget.refusals.Refusal` (a leaf module: importing it needs no
    Django), so one check covers the commands as the middleware covers the pages."""
    from torget.refusals import Refusal

    if not isinstance(error, Refusal):
        return None
    return error.sentence


def main(argv: list[str] | None = None) -> None:
    args = list(argv if argv is not None else sys.argv[1:])
    try:
        prepare(args[0] if args else None, args)
    except CommandRefused as refusal:
        sys.stderr.write(f"{refusal}\n")
        sys.exit(REFUSED_STATUS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["torget", *args])
    except Exception as error:
        message = refusal_message(error)
        if message is None:
            raise
        sys.stderr.write(f"{message}\n")
        sys.exit(REFUSED_STATUS)


if __name__ == "__main__":
    main()
