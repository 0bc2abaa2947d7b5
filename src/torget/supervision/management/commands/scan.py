"""torget scan [FILE] [--watchlist FILE]: scan JSON Lines comments for personal data and risk."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from torget.personal_data.scanners import Watchlist
from torget.personal_data.scanners.jsonl import scan_json_lines


def watchlist_from_file(path: str) -> Watchlist:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"Cannot read watchlist {path}: {error.strerror}") from None
    try:
        return Watchlist.from_lines(lines)
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = (
        'Read JSON Lines {"id", "text"} from FILE or standard input and write one line '
        '{"id", "findings"} per input line. Bad lines are reported on standard error and '
        "skipped; the exit status is 1 if there were any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="JSON Lines file (default: standard input)")
        parser.add_argument(
            "--watchlist",
            help="the organisation's watchlist: one term or phrase a line, 're:' for a pattern",
        )

    def handle(self, *args, file: str | None, watchlist: str | None, **options) -> None:
        terms = watchlist_from_file(watchlist) if watchlist else None
        if file:
            try:
                source = open(file, encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as error:
                raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        else:
            source = sys.stdin
        try:
            _, bad = scan_json_lines(source, out=self.stdout, err=self.stderr, watchlist=terms)
        finally:
            if file:
                source.close()
        self.stdout.flush()
        if bad:
            raise CommandError(f"{bad} bad line(s) skipped.", returncode=1)
