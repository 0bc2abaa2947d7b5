"""`torget check --deploy`: Django's deployment checks plus Torget's own pass on a correctly
configured server and name each problem of a default one, in terms of TORGET_* settings."""

import os
import re
import subprocess
import sys

import pytest
from django.db import connection

from torget import checks
from torget.organisations.models import Organisation, Role
from torget.organisations.services import person_create

pytestmark = pytest.mark.django_db


def _database_url() -> str:
    """The test database, for a subprocess to read."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _check_deploy(tmp_path, env: dict[str, str]) -> subprocess.CompletedProcess:
    data = tmp_path / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TORGET_")}
    environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in conftest.py
    environ.update({"TORGET_DATA_DIR": str(data), **env})
    return subprocess.run(
        [sys.executable, "-m", "torget.cli", "check", "--deploy"],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _ids(output: str) -> set[str]:
    return set(re.findall(r"\(([a-z_]+\.[CEWI]\d{3})\)", output))


PRODUCTION = {
    "TORGET_SECRET_KEY": "Vh3q-9x_Lw2pZ7sKd4mN8rT1yB6cF0gJ5hQeUaXoIiRvWzSnMlEbCkGtYdPjAu",
    "TORGET_ALLOWED_HOSTS": "torget.example.se",
    "TORGET_CSRF_TRUSTED_ORIGINS": "https://torget.example.se",
    "TORGET_SECURE_COOKIES": "true",
    "TORGET_HSTS_SECONDS": "31536000",
    "TORGET_SSL_REDIRECT": "true",
    "TORGET_TRUSTED_PROXIES": "127.0.0.1",
    "TORGET_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "TORGET_EMAIL_HOST": "smtp.example.se",
    "TORGET_EMAIL_FROM": "torget@example.se",
}


def test_a_correctly_configured_server_passes_with_no_issue(tmp_path):
    env = {**PRODUCTION, "TORGET_DATABASE_URL": _database_url()}
    if connection.vendor == "sqlite":
        # SQLite is named even when everything else is right...
        run = _check_deploy(tmp_path, env)
        assert _ids(run.stdout + run.stderr) == {"torget.W009"}, run.stdout + run.stderr
        # ... and a small installation that chose it accepts that one warning by name.
        env["TORGET_SILENCED_CHECKS"] = "torget.W009"
    run = _check_deploy(tmp_path, env)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_a_default_server_is_told_each_problem(tmp_path):
    run = _check_deploy(tmp_path, {})
    output = run.stdout + run.stderr
    assert _ids(output) == {
        "torget.W002",  # allowed hosts: only this machine
        "torget.W003",  # cookies over plain HTTP
        "torget.W004",  # no HSTS
        "torget.W005",  # no redirect to HTTPS
        "torget.W009",  # SQLite
        "torget.W010",  # e-mail printed to the console
        "torget.W011",  # e-mail from @localhost
        "torget.W015",  # no database yet: said, not made
    }, output
    for setting in (
        "TORGET_ALLOWED_HOSTS",
        "TORGET_SECURE_COOKIES",
        "TORGET_HSTS_SECONDS",
        "TORGET_SSL_REDIRECT",
        "TORGET_EMAIL_BACKEND",
        "TORGET_EMAIL_FROM",
    ):
        assert setting in output
    assert not (tmp_path / "data" / "torget.sqlite3").exists()


def test_a_test_key_debug_pages_and_any_host_are_named(tmp_path):
    env = {
        **PRODUCTION,
        "TORGET_DATABASE_URL": _database_url(),
        "TORGET_SECRET_KEY": "test-only-secret-key",
        "TORGET_DEBUG": "true",
        "TORGET_ALLOWED_HOSTS": "*",
        "TORGET_SILENCED_CHECKS": "torget.W009",
    }
    run = _check_deploy(tmp_path, env)
    output = run.stdout + run.stderr
    assert _ids(output) == {"torget.E001", "torget.W001", "torget.W002"}, output
    assert run.returncode == 1  # an error fails the check


def test_demo_logins_are_an_error_and_the_demo_organisation_a_warning(world):
    # The test world borrows the demo's short name; here it must not.
    Organisation.objects.filter(pk=world.organisation.pk).update(slug="exempla-test")
    assert checks.check_demo_logins() == []
    person_create(
        organisation=world.organisation,
        username="kommunikator",
        password="demo",
        name="Sara Berg",
        title="kommunikatör",
        roles=[Role.COMMUNICATOR],
        unit=world.unit,
    )
    problems = checks.check_demo_logins()
    assert [p.id for p in problems] == ["torget.E002"]
    assert "kommunikator" in problems[0].msg
    Organisation.objects.create(slug="exempla", name="Exempla kommun")
    assert {p.id for p in checks.check_demo_logins()} == {"torget.E002", "torget.W006"}


def test_a_demo_login_with_a_real_password_is_not_an_error(world):
    Organisation.objects.filter(pk=world.organisation.pk).update(slug="exempla-test")
    person_create(
        organisation=world.organisation,
        username="admin",
        password="a-long-real-password-1",
        name="Elin Ek",
        title="systemförvaltare",
        roles=[Role.ORG_ADMIN],
        unit=world.unit,
    )
    assert [p.id for p in checks.check_demo_logins()] == []


def test_files_open_to_other_users_are_named(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    key = tmp_path / "secret_key"
    key.write_text("k" * 60)
    key.chmod(0o600)
    tmp_path.chmod(0o700)
    assert checks.check_files() == []
    key.chmod(0o644)
    tmp_path.chmod(0o755)
    assert [p.id for p in checks.check_files()] == ["torget.W007", "torget.W008"]
