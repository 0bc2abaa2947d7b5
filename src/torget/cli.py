"""The `torget` console command: Django's management commands with Torget's settings.

`torget run` serves web and worker, `torget demo` loads the demo organisation; every other
Django command (migrate, createsuperuser, db_worker, ...) works as well.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["torget", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
