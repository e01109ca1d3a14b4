from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.factory import Application, create_application
from bot.i18n import create_translator
from models.migrate import upgrade_async

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_missing(name: str, reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI, where it must be there."""
    message = f"{name} is not reachable ({reason}); start it or unset REQUIRE_SERVICES"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'mentorbot.db'}"


# TEST_BACKEND=postgres runs the tests that use `settings` (the end-to-end suite) on a fresh
# PostgreSQL database each, with conversation state in Redis: the scale path of a deployment.
TEST_BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
REDIS_TEST_DB = 13


@pytest.fixture
async def backend_urls(sqlite_url: str) -> AsyncIterator[tuple[str, str | None]]:
    if TEST_BACKEND != "postgres":
        yield sqlite_url, None
        return
    import uuid

    import asyncpg
    from redis.asyncio import Redis

    admin_dsn = POSTGRES_URL.replace("postgresql+asyncpg", "postgresql")
    name = f"mb_e2e_{uuid.uuid4().hex[:10]}"
    try:
        connection = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        service_missing("PostgreSQL", str(exc))
    redis_url = f"{REDIS_URL.rsplit('/', 1)[0]}/{REDIS_TEST_DB}"
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", redis_url
    finally:
        await redis.flushdb()
        await redis.aclose()
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


@pytest.fixture
def settings(backend_urls: tuple[str, str | None], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("BOT_TOKEN", "REDIS_URL", "TELEGRAM_API_BASE", "ADMIN_IDS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    database_url, redis_url = backend_urls
    return load_settings(database_url=database_url, redis_url=redis_url, _env_file=None)


@pytest.fixture
def translator():
    return create_translator("ru", strict=True)


@pytest.fixture
async def app(settings: Settings, translator) -> AsyncIterator[Application]:
    await upgrade_async(settings.database_url)
    application = create_application(settings, translator)
    yield application
    await application.close()


# --- Privacy of logs: everything logged during the whole run is scanned at the end -------------

# Names and answers the tests type as people, and the emulator's token: none may reach a log.
PERSONAL_MARKERS = ("Смирнова Анна", "Гертрудова", "Секретная Персона", "Петров Борис",
                    "Иванов Миша", "Петров Пётр", "Учитель физики", "Секретик", "Кураторова",
                    "Дмитриев Дмитрий", "EMULATOR-token")
SUBPROCESS_LOGS: list[Path] = []  # log files of bot processes the tests started


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = record.getMessage()
        except Exception:  # a broken record is not a privacy leak
            return
        if record.exc_info:
            line += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {line}")


_collector = _Collector()


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_collector)
    root.setLevel(logging.INFO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    lines = list(_collector.lines)
    for path in SUBPROCESS_LOGS:
        if path.exists():
            lines += path.read_text(errors="replace").splitlines()
    leaks = [line for line in lines if any(marker in line for marker in PERSONAL_MARKERS)]
    if leaks:
        print("\nPersonal data or a token reached the log:\n" + "\n".join(leaks[:10]))
        session.exitstatus = 1
