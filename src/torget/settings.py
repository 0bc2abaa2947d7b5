"""Django settings for Torget, driven by environment variables.

Every variable is documented here and in README.md ("Configuration"). Defaults give the
embedded setup: SQLite and files under ./var, for one organisation on one machine.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# TORGET_DATA_DIR: where the SQLite database, the secret key file and stored files live.
DATA_DIR = Path(os.environ.get("TORGET_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
            ],
        },
    },
]

# TORGET_DATABASE_URL: the database. Default: SQLite in DATA_DIR/torget.sqlite3.
# PostgreSQL: postgres://user:password@host:5432/name
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("TORGET_DATABASE_URL", f"sqlite:///{DATA_DIR / 'torget.sqlite3'}"),
        conn_max_age=int(os.environ.get("TORGET_DATABASE_CONN_MAX_AGE", "0")),
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
TORGET_SNAPSHOT_DIR = Path(
    os.environ.get("TORGET_SNAPSHOT_DIR", DATA_DIR / "snapshots")
).resolve()
# TORGET_DISPOSAL_UNDO_DAYS: how long a disposal run can be undone before the disposed
# records are purged for good.
TORGET_DISPOSAL_UNDO_DAYS = int(os.environ.get("TORGET_DISPOSAL_UNDO_DAYS", "30"))
# TORGET_EARK_PYTHON: the Python of the virtual environment that holds eark-validator
# (it pins an older lxml, so it lives apart: `make .venv-eark/bin/.installed`).
TORGET_EARK_PYTHON = os.environ.get(
    "TORGET_EARK_PYTHON", str(BASE_DIR.parent.parent / ".venv-eark" / "bin" / "python")
)
# TORGET_QUESTION_LOOKBACK_DAYS: only comments newer than this become questions in the inbox,
# so that importing years of history does not fill it with questions no one can answer now.
TORGET_QUESTION_LOOKBACK_DAYS = int(os.environ.get("TORGET_QUESTION_LOOKBACK_DAYS", "14"))

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
# TORGET_SECURE_COOKIES: send cookies over HTTPS only (set it behind TLS).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("TORGET_SECURE_COOKIES", False)
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
    },
}
