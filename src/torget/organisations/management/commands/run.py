"""torget run: migrate, load the demo when that is safe, serve web and worker.

The web server (gunicorn), the background worker (django-tasks' db_worker) and the alarm clock
(`torget alarms --every 300`) run as child processes; when one stops, or on Ctrl-C, all stop.

The demo organisation (every login with the password "demo") must never appear by accident on
a real server. Without --demo or --no-demo it is loaded only into an empty database on the
embedded default: SQLite in the project's own data folder, listening on this machine only.
With a database that holds the demo, Torget refuses to listen beyond this machine unless
--demo is given; whenever it serves the demo, every page says so.
"""

import ipaddress
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from torget.checks import LOOPBACK_HOSTS
from torget.demo import DEMO_PASSWORD, demo_exists, demo_load
from torget.organisations.models import Organisation

from .demo import print_logins


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def beyond_this_machine(host: str) -> str | None:
    """None when only this machine can reach the server; else how others can, in a few words.
    A reverse proxy on this machine makes a loopback server public: it shows in the host
    names the server answers to, or in a trusted proxy."""
    if not is_loopback(host):
        return f"Torget listens on {host}, beyond this machine"
    names = [h for h in settings.ALLOWED_HOSTS if h not in LOOPBACK_HOSTS]
    if names:
        return f"TORGET_ALLOWED_HOSTS names {', '.join(names)}, so others reach it"
    if settings.TORGET_TRUSTED_PROXIES:
        return "TORGET_TRUSTED_PROXIES names a proxy, so others reach it"
    return None


def embedded_default() -> str | None:
    """None on the embedded default; else why this is not it, in a few words."""
    if connection.vendor != "sqlite":
        return f"the database is {connection.vendor}, not the embedded SQLite"
    if not settings.TORGET_DATA_DIR_IS_DEFAULT:
        return f"the data folder {settings.DATA_DIR} is not the project's own"
    if Path(connection.settings_dict["NAME"]).resolve() != settings.DATA_DIR / "torget.sqlite3":
        return "the database is not the project's own SQLite file"
    return None


class Command(BaseCommand):
    help = "Serve Torget: the web server and the background worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("TORGET_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TORGET_PORT", "8000")))
        demo = parser.add_mutually_exclusive_group()
        demo.add_argument(
            "--demo",
            action="store_true",
            help="Load the demo organisation if it is not there, and serve it even beyond this "
            "machine or on PostgreSQL. Every login of the demo has the password 'demo'.",
        )
        demo.add_argument(
            "--no-demo",
            action="store_true",
            help="Never load the demo organisation.",
        )
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(
        self,
        *args,
        host: str,
        port: int,
        demo: bool,
        no_demo: bool,
        web_workers: int,
        **options,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        serving_demo = self._demo(host=host, demo=demo, no_demo=no_demo)
        self.stdout.write(self.style.SUCCESS(f"Torget is at http://{host}:{port}/"))
        # Every page of a server that serves the demo says that it is one (settings.TORGET_DEMO).
        env = {**os.environ, "TORGET_DEMO": "1" if serving_demo else "0"}
        # Both children are our own interpreter running our own modules.
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "torget.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
                # gunicorn's control socket defaults to one path in the home folder, shared by
                # every gunicorn of that user: a second server would take it from the first.
                "--no-control-socket",
            ],
            env=env,
        )
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "torget.cli",
                "db_worker",
                "--interval",
                "1",
            ],
            env=env,
        )
        clock = subprocess.Popen(
            [sys.executable, "-m", "torget.cli", "alarms", "--every", "300"], env=env
        )
        children = [web, worker, clock]

        def stop(*_args) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [child.returncode for child in children if child.returncode not in (0, -15, None)]
        if failed:
            sys.exit(failed[0])

    def _demo(self, *, host: str, demo: bool, no_demo: bool) -> bool:
        """Load the demo when asked or when it is safe; refuse to serve it by accident.
        Returns whether the demo is served."""
        public = beyond_this_machine(host)
        if no_demo:
            if demo_exists() and public:
                raise CommandError(self._demo_refusal(public))
            return demo_exists()
        if demo:
            if not demo_exists():
                demo_load()
                self.stdout.write("Loaded the demo organisation Exempla kommun (--demo).")
        elif not Organisation.objects.exists():
            why_not = public or embedded_default()
            if why_not is None:
                demo_load()
                self.stdout.write("The database was empty: loaded the demo organisation.")
            else:
                self.stdout.write(
                    f"The database is empty. The demo organisation is not loaded, because "
                    f"{why_not}; add --demo to load it anyway."
                )
        if not demo_exists():
            return False
        if public and not demo:
            raise CommandError(self._demo_refusal(public))
        self.stdout.write(self.style.WARNING("THIS IS THE DEMO: every page says so."))
        print_logins(self.stdout)
        if public:
            self.stdout.write(
                self.style.WARNING(
                    f"Served beyond this machine ({public}; --demo): anyone who reaches it can "
                    f"log in with the password {DEMO_PASSWORD!r}."
                )
            )
        return True

    @staticmethod
    def _demo_refusal(public: str) -> str:
        return (
            f"This database holds the demo organisation Exempla kommun, whose logins all have "
            f"the password {DEMO_PASSWORD!r}, and {public}: Torget will not serve the demo "
            "beyond this machine. Use a database of its own for the real installation "
            "(TORGET_DATABASE_URL or TORGET_DATA_DIR), or add --demo to serve the demo anyway."
        )
