"""Typed settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.package_data import package_dir

# Every text is written in Russian first: the first language, and the one a reader falls back to.
FIRST_LOCALE = "ru"
# The top-level `locales` package, wherever the bot is installed (not a path beside bot/).
LOCALES_DIR = package_dir("locales")


def available_locales(directory: Path) -> tuple[str, ...]:
    """The languages with a catalogue in `directory` (`<lang>/LC_MESSAGES/*.po`): the first
    language, then the others alphabetically. Adding a language is adding its directory."""
    found = {path.parent.parent.name for path in directory.glob("*/LC_MESSAGES/*.po")}
    if FIRST_LOCALE not in found:
        raise RuntimeError(f"{directory}: no catalogue for the first language ({FIRST_LOCALE})")
    return (FIRST_LOCALE, *sorted(found - {FIRST_LOCALE}))


SUPPORTED_LOCALES = available_locales(LOCALES_DIR)
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/mentorbot.db"
# Telegram's alphabet for secret_token (setWebhook): 1-256 of A-Z a-z 0-9 _ -
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# What people type (postgres://… from a hosting panel, sqlite:///…) and the driver the bot uses.
_DATABASE_SCHEMES = {
    "sqlite": "sqlite+aiosqlite", "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
# Environment variables starting like a group of settings are taken as meant for the bot: an
# unknown one is most likely a misspelt setting (DEFAULT_, LOG_ and ADMIN_ are too common).
# EVENT_LOOP (bot/runtime/event_loop.py): uvloop where installed, or asyncio's own loop.
EventLoopChoice = Literal["auto", "uvloop", "asyncio"]
SETTING_PREFIXES = ("BOT_", "DATABASE_", "REDIS_", "TELEGRAM_", "WEBHOOK_", "OUTBOX_", "FSM_",
                    "DASHBOARD_")


class Settings(BaseSettings):
    # An empty value (`WEBHOOK_PATH=` in env.example, left empty as the README says) means
    # "not set": the default applies, not an invalid empty setting.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False,
        env_ignore_empty=True,
    )

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # Connections each bot process keeps open to the database, and how many more it may open
    # for a burst (closed again after it: opening a PostgreSQL connection costs the server a
    # process). An update holds one from its first statement to its commit.
    database_pool_size: int = Field(default=20, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    redis_url: str | None = None
    telegram_api_base: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    default_locale: str = FIRST_LOCALE
    default_timezone: str = "Europe/Moscow"
    log_level: str = "INFO"
    event_loop: EventLoopChoice = "auto"

    # How updates arrive: long polling (one instance) or a webhook (several behind a balancer).
    bot_mode: Literal["polling", "webhook"] = "polling"
    # The public https URL Telegram posts updates to (a reverse proxy forwards it to us).
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram"
    # The curator's dashboard (a Telegram Mini App, handlers/dashboard/): its public https
    # address, which the reverse proxy forwards to /dashboard/ of the bot's server (the webhook
    # server in webhook mode; in polling mode a small server on DASHBOARD_HOST:DASHBOARD_PORT).
    # Unset: no dashboard, no «📊 Панель» buttons.
    dashboard_url: str | None = None
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = Field(default=8090, ge=1, le=65535)
    # In-flight requests get this long to finish after SIGTERM.
    webhook_shutdown_seconds: float = Field(default=30.0, gt=0)
    # Redis per-user lock (one user's updates handled one at a time across instances); a lock
    # left by a killed instance expires after this many seconds.
    fsm_lock_seconds: float = Field(default=60.0, gt=0)
    # Every Redis key of the bot starts with this (then the bot id): bots or test runs that
    # share one Redis database keep apart by giving each its own prefix.
    redis_key_prefix: str = Field(default="fsm", min_length=1, pattern=r"^[A-Za-z0-9_.:-]+$")

    # Every message the bot sends a second, replies and outbox together (one budget, replies
    # first; bot/telegram/budget.py), with headroom under Telegram's ~30.
    send_per_second: float = Field(default=25.0, gt=0)
    # Outbox delivery (bot-initiated messages). Defaults stay under Telegram's limits; the
    # outbox's global rate is a cap on its own share of SEND_PER_SECOND.
    outbox_global_per_second: float = Field(default=25.0, gt=0)
    outbox_private_per_second: float = Field(default=1.0, gt=0)
    outbox_group_per_minute: float = Field(default=20.0, gt=0)
    outbox_max_attempts: int = Field(default=8, ge=1)
    outbox_tick_seconds: float = Field(default=2.0, gt=0)
    # A row left "sending" by a dead process is taken again after this lease.
    outbox_lease_seconds: float = Field(default=60.0, gt=0)
    # Requests in flight at once (to different chats).
    outbox_concurrency: int = Field(default=32, ge=1)
    # The pair's channel (docs/pair-channel.md): what a participant relays to their pair is kept
    # in the bot this many days at most (undelivered by then: dropped), then erased.
    channel_keep_days: int = Field(default=30, ge=1, le=365)

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        bot_id, _, secret = raw.partition(":")
        if not bot_id.isdigit() or not secret:
            # Never echo the token itself back.
            raise ValueError("must look like 123456789:ABC... (the token @BotFather gives)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, value: str) -> str:
        scheme, separator, rest = value.partition("://")
        driver = _DATABASE_SCHEMES.get(scheme.lower())
        if not separator or driver is None:
            raise ValueError("must start with postgresql:// (or postgres://) or sqlite:///")
        if driver == "postgresql+asyncpg":
            # libpq's sslmode (what hosting panels print) is asyncpg's ssl.
            rest = re.sub(r"([?&])sslmode=", r"\1ssl=", rest)
        return f"{driver}://{rest}"

    @field_validator("bot_mode", mode="before")
    @classmethod
    def _mode_lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_url", "dashboard_url")
    @classmethod
    def _webhook_https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        # Telegram posts only to https; plain http is accepted for loopback (tests, emulator).
        if parts.scheme != "https" and not (parts.scheme == "http"
                                            and parts.hostname in _LOOPBACK_HOSTS):
            raise ValueError("must be a public https:// URL")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path_shape(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @field_validator("redis_url", "telegram_api_base", "webhook_url", "dashboard_url",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("telegram_api_base")
    @classmethod
    def _api_base_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale_supported(cls, value: str) -> str:
        value = value.lower()
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of: {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def unknown_settings(environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """(variable, the setting it most resembles) for each variable that starts like a group of
    settings but is none of them."""
    known = sorted(name.upper() for name in Settings.model_fields)
    unknown = []
    for name in sorted(environ):
        upper = name.upper()
        if upper in known or not upper.startswith(SETTING_PREFIXES):
            continue
        group = [k for k in known if k.split("_")[0] == upper.split("_")[0]]
        closest = difflib.get_close_matches(upper, group or known, n=1, cutoff=0.0)
        unknown.append((name, closest[0] if closest else ""))
    return unknown


def settings_environment(env_file: str | Path | None = ".env") -> dict[str, str]:
    """The variables settings are read from: the `.env` file, then the environment over it."""
    import os

    found: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        found.update({k: v or "" for k, v in dotenv_values(env_file).items()})
    found.update(os.environ)
    return found


class SettingsError(Exception):
    """A setting is missing or invalid; `str()` is one readable line."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates them
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Invalid setting {name}: {message}") from None


MISSING_SECRET_MESSAGE = (
    "Webhook mode needs WEBHOOK_SECRET (Telegram sends it back with every update, so nobody "
    "else can post fake updates). Generate one and put it into the environment or .env:\n"
    "  WEBHOOK_SECRET=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
)
MISSING_URL_MESSAGE = (
    "Webhook mode needs WEBHOOK_URL: the public https address Telegram posts updates to, "
    "e.g. https://bot.school.example/telegram (your reverse proxy forwards it to "
    "WEBHOOK_HOST:WEBHOOK_PORT WEBHOOK_PATH)."
)


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode cannot start with these settings, as guidance; None when it can. Here,
    not in bot/runtime/webhook.py, so the command line says it without importing the webhook
    server (and aiogram)."""
    if settings.webhook_secret is None:
        return MISSING_SECRET_MESSAGE
    if settings.webhook_url is None:
        return MISSING_URL_MESSAGE
    return None
