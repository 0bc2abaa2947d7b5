"""The demo organisation and the `torget run` command a newcomer starts with."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from torget.channels.models import Channel, Platform, Status
from torget.organisations.models import AuditEvent, Organisation, Person, Role

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
    """What `make run` does, on SQLite in a fresh data directory (another than the project's
    own, so the demo is asked for), and every page says that it is the demo."""
    port = _free_port()
    env = {
        **os.environ,
        "TORGET_DATA_DIR": str(tmp_path),
        "TORGET_DATABASE_URL": f"sqlite:///{tmp_path / 'torget.sqlite3'}",
    }
    env.pop("TORGET_SECRET_KEY", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "torget.cli",
            "run",
            "--demo",
            "--port",
            str(port),
            "--web-workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 300  # migrating and loading the demo on a busy machine
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/kanaler/", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        ended = process.poll() is not None
        assert "Exempla kommun" in body, process.stdout.read() if ended else "no answer in 300 s"
        assert 'class="demo-banner"' in body and "lösenordet ”demo”" in body
        assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "kommunikator" in output and "demo" in output
    assert "THIS IS THE DEMO" in output


# --- when `torget run` may load and serve the demo ------------------------------------------

EVERYWHERE = "0.0.0.0"  # noqa: S104 (what a server listening beyond loopback is given)


@pytest.fixture
def this_machine_only(settings):
    """As `make run` is set up (the test client adds "testserver" to the host names)."""
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    settings.TORGET_TRUSTED_PROXIES = []


def _run_command():
    from torget.organisations.management.commands.run import Command

    command = Command(stdout=io.StringIO())
    return command


def test_loopback_means_this_machine_only():
    from torget.organisations.management.commands.run import is_loopback

    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_loopback(host), host
    for host in (EVERYWHERE, "::", "192.0.2.1", "torget.example.se", ""):
        assert not is_loopback(host), host


def test_the_test_database_is_not_the_embedded_default():
    from torget.organisations.management.commands.run import embedded_default

    reason = embedded_default()
    assert reason is not None
    expected = "postgresql" if connection.vendor == "postgresql" else "data folder"
    assert expected in reason


def test_an_empty_database_gets_the_demo_only_on_the_embedded_default_on_this_machine(
    monkeypatch, this_machine_only
):
    from torget.organisations.management.commands import run

    command = _run_command()
    # Beyond this machine: never by default, whatever the database.
    monkeypatch.setattr(run, "embedded_default", lambda: None)
    assert command._demo(host=EVERYWHERE, demo=False, no_demo=False) is False
    assert "listens on 0.0.0.0" in command.stdout._out.getvalue()
    # On this machine, but not the embedded default (PostgreSQL, another data folder): not either.
    monkeypatch.setattr(run, "embedded_default", lambda: "the database is postgresql")
    assert command._demo(host="127.0.0.1", demo=False, no_demo=False) is False
    assert "add --demo" in command.stdout._out.getvalue()
    assert not Organisation.objects.exists()
    # --no-demo: never.
    monkeypatch.setattr(run, "embedded_default", lambda: None)
    assert command._demo(host="127.0.0.1", demo=False, no_demo=True) is False
    assert not Organisation.objects.exists()
    # The embedded default on this machine: the demo, as the README promises for `make run`.
    assert command._demo(host="127.0.0.1", demo=False, no_demo=False) is True
    assert Organisation.objects.filter(slug="exempla").exists()


def test_a_database_with_the_demo_is_not_served_beyond_this_machine_unless_asked(
    this_machine_only,
):
    from torget.demo import demo_load

    demo_load()
    command = _run_command()
    for no_demo in (False, True):
        with pytest.raises(CommandError, match=r"listens on 0\.0\.0\.0.*will not serve the demo"):
            command._demo(host=EVERYWHERE, demo=False, no_demo=no_demo)
    assert command._demo(host="127.0.0.1", demo=False, no_demo=False) is True
    # Forced: served, with a warning that anyone can log in.
    assert command._demo(host=EVERYWHERE, demo=True, no_demo=False) is True
    assert "anyone who reaches it can log in" in command.stdout._out.getvalue()


def test_behind_a_proxy_on_this_machine_the_server_is_not_local(
    settings, monkeypatch, this_machine_only
):
    """A reverse proxy on this machine makes a loopback server public: by the host names it
    answers to, or a trusted proxy, the demo is neither loaded nor served by default."""
    from torget.organisations.management.commands import run

    monkeypatch.setattr(run, "embedded_default", lambda: None)
    settings.ALLOWED_HOSTS = ["torget.example.se", "localhost"]
    command = _run_command()
    assert command._demo(host="127.0.0.1", demo=False, no_demo=False) is False
    assert "TORGET_ALLOWED_HOSTS names torget.example.se" in command.stdout._out.getvalue()
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.TORGET_TRUSTED_PROXIES = ["127.0.0.1"]
    assert run.beyond_this_machine("127.0.0.1") is not None
    settings.TORGET_TRUSTED_PROXIES = []
    assert run.beyond_this_machine("127.0.0.1") is None


def test_the_demo_is_loaded_when_asked_even_beside_another_organisation(world, this_machine_only):
    Organisation.objects.filter(pk=world.organisation.pk).update(slug="grannby")
    command = _run_command()
    assert command._demo(host="127.0.0.1", demo=False, no_demo=False) is False
    assert not Organisation.objects.filter(slug="exempla").exists()
    assert command._demo(host="127.0.0.1", demo=True, no_demo=False) is True
    assert Organisation.objects.filter(slug="exempla").exists()


def test_every_page_of_a_server_serving_the_demo_says_so(client, settings):
    from django.urls import reverse

    for name in ("public_channels", "login"):
        assert 'class="demo-banner"' not in client.get(reverse(name)).content.decode()
    settings.TORGET_DEMO = True
    for name in ("public_channels", "login"):
        page = client.get(reverse(name)).content.decode()
        assert 'class="demo-banner"' in page and "alla inloggningar har lösenordet" in page
