"""Django settings, built from config.py; no other module reads the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from civic311 import config as _config
from civic311.core.csp import content_security_policy

CIVIC311 = _config.load()
# The SQLite file, photos and local mail live here; create it so a fresh checkout just works.
CIVIC311.data_path.mkdir(parents=True, exist_ok=True)

BASE_URL = CIVIC311.effective_base_url
SECRET_KEY = CIVIC311.secret_key
DEBUG = CIVIC311.debug


def _allowed_hosts() -> list[str]:
    if CIVIC311.allowed_hosts:
        return list(CIVIC311.allowed_hosts)
    hosts = [urlsplit(BASE_URL).hostname or "localhost"]
    if not CIVIC311.is_production:
        hosts += ["localhost", "127.0.0.1", "[::1]", "testserver"]
    return hosts


ALLOWED_HOSTS = _allowed_hosts()
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "civic311.core",
    "civic311.accounts",
    "civic311.geo",
    "civic311.catalog",
    "civic311.service_requests",
    "civic311.media",
    "civic311.notifications",
    "civic311.open311",
    "civic311.public",
    "civic311.staff",
    "civic311.status_checks",
    "civic311.exports",
    "civic311.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the API's fast path, so every page and answer carries the policy.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # /open311/ needs none of what follows (sessions, CSRF, auth, messages, locale).
    "civic311.open311.middleware.GeoReportFastPath",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civic311.urls"
WSGI_APPLICATION = "civic311.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict:
    url = CIVIC311.effective_database_url
    database = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN so concurrent writers queue instead of failing mid-way.
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        # Django closes in-memory test databases between threads otherwise.
        database["TEST"] = {"NAME": str(CIVIC311.data_path / "test-civic311.sqlite3")}
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses any login, right password or not, while its user or address is locked out.
    "civic311.staff.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/staff/login/"

# Brute-force protection for /staff/login/ and /admin/ (docs/adr/0016, docs/deploy-security.md):
# a user name, and separately an address, is locked out after N failures for the cool-off,
# counted in the database so every server process sees the same counts.
AXES_FAILURE_LIMIT = CIVIC311.login_failure_limit
AXES_COOLOFF_TIME = timedelta(minutes=CIVIC311.login_cooloff_minutes)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Trying again while locked out neither counts nor moves the time the page promised.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "civic311.staff.lockout.login_address"
AXES_LOCKOUT_CALLABLE = "civic311.staff.views.locked_out"
# Our own log lines name the user and address (civic311.staff.lockout); never the password.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "/staff/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# Resident-facing translations (public pages, timeline wording, statuses, emails) live here.
LOCALE_PATHS = [str(Path(__file__).resolve().parent / "locale")]
TIME_ZONE = CIVIC311.time_zone
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(CIVIC311.data_path / "static")
# WhiteNoise serves from the app directories (finders); an empty root keeps it quiet.
(CIVIC311.data_path / "static").mkdir(exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(CIVIC311.effective_media_path), "base_url": "/media/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = str(CIVIC311.effective_media_path)
MEDIA_URL = "/media/"
# Static files are served by WhiteNoise from the app directories; no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_SECURE = CIVIC311.is_production
CSRF_COOKIE_SECURE = CIVIC311.is_production
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Strict headers (docs/deploy-security.md): a CSP allowing nothing inline on every page,
# HSTS and the HTTPS redirect on by default in production.
SECURE_CSP = content_security_policy(CIVIC311)
SECURE_HSTS_SECONDS = CIVIC311.effective_hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = CIVIC311.hsts_preload
SECURE_SSL_REDIRECT = CIVIC311.effective_ssl_redirect
# Load balancers check health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if CIVIC311.trusted_proxies:
    # The proxy that ends TLS says so; believed only when proxies are declared trusted.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Alerts go through civic311's own outbox worker; these settings make Django's own emails
# (e.g. password resets) use the same server, or the same .eml folder when none is set.
DEFAULT_FROM_EMAIL = CIVIC311.from_email
SERVER_EMAIL = CIVIC311.from_email


def _mailer() -> dict:
    server = CIVIC311.smtp_server
    if server is None:
        return {
            "BACKEND": "civic311.notifications.mailer.EmlFileBackend",
            "OPTIONS": {"directory": str(CIVIC311.mail_path)},
        }
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": server.host,
            "port": server.port,
            "username": server.username,
            "password": server.password,
            "use_tls": server.starttls,
            "use_ssl": server.ssl,
            "timeout": CIVIC311.smtp_timeout_seconds,
        },
    }


MAILERS = {"default": _mailer()}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # civic311.logins says who logged in or failed; axes' own chatter is left to errors.
        "axes": {"level": "WARNING"},
    },
}
