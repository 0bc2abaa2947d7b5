"""The demo organisation and the `torget run` command a newcomer starts with."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from torget.channels.models import Channel, Platform, Status
from torget.organisations.models import AuditEvent, Person, Role

pytestmark = pytest.mark.django_db


def test_demo_has_every_role_and_channels_in_every_state():
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    roles = set(
        Person.objects.filter(organisation__slug="exempla").values_list(
            "role_assignments__role", flat=True
        )
    )
    assert roles == set(Role.values)
    channels = Channel.objects.filter(organisation__slug="exempla")
    assert 15 <= channels.count() <= 20
    assert set(channels.values_list("status", flat=True)) == set(Status.values)
    assert set(channels.values_list("platform", flat=True)) >= set(Platform.values) - {"blog"}
    # Taken there through the services: every channel has its history and audit trail.
    for channel in channels:
        assert channel.transitions.exists()
        assert AuditEvent.objects.filter(object_id=str(channel.pk), action="channel.propose")


def test_demo_refuses_to_load_twice():
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="already"):
        call_command("demo")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=False)
def test_torget_run_serves_the_demo_and_stops_cleanly(tmp_path):
    """What `make run` does, on its embedded default: SQLite in a fresh data directory."""
    port = _free_port()
    env = {
        **os.environ,
        "TORGET_DATA_DIR": str(tmp_path),
        "TORGET_DATABASE_URL": f"sqlite:///{tmp_path / 'torget.sqlite3'}",
    }
    env.pop("TORGET_SECRET_KEY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "torget.cli", "run", "--port", str(port), "--web-workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/kanaler/", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        assert "Exempla kommun" in body, process.stdout.read() if process.poll() else "no answer"
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "kommunikator" in output and "demo" in output
