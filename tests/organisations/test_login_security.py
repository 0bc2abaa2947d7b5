"""Logging in is throttled, sessions last a working day, and HTTPS settings come from the
environment, with forwarded headers believed only from a trusted proxy."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD
from torget.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_sixty_wrong_passwords_lock_the_user_name_out_even_for_the_right_one(client, world):
    username = world.admin.user.username
    for _ in range(60):
        _login(client, username, "wrong")
    response = _login(client, username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "För många felaktiga lösenord" in page and "15 minuter" in page
    # Torget's own audit log says who was locked out, from where.
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.organisation == world.organisation
    assert f"username={username}" in event.note and "127.0.0.1" in event.note


def test_a_few_wrong_passwords_do_not_lock_out_and_a_good_login_forgives_them(client, world):
    username = world.admin.user.username
    for _ in range(4):
        _login(client, username, "wrong")
    response = _login(client, username, PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    for _ in range(4):  # counted afresh after the good login
        assert _login(client, username, "wrong").status_code == 200
    assert _login(client, username, PASSWORD).status_code == 302


def test_the_lockout_is_per_user_name_and_address(client, world):
    username = world.admin.user.username
    for _ in range(5):
        _login(client, username, "wrong")
    assert _login(client, username, PASSWORD).status_code == 429
    # Another person logs in from the same address; the same person from another address.
    assert _login(client, world.manager.user.username, PASSWORD).status_code == 302
    client.logout()
    assert _login(client, username, PASSWORD, REMOTE_ADDR="192.0.2.7").status_code == 302


@override_settings(TORGET_TRUSTED_PROXY_NETWORKS=[])
def test_a_client_cannot_dodge_the_lockout_with_a_forwarded_header(client, world):
    username = world.admin.user.username
    for n in range(6):
        _login(client, username, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = _login(client, username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_a_login_lasts_a_working_day_not_two_weeks(client, world):
    response = _login(client, world.admin.user.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert int(cookie["max-age"]) == 10 * 3600


def _settings_in_subprocess(tmp_path, env: dict[str, str], names: list[str]) -> list[str]:
    """Import torget.settings in a fresh interpreter with `env`, print the named settings."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TORGET_") or key in {"TORGET_DATABASE_URL"}
    }
    environ.update({"TORGET_DATA_DIR": str(tmp_path), "TORGET_SECRET_KEY": "k" * 60, **env})
    code = "import torget.settings as s\n" + "".join(
        f"print(repr(getattr(s, {name!r}, None)))\n" for name in names
    )
    run = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return run.stdout.splitlines()


def test_https_and_session_settings_come_from_the_environment(tmp_path):
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "AXES_FAILURE_LIMIT",
    ]
    assert _settings_in_subprocess(tmp_path, {}, names) == [
        "0", "False", "False", "False", "None", "36000", "False", "5",
    ]  # fmt: skip
    configured = {
        "TORGET_HSTS_SECONDS": "31536000",
        "TORGET_SSL_REDIRECT": "true",
        "TORGET_SECURE_COOKIES": "true",
        "TORGET_TRUSTED_PROXIES": "127.0.0.1",
        "TORGET_SESSION_HOURS": "8",
        "TORGET_SESSION_EXPIRE_AT_BROWSER_CLOSE": "true",
        "TORGET_LOGIN_FAILURE_LIMIT": "10",
    }
    assert _settings_in_subprocess(tmp_path, configured, names) == [
        "31536000", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO', 'https')", "28800",
        "True", "10",
    ]  # fmt: skip


def test_a_setting_that_is_not_a_number_is_named(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings_in_subprocess(tmp_path, {"TORGET_HSTS_SECONDS": "a year"}, [])
    assert "TORGET_HSTS_SECONDS must be a whole number" in failure.value.stderr


@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_https_is_believed_only_from_the_trusted_proxy(client, settings):
    import ipaddress

    settings.TORGET_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.5")]
    url = reverse("public_channels")
    # Plain HTTP is redirected to HTTPS.
    response = client.get(url, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    # The trusted proxy says the client used HTTPS: served.
    response = client.get(url, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    # Anyone else saying so is not believed.
    response = client.get(url, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_hsts_is_sent_over_https(client, settings):
    import ipaddress

    settings.TORGET_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    response = client.get(reverse("public_channels"), HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_trusted_proxy_names_the_client_for_the_lockout(client, world, settings):
    import ipaddress

    settings.TORGET_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("127.0.0.1")]
    username = world.admin.user.username
    for _ in range(5):
        _login(client, username, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1, 127.0.0.1")
    blocked = _login(client, username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert blocked.status_code == 429
    # Another client behind the same proxy is not locked out with them.
    assert (
        _login(client, username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    )
    event = AuditEvent.objects.get(action="auth.locked_out")
    assert "198.51.100.1" in event.note
