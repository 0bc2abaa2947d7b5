"""Django settings for Torget, driven by environment variables.

Every variable is documented here and in README.md ("Configuration"). Defaults give the
embedded setup: SQLite and files under the project's var folder, for one organisation on one
machine, served on this machine only. README.md ("Running in production") names what a real
installation must set; `torget check --deploy` says what is missing.
"""

import datetime
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from torget.datadir import DataDirNotFound, find_data_dir

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# TORGET_DATA_DIR: where the SQLite database, the secret key file and stored files live.
# Default: the project's own var folder (never one under the current directory).
try:
    _DATA_DIR = find_data_dir()
except DataDirNotFound as error:
    raise ImproperlyConfigured(error.message) from None
DATA_DIR = _DATA_DIR.path
# The embedded default (the project's var): `torget run` may load the demo only there.
TORGET_DATA_DIR_IS_DEFAULT = _DATA_DIR.is_project_default
# It holds the database and the secret key: no one else on the machine may look in.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    # TORGET_SECRET_KEY: signs sessions and CSRF tokens. When unset, a random key is made once
    # and kept in DATA_DIR/secret_key (mode 0600), so no key is ever hard-coded.
    if key := os.environ.get("TORGET_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or just now by a process starting beside this one
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# TORGET_DEBUG: Django's debug pages. Never on in production.
DEBUG = _env_bool("TORGET_DEBUG", False)

# TORGET_DEMO: set by `torget run` when it serves the demo organisation; every page says so.
TORGET_DEMO = _env_bool("TORGET_DEMO", False)

# TORGET_ALLOWED_HOSTS: comma-separated host names this server answers to.
ALLOWED_HOSTS = _env_list("TORGET_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# TORGET_CSRF_TRUSTED_ORIGINS: comma-separated origins (https://torget.example.se) behind a proxy.
CSRF_TRUSTED_ORIGINS = _env_list("TORGET_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "torget.organisations",
    "torget.channels",
    "torget.archive",
    "torget.ingest",
    "torget.dialogue",
    "torget.supervision",
    "torget.preservation",
    "torget.disposal",
    # Login throttling: a user name is locked out from an address after repeated failures.
    "axes",
]

MIDDLEWARE = [
    "torget.organisations.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "torget.params.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "torget.organisations.locale.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "torget.organisations.middleware.PersonMiddleware",
    # Turns a domain refusal (torget.refusals.Refusal) into a page with its sentence and status.
    "torget.organisations.middleware.RefusalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "torget.organisations.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "torget.urls"
WSGI_APPLICATION = "torget.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "torget.organisations.context_processors.person",
                "torget.organisations.context_processors.demo",
            ],
        },
    },
]

# TORGET_DATABASE_URL: the database. Default: SQLite in DATA_DIR/torget.sqlite3.
# PostgreSQL: postgres://user:password@host:5432/name
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TORGET_DATABASE_URL", f"sqlite:///{DATA_DIR / 'torget.sqlite3'}"),
        conn_max_age=_env_int("TORGET_DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front, so two writers queue instead of failing on a lock upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not memory, so that a second process (an import killed mid-way,
    # `torget run`) can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-torget.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# TORGET_LOGIN_FAILURE_LIMIT, TORGET_LOGIN_LOCKOUT_MINUTES: after this many wrong passwords for
# one user name from one address, logging in as that user from there is refused for this long
# (every further try starts the wait again). `torget axes_reset_username NAME` lifts a lockout.
AXES_FAILURE_LIMIT = _env_int("TORGET_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env_int("TORGET_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "torget.organisations.lockout.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# The client's address is REMOTE_ADDR, which TrustedProxyMiddleware takes from
# X-Forwarded-For only when the request came through a trusted proxy.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Swedish first, English always available.
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# TORGET_REGISTRATION_DIR: where packages for the registrar are delivered (a folder the
# records management system reads). Default: DATA_DIR/registration.
TORGET_REGISTRATION_DIR = Path(
    os.environ.get("TORGET_REGISTRATION_DIR", DATA_DIR / "registration")
).resolve()
# TORGET_SNAPSHOT_DIR: where the semi-annual snapshots (e-archive transfer packages) are
# written. Default: DATA_DIR/snapshots.
TORGET_SNAPSHOT_DIR = Path(os.environ.get("TORGET_SNAPSHOT_DIR", DATA_DIR / "snapshots")).resolve()
# TORGET_DISPOSAL_UNDO_DAYS: how long a disposal run can be undone before the disposed
# records are purged for good.
TORGET_DISPOSAL_UNDO_DAYS = int(os.environ.get("TORGET_DISPOSAL_UNDO_DAYS", "30"))
# TORGET_EARK_PYTHON: the Python of the virtual environment that holds eark-validator
# (it pins an older lxml, so it lives apart; `make install` and `make run` install it).
TORGET_EARK_PYTHON = os.environ.get(
    "TORGET_EARK_PYTHON", str(BASE_DIR.parent.parent / ".venv-eark" / "bin" / "python")
)
# TORGET_QUESTION_LOOKBACK_DAYS: only comments newer than this become questions in the inbox,
# so that importing years of history does not fill it with questions no one can answer now.
TORGET_QUESTION_LOOKBACK_DAYS = int(os.environ.get("TORGET_QUESTION_LOOKBACK_DAYS", "14"))
# TORGET_IMPORT_MAX_UNPACKED_GB, TORGET_IMPORT_MAX_FILES, TORGET_IMPORT_MAX_RATIO: an export
# (a zip) is refused when it would unpack to more than this many GiB in all, holds more files,
# or has a file that expands more than this many times (ordinary text compresses 5-20 times,
# a zip bomb thousands). The bytes are also counted as they are unpacked: a zip that lies
# about its sizes is stopped when its real bytes pass them.
TORGET_IMPORT_MAX_UNPACKED_BYTES = int(
    float(os.environ.get("TORGET_IMPORT_MAX_UNPACKED_GB", "64")) * 1024**3
)
TORGET_IMPORT_MAX_FILES = int(os.environ.get("TORGET_IMPORT_MAX_FILES", "1000000"))
TORGET_IMPORT_MAX_RATIO = int(os.environ.get("TORGET_IMPORT_MAX_RATIO", "200"))

# TORGET_TIME_ZONE: the zone dates are shown in. Everything is stored in UTC.
TIME_ZONE = os.environ.get("TORGET_TIME_ZONE", "Europe/Stockholm")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# TORGET_SESSION_HOURS: a login lasts a working day, then the person logs in again.
SESSION_COOKIE_AGE = _env_int("TORGET_SESSION_HOURS", 10) * 3600
# TORGET_SESSION_EXPIRE_AT_BROWSER_CLOSE: also end the login when the browser is closed.
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_bool("TORGET_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# TORGET_SEAL_DIR: where the seal keys and the log of sealed chain heads live (docs/integrity.md);
# better on another volume than the database. Default: DATA_DIR/seals.
SEAL_DIR = Path(os.environ.get("TORGET_SEAL_DIR", DATA_DIR / "seals"))
# TORGET_TSA_URL: an RFC 3161 time-stamping authority that stamps the sealed chain heads
# (docs/integrity.md); empty: seals are signed but not time-stamped.
TSA_URL = os.environ.get("TORGET_TSA_URL", "")
# TORGET_SECURE_COOKIES: send cookies over HTTPS only. Set it to true in production.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("TORGET_SECURE_COOKIES", False)
# TORGET_SSL_REDIRECT: redirect every plain HTTP request to HTTPS.
SECURE_SSL_REDIRECT = _env_bool("TORGET_SSL_REDIRECT", False)
# TORGET_HSTS_SECONDS: tell browsers to use only HTTPS for this long (31536000 = a year).
# Start small (3600) and raise it once HTTPS works; 0 sends no HSTS header.
SECURE_HSTS_SECONDS = _env_int("TORGET_HSTS_SECONDS", 0)
# TORGET_HSTS_INCLUDE_SUBDOMAINS, TORGET_HSTS_PRELOAD: the header's two options.
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("TORGET_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("TORGET_HSTS_PRELOAD", False)
# TORGET_TRUSTED_PROXIES: comma-separated addresses or networks of the reverse proxies that
# terminate TLS in front of Torget (127.0.0.1, 10.0.0.0/24). Only a request that comes from
# one of them is believed about its scheme (X-Forwarded-Proto) and client (X-Forwarded-For);
# from anyone else those headers are dropped.
TORGET_TRUSTED_PROXIES = _env_list("TORGET_TRUSTED_PROXIES", "")
try:
    TORGET_TRUSTED_PROXY_NETWORKS = [
        ipaddress.ip_network(item, strict=False) for item in TORGET_TRUSTED_PROXIES
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"TORGET_TRUSTED_PROXIES: {error}") from None
if TORGET_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# TORGET_EMAIL_HOST and friends: where alarms are mailed. Default: printed to the console.
EMAIL_BACKEND = os.environ.get(
    "TORGET_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("TORGET_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TORGET_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("TORGET_EMAIL_FROM", "torget@localhost")
# TORGET_BASE_URL: the address people open Torget at, used for the links in e-mails
# (https://torget.example.se). Default: where `torget run` listens.
TORGET_BASE_URL = os.environ.get("TORGET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# `torget check --deploy`: Torget's own checks (torget/checks.py) say the same as these of
# Django's, but name the TORGET_* variable to set, so Django's are not repeated beside them:
# W004 HSTS (torget.W004), W008 SSL redirect (W005), W009 secret key (E001), W012 and W016
# secure cookies (W003), W018 debug (W001), W020 allowed hosts (W002). Preloading HSTS
# (W021) is a decision for the owner of the whole domain, not something Torget can require.
# TORGET_SILENCED_CHECKS names further checks a deliberate installation has accepted (for
# example torget.W009: SQLite on a small single-machine installation).
SILENCED_SYSTEM_CHECKS = [
    *(f"security.W{n:03d}" for n in (4, 8, 9, 12, 16, 18, 20, 21)),
    *_env_list("TORGET_SILENCED_CHECKS", ""),
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TORGET_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pikepdf and WeasyPrint announce themselves at INFO on every import and render.
        "pikepdf": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "bagit": {"level": "WARNING"},
        # django-axes says every failed login at INFO; lockouts stay (WARNING).
        "axes": {"level": "WARNING"},
    },
}
