"""Torget's own deployment checks: `torget check --deploy` names, in terms of the TORGET_*
settings, what a real installation still has to set (README.md, "Running in production").

They run only with --deploy, beside Django's own. Each message says what to set; a deliberate
installation can accept one with TORGET_SILENCED_CHECKS (for example torget.W009 for SQLite).
"""

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
# Keys that are clearly not secret: placeholders from examples and test set-ups.
PLACEHOLDER_KEYS = {"x", "test", "secret", "changeme", "change-me", "...", "test-only-secret-key"}


def _key_is_weak(key: str) -> bool:
    lowered = key.strip().lower()
    return (
        len(key) < 50
        or len(set(key)) < 5
        or lowered in PLACEHOLDER_KEYS
        or lowered.startswith(("django-insecure", "test", "insecure"))
    )


@register(Tags.security, deploy=True)
def check_secrets_and_tls(app_configs=None, **kwargs) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if _key_is_weak(str(settings.SECRET_KEY)):
        problems.append(
            Error(
                "The secret key is a short, test or example value.",
                hint="Unset TORGET_SECRET_KEY to have Torget make one in the data folder, or "
                "set it to a long random value (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(50))').",
                id="torget.E001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Warning(
                "Debug pages are on: an error shows settings and data to anyone.",
                hint="Unset TORGET_DEBUG (or set it to false).",
                id="torget.W001",
            )
        )
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts or not hosts - LOOPBACK_HOSTS:
        problems.append(
            Warning(
                "TORGET_ALLOWED_HOSTS names no real host name"
                + (" (it allows any)." if "*" in hosts else " (only this machine)."),
                hint="Set TORGET_ALLOWED_HOSTS to the server's name, e.g. torget.example.se.",
                id="torget.W002",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(
            Warning(
                "Login cookies are also sent over plain HTTP.",
                hint="Set TORGET_SECURE_COOKIES=true.",
                id="torget.W003",
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(
            Warning(
                "No HSTS header: browsers may be talked into plain HTTP.",
                hint="Set TORGET_HSTS_SECONDS (3600 while trying it out, 31536000 once HTTPS "
                "works).",
                id="torget.W004",
            )
        )
    if not settings.SECURE_SSL_REDIRECT:
        problems.append(
            Warning(
                "Plain HTTP requests are not redirected to HTTPS.",
                hint="Set TORGET_SSL_REDIRECT=true (behind a TLS proxy, also "
                "TORGET_TRUSTED_PROXIES), or accept torget.W005 with TORGET_SILENCED_CHECKS "
                "when the proxy redirects itself.",
                id="torget.W005",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_demo_logins(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The demo's people, with the password everyone knows, must not be on a real server."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.db import DatabaseError, connections

    from torget.demo import DEMO_PASSWORD, DEMO_SLUG, LOGINS
    from torget.organisations.models import Organisation

    problems: list[CheckMessage] = []
    names = [login.username for login in LOGINS]
    database = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3" and not Path(database["NAME"]).exists():
        # Connecting would make an empty database file: say so instead.
        return [
            Warning(
                f"There is no database at {database['NAME']}.",
                hint="Run `torget migrate`, and check TORGET_DATA_DIR and TORGET_DATABASE_URL.",
                id="torget.W015",
            )
        ]
    try:
        users = list(
            get_user_model()
            .objects.filter(username__in=names, is_active=True)
            .values_list("username", "password")
        )
        demo_org = Organisation.objects.filter(slug=DEMO_SLUG).exists()
    except DatabaseError as error:
        return [
            Warning(
                f"The database cannot be read ({str(error).strip().splitlines()[0]}).",
                hint="Run `torget migrate`, and check TORGET_DATABASE_URL.",
                id="torget.W015",
            )
        ]
    # The password check only, never the user's setter: a check must not write.
    open_logins = sorted(name for name, encoded in users if check_password(DEMO_PASSWORD, encoded))
    if open_logins:
        problems.append(
            Error(
                f"{len(open_logins)} login(s) have the demo password "
                f"{DEMO_PASSWORD!r}: {', '.join(open_logins)}.",
                hint="This database holds the demo. Use a database of its own for the real "
                "installation (TORGET_DATABASE_URL), or give these people real passwords.",
                id="torget.E002",
            )
        )
    if demo_org:
        problems.append(
            Warning(
                "The demo organisation Exempla kommun is in this database.",
                hint="Serve a database without the demo; its channels and records are made up.",
                id="torget.W006",
            )
        )
    return problems


def _others_may_access(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


@register(Tags.security, deploy=True)
def check_files(app_configs=None, **kwargs) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    data_dir = Path(settings.DATA_DIR)
    key_file = data_dir / "secret_key"
    if key_file.exists() and _others_may_access(key_file):
        problems.append(
            Warning(
                f"The secret key file {key_file} can be read by other users on this machine.",
                hint=f"chmod 600 {key_file}",
                id="torget.W007",
            )
        )
    if data_dir.exists() and data_dir.stat().st_mode & stat.S_IRWXO:
        problems.append(
            Warning(
                f"The data folder {data_dir} (database, records, evidence) is open to every "
                "user on this machine.",
                hint=f"chmod 700 {data_dir} (or 750 for a group that runs Torget).",
                id="torget.W008",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_services(app_configs=None, **kwargs) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append(
            Warning(
                "The database is SQLite: made for one machine and a few people.",
                hint="Use PostgreSQL (TORGET_DATABASE_URL=postgres://...). A small installation "
                "that chose SQLite deliberately accepts this with "
                "TORGET_SILENCED_CHECKS=torget.W009.",
                id="torget.W009",
            )
        )
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        problems.append(
            Warning(
                "E-mail is printed to the console: no one receives the alarms.",
                hint="Set TORGET_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "TORGET_EMAIL_HOST (and TORGET_EMAIL_PORT).",
                id="torget.W010",
            )
        )
    if str(settings.DEFAULT_FROM_EMAIL).endswith("@localhost"):
        problems.append(
            Warning(
                f"E-mail is sent from {settings.DEFAULT_FROM_EMAIL}, which no one can answer.",
                hint="Set TORGET_EMAIL_FROM to an address of the organisation.",
                id="torget.W011",
            )
        )
    eark = Path(settings.TORGET_EARK_PYTHON)
    if not eark.is_file():
        problems.append(
            Warning(
                f"The e-archive validator is not installed ({eark} is missing): snapshots "
                "cannot be shown to be valid.",
                hint="Run `make install` in Torget's folder, or set TORGET_EARK_PYTHON.",
                id="torget.W012",
            )
        )
    return problems
