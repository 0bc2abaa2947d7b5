"""torget run: migrate, load the demo if the database is empty, serve web and worker.

The web server (gunicorn), the background worker (django-tasks' db_worker) and the alarm clock
(`torget alarms --every 300`) run as child processes; when one stops, or on Ctrl-C, all stop.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from torget.demo import demo_exists, demo_load
from torget.organisations.models import Organisation

from .demo import print_logins


class Command(BaseCommand):
    help = "Serve Torget: the web server and the background worker."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("TORGET_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("TORGET_PORT", "8000")))
        parser.add_argument(
            "--no-demo",
            action="store_true",
            help="Do not load the demo organisation into an empty database.",
        )
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(
        self, *args, host: str, port: int, no_demo: bool, web_workers: int, **options
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo and not Organisation.objects.exists():
            demo_load()
            self.stdout.write("The database was empty: loaded the demo organisation.")
        if demo_exists():
            print_logins(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Torget is at http://{host}:{port}/"))
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
            ]
        )
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "torget.cli",
                "db_worker",
                "--interval",
                "1",
            ]
        )
        clock = subprocess.Popen([sys.executable, "-m", "torget.cli", "alarms", "--every", "300"])
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
