"""Every CIVIC311_* setting, typed and validated in one place.

Nothing else in civic311 reads the environment: settings.py builds Django's
settings from `load()`, so a bad value fails once, at start-up, with one
sentence a person can act on (see `ConfigError`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_SECRET_KEY = "civic311-local-development-key-not-for-production"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one sentence for the operator."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("expected zero or a positive whole number")
    return value


def _optional_count(raw: str) -> str:
    """Empty (the mode's default) or zero or a positive whole number, kept as text."""
    return "" if not raw.strip() else str(_count(raw))


def _optional_bool(raw: str) -> str:
    """Empty (the mode's default) or true/false, kept as text."""
    return "" if not raw.strip() else str(_bool(raw)).lower()


def _positive_seconds(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError("expected a positive number of seconds, e.g. 2 or 0.5")
    return value


def _optional_seconds(raw: str) -> str:
    """Empty (the mode's default) or zero or a positive number of seconds, kept as text."""
    if not raw.strip():
        return ""
    value = float(raw)
    if not value >= 0 or value == float("inf"):
        raise ValueError("expected zero or a positive number of seconds, e.g. 5")
    return str(value)


def _http_url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if value:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("expected an absolute http(s) address such as http://geocoder:8080")
    return value


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _env_name(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"development", "production", "test"}:
        raise ValueError("expected development, production or test")
    return value


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand over outgoing mail, parsed from CIVIC311_SMTP_URL."""

    host: str
    port: int
    username: str = ""
    password: str = ""
    starttls: bool = False
    ssl: bool = False

    def describe(self) -> str:
        """The server in words for logs and check-email, without the password."""
        security = "SSL" if self.ssl else "STARTTLS" if self.starttls else "no encryption"
        who = f", as {self.username}" if self.username else ""
        return f"{self.host}:{self.port} ({security}{who})"


def parse_smtp_url(raw: str) -> SmtpServer:
    """`smtp://user:pass@host:587?starttls=1` or `smtps://…` as an SmtpServer."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"smtp", "smtps"}:
        raise ValueError("use smtp://host:port (add ?starttls=1 for STARTTLS) or smtps://host:465")
    if not parts.hostname:
        raise ValueError("it names no mail server host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("its port is not a number") from None
    options = parse_qs(parts.query)
    unknown = set(options) - {"starttls", "tls"}
    if unknown:
        raise ValueError(f"unknown option {sorted(unknown)[0]!r}; the only option is starttls=1")
    starttls = any(_bool(v) for key in ("starttls", "tls") for v in options.get(key, []))
    ssl = parts.scheme == "smtps"
    if ssl and starttls:
        raise ValueError("smtps:// is already encrypted; drop starttls=1 or use smtp://")
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if ssl else 587 if starttls else 25),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
        ssl=ssl,
    )


def _smtp_url(raw: str) -> str:
    if raw.strip():
        parse_smtp_url(raw)
    return raw.strip()


def _tiles_url(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    if not value.startswith(("https://", "http://", "/")):
        raise ValueError("expected an http(s) address or a path on this site")
    missing = [part for part in ("{z}", "{x}", "{y}") if part not in value]
    if missing:
        raise ValueError(
            f"it has no {missing[0]}; a tile address names the tile by {{z}}, {{x}} and {{y}}, "
            "e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )
    return value


def _hour(raw: str) -> int:
    try:
        hour = int(raw.strip())
    except ValueError:
        raise ValueError("expected an hour of the day, 0 to 23") from None
    if not 0 <= hour <= 23:
        raise ValueError("expected an hour of the day, 0 to 23")
    return hour


def _setting(default: str, parse: Callable[[str], object], doc: str) -> Any:
    """A dataclass field whose default is written as the environment would spell it."""
    return field(default=parse(default), metadata={"default": default, "parse": parse, "doc": doc})


@dataclass(frozen=True)
class Config:
    """The validated settings; field names are the env names without CIVIC311_."""

    env: str = _setting(
        "development",
        _env_name,
        "`development`, `production` or `test`; production enforces the secret key and base URL",
    )
    secret_key: str = _setting(
        DEFAULT_SECRET_KEY, str, "Django's signing key; required in production"
    )
    base_url: str = _setting(
        "",
        str,
        "public address used in emails, feeds and discovery, e.g. `https://311.example.org`; "
        "required in production; in development, unset means the address `civic311 serve` "
        "listens on",
    )
    debug: bool = _setting("false", _bool, "show Django's debug pages (never in production)")
    data_dir: str = _setting("var", str, "where the SQLite database, media and local mail live")
    database_url: str = _setting(
        "",
        str,
        "database URL; default `sqlite:///<data_dir>/civic311.sqlite3`; "
        "PostgreSQL as `postgres://user@host:5432/name`",
    )
    media_dir: str = _setting(
        "", str, "where uploaded photos are stored; default `<data_dir>/media`"
    )
    open_data_dir: str = _setting(
        "",
        str,
        "where `civic311 export` writes the open-data files the `/open-data/` page serves; "
        "default `<data_dir>/open-data`",
    )
    allowed_hosts: tuple[str, ...] = _setting(
        "",
        _csv,
        "comma-separated host names to serve; "
        "default: the base URL's host (and localhost in development)",
    )
    jurisdiction_id: str = _setting(
        "cityofchicago.org", str, "the GeoReport `jurisdiction_id` this server answers for"
    )
    time_zone: str = _setting(
        "America/Chicago", str, "the jurisdiction's time zone; API dates carry its offset"
    )
    smtp_url: str = _setting(
        "",
        _smtp_url,
        "outgoing mail, `smtp://user:pass@host:587?starttls=1` or `smtps://user:pass@host:465`; "
        "empty writes each email as an `.eml` file in `<data_dir>/mail/`",
    )
    from_email: str = _setting("civic311 <no-reply@localhost>", str, "the From address of alerts")
    contact: str = _setting(
        "civic311 team, 311@example.org", str, "the API contact shown in discovery"
    )
    key_service: str = _setting(
        "",
        str,
        "where app developers get an API key (discovery `key_service`); "
        "default `<base_url>/developers/`",
    )
    map_tiles_url: str = _setting(
        "",
        _tiles_url,
        "map tiles for the resident site and back office, e.g. OpenStreetMap's "
        "`https://tile.openstreetmap.org/{z}/{x}/{y}.png` (mind its usage policy, docs/maps.md); "
        "empty, or tiles that fail to load, draw the city's own base map of wards and streets",
    )
    map_attribution: str = _setting(
        "",
        str,
        "the credit the tile provider requires, shown on every map, e.g. "
        "`© OpenStreetMap contributors`",
    )
    geocoder_url: str = _setting(
        "",
        _http_url,
        "a Nominatim-compatible geocoder (`/search` and `/reverse`, jsonv2) asked first, e.g. "
        "`https://nominatim.example.org`; empty uses only the built-in offline Chicago geocoder, "
        "which is also the fallback when the server is slow or fails",
    )
    geocoder_timeout_seconds: float = _setting(
        "2",
        _positive_seconds,
        "how long to wait for `CIVIC311_GEOCODER_URL` before falling back to the built-in geocoder",
    )
    overdue_reminder_hour: int = _setting(
        "7",
        _hour,
        "the hour (0-23, city time) from which the worker sends each department's supervisors "
        "their daily email of overdue requests",
    )
    alert_window_minutes: int = _setting(
        "10", _positive_int, "changes to one request within this window are folded into one email"
    )
    outbox_max_attempts: int = _setting(
        "8", _positive_int, "delivery attempts before an email is marked dead"
    )
    outbox_retry_seconds: int = _setting(
        "60",
        _positive_int,
        "wait before the first retry of a failed email; doubles each attempt, at most an hour",
    )
    outbox_lease_seconds: int = _setting(
        "120",
        _positive_int,
        "how long a worker holds the emails it claimed; a crashed worker's emails are "
        "taken over after this",
    )
    smtp_timeout_seconds: int = _setting(
        "30", _positive_int, "how long to wait for the SMTP server before giving up on an attempt"
    )
    api_rate_limit_per_minute: int = _setting(
        "120", _positive_int, "POSTs per minute allowed per API key and per IP address"
    )
    filings_per_ip_per_hour: int = _setting(
        "20", _positive_int, "reports the resident site files per hour from one IP address"
    )
    subscriptions_per_ip_per_hour: int = _setting(
        "20",
        _positive_int,
        "requests for email alerts the resident site takes per hour from one IP address",
    )
    receipts_per_email_per_day: int = _setting(
        "10",
        _positive_int,
        "reports with email updates the resident site files per UTC day for one email address "
        "(each sends that address a receipt)",
    )
    confirmations_per_email_per_day: int = _setting(
        "5",
        _positive_int,
        "confirmation emails the tracker pages send per UTC day to one email address",
    )
    trusted_proxies: int = _setting(
        "0",
        _count,
        "how many reverse proxies in front of civic311 append to `X-Forwarded-For`; the "
        "client's address is read that many entries from the right (0: the connection's address)",
    )
    hsts_seconds: str = _setting(
        "",
        _optional_count,
        "how long browsers must use HTTPS only (HTTP Strict-Transport-Security max-age, in "
        "seconds); empty: one year (31536000) in production, 0 (off) otherwise",
    )
    hsts_preload: bool = _setting(
        "false",
        _bool,
        "add `preload` to HSTS: say yes to browsers' built-in HTTPS-only lists (set it when "
        "the city submits the host at hstspreload.org; `check --deploy` asks for it)",
    )
    ssl_redirect: str = _setting(
        "",
        _optional_bool,
        "redirect plain-HTTP requests to HTTPS (not /healthz); empty: on in production, off "
        "otherwise. Behind a proxy that ends TLS set CIVIC311_TRUSTED_PROXIES so its "
        "X-Forwarded-Proto is believed",
    )
    login_failure_limit: int = _setting(
        "5",
        _positive_int,
        "failed staff log-ins (back office or admin) after which that user name, and that "
        "address, are locked out for the cool-off",
    )
    login_cooloff_minutes: int = _setting(
        "15",
        _positive_int,
        "how long a locked-out user name or address waits before it may try to log in again",
    )
    max_photo_mb: int = _setting(
        "10", _positive_int, "largest photo upload accepted, in megabytes (MiB)"
    )
    max_photo_megapixels: int = _setting(
        "25",
        _positive_int,
        "largest photo accepted, in megapixels (read from the file's header before decoding, "
        "against image bombs; a 24-megapixel phone photo passes)",
    )
    photos_at_once: int = _setting(
        "1",
        _positive_int,
        "photos one server process decodes at the same time; the others wait their turn, so a "
        "burst of large images cannot take every core and gigabytes of memory",
    )
    status_check_flush_seconds: str = _setting(
        "",
        _optional_seconds,
        "how often each server process writes its counted status checks (tracker pages, "
        "email links, API lookups) to the database, in seconds; empty: 5, or 0 in test mode; "
        "0: no background writer, only at process exit or when `flush()` is called",
    )

    @property
    def is_production(self) -> bool:
        """True when the strict production checks apply."""
        return self.env == "production"

    @property
    def data_path(self) -> Path:
        """The data directory as an absolute path."""
        return Path(self.data_dir).resolve()

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_path / 'civic311.sqlite3'}"

    @property
    def effective_media_path(self) -> Path:
        """Where photos are stored."""
        return Path(self.media_dir).resolve() if self.media_dir else self.data_path / "media"

    @property
    def effective_open_data_path(self) -> Path:
        """Where the published open-data files are."""
        return (
            Path(self.open_data_dir).resolve()
            if self.open_data_dir
            else self.data_path / "open-data"
        )

    @property
    def smtp_server(self) -> SmtpServer | None:
        """The SMTP server to send through, or None to write mail to files."""
        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @property
    def mail_path(self) -> Path:
        """Where emails are written as files when no SMTP server is set."""
        return self.data_path / "mail"

    @property
    def effective_base_url(self) -> str:
        """The public base URL without a trailing slash."""
        return (self.base_url or "http://127.0.0.1:8000").rstrip("/")

    @property
    def effective_status_check_flush_seconds(self) -> float:
        """Seconds between background writes of status checks; 0 means none (test mode)."""
        if self.status_check_flush_seconds:
            return float(self.status_check_flush_seconds)
        return 0.0 if self.env == "test" else 5.0

    @property
    def effective_hsts_seconds(self) -> int:
        """HSTS max-age: the setting, or one year in production and off elsewhere."""
        if self.hsts_seconds:
            return int(self.hsts_seconds)
        return 31_536_000 if self.is_production else 0

    @property
    def effective_ssl_redirect(self) -> bool:
        """Whether plain HTTP is redirected to HTTPS: the setting, or on in production only."""
        if self.ssl_redirect:
            return self.ssl_redirect == "true"
        return self.is_production

    @property
    def effective_map_attribution(self) -> str:
        """The tiles' credit; OpenStreetMap's own tiles get theirs even when it is not set."""
        if self.map_attribution.strip() or not self.map_tiles_url:
            return self.map_attribution.strip()
        host = urlsplit(self.map_tiles_url).hostname or ""
        return OSM_ATTRIBUTION if host.endswith("tile.openstreetmap.org") else ""


def setting_docs() -> list[tuple[str, str, str]]:
    """(environment name, default, description) for every setting, for the README table."""
    return [
        (f"CIVIC311_{f.name.upper()}", f.metadata["default"], f.metadata["doc"])
        for f in fields(Config)
    ]


def load(environ: Mapping[str, str] | None = None) -> Config:
    """Read, type and validate every CIVIC311_* variable; raise ConfigError on the first problem."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Config):
        name = f"CIVIC311_{f.name.upper()}"
        raw = environ.get(name)
        if raw is None:
            continue
        try:
            values[f.name] = f.metadata["parse"](raw)
        except ValueError as exc:
            raise ConfigError(f"{name}={redact_password(raw)!r} is not valid: {exc}.") from None
    config = Config(**values)  # type: ignore[arg-type]
    _validate(config)
    return config


def redact_password(url: str) -> str:
    """`url` with any password replaced by ***, so errors and logs never show it."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    if not password:
        return url
    return url.replace(f":{password}@", ":***@", 1)


def _validate(config: Config) -> None:
    _validate_database_url(config.effective_database_url)
    if config.base_url:
        parts = urlsplit(config.base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(
                f"CIVIC311_BASE_URL={config.base_url!r} must be an absolute http(s) address "
                "such as https://311.example.org."
            )
    if not config.is_production:
        return
    if config.secret_key in {"", DEFAULT_SECRET_KEY} or len(config.secret_key) < 32:
        raise ConfigError(
            "CIVIC311_SECRET_KEY must be set to a private random value of at least 32 characters "
            "in production (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
        )
    if not config.base_url:
        raise ConfigError(
            "CIVIC311_BASE_URL must be set in production to the site's public address, "
            "e.g. https://311.example.org, so links in emails and feeds work."
        )
    if config.debug:
        raise ConfigError("CIVIC311_DEBUG must be off in production.")


def _validate_database_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        return
    if scheme in {"postgres", "postgresql", "pgsql"}:
        if not urlsplit(url).path.strip("/"):
            raise ConfigError(f"CIVIC311_DATABASE_URL={url!r} names no database after the host.")
        return
    raise ConfigError(
        f"CIVIC311_DATABASE_URL={url!r} is not a database civic311 supports; "
        "use sqlite:///path/to/file.sqlite3 or postgres://user@host:5432/name."
    )
