"""Settings: a bad value stops start-up with one readable line and exit code 2."""

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from tests.conftest import migrated

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in ("BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "TELEGRAM_API_BASE", "ADMIN_IDS",
                         "DEFAULT_LOCALE", "DEFAULT_TIMEZONE", "LOG_LEVEL")}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**base, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("name", "value"), [
    ("DATABASE_URL", "mysql://localhost/db"),
    ("DEFAULT_TIMEZONE", "Mars/Olympus"),
    ("DEFAULT_LOCALE", "de"),
    ("ADMIN_IDS", "one,two"),
    ("LOG_LEVEL", "LOUD"),
    ("REDIS_URL", "localhost:6379"),
    ("BOT_TOKEN", "not-a-token"),
    ("DATABASE_POOL_SIZE", "0"),
])
def test_bad_setting_is_one_line_naming_it(tmp_path, name, value):
    result = run_cli("run", env={name: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr


def test_no_token_explains_how_to_get_one_and_points_to_the_demo(tmp_path):
    result = run_cli("run", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "mentorbot demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_settings_come_from_a_dotenv_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("ADMIN_IDS", "DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("ADMIN_IDS=5, 6\nDEFAULT_TIMEZONE=Asia/Omsk\n")
    settings = load_settings()
    assert settings.admin_ids == frozenset({5, 6})
    assert settings.default_timezone == "Asia/Omsk"


def test_token_never_appears_in_the_error(monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", "abc:SECRETVALUE")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert "SECRETVALUE" not in str(info.value)


async def test_the_database_pool_keeps_the_configured_connections(tmp_path, monkeypatch):
    from bot.runtime.factory import create_application

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "7")
    monkeypatch.setenv("DATABASE_MAX_OVERFLOW", "3")
    app = create_application(load_settings())
    try:
        assert app.engine.pool.size() == 7
        assert app.engine.pool._max_overflow == 3  # no public reader in SQLAlchemy
    finally:
        await app.close()
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///:memory:")
    app = create_application(load_settings())  # one shared connection: no pool to size
    await app.close()


@pytest.mark.parametrize(("typed", "used"), [
    ("postgresql://bot:pw@db.school.example:5432/mentorbot",
     "postgresql+asyncpg://bot:pw@db.school.example:5432/mentorbot"),
    ("postgres://bot@db/mentorbot?sslmode=require", "postgresql+asyncpg://bot@db/mentorbot?ssl=require"),
    ("postgresql+asyncpg://bot@db/mentorbot", "postgresql+asyncpg://bot@db/mentorbot"),
    ("sqlite:///./data/bot.db", "sqlite+aiosqlite:///./data/bot.db"),
])
def test_database_url_as_people_type_it_uses_the_async_driver(typed, used):
    assert load_settings(database_url=typed, _env_file=None).database_url == used


async def test_postgresql_url_without_driver_migrates_a_real_database(tmp_path):
    """`DATABASE_URL=postgres://…`, what a hosting panel prints, runs `mentorbot migrate`."""
    import asyncpg

    from tests.conftest import POSTGRES_URL, TEST_DATABASE_PREFIX, unique_run_name

    name = TEST_DATABASE_PREFIX + unique_run_name()
    admin_dsn = POSTGRES_URL.replace("postgresql+asyncpg", "postgresql")
    try:
        connection = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        from tests.conftest import service_missing

        service_missing("PostgreSQL", str(exc))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        url = admin_dsn.replace("postgresql://", "postgres://").rsplit("/", 1)[0] + f"/{name}"
        result = run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Database is up to date." in result.stdout
        migrated = await asyncpg.connect(admin_dsn.rsplit("/", 1)[0] + f"/{name}", timeout=5)
        try:
            assert await migrated.fetchval("SELECT count(*) FROM alembic_version") == 1
        finally:
            await migrated.close()
    finally:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()


def test_misspelt_setting_is_named_with_the_closest_real_one(tmp_path):
    (tmp_path / ".env").write_text("WEBHOOK_SECRET_TOKEN=abc\n")
    result = run_cli("migrate", env={
        "OUTBOX_CONCURENCY": "4", "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "OUTBOX_TICK_SECONDS": "1", "LOG_FORMAT": "json",
    }, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [line.split(": ", 1)[1] for line in result.stderr.splitlines()
                if "mentorbot.config" in line]
    assert warnings == [
        "OUTBOX_CONCURENCY is not a mentorbot setting and is ignored; "
        "did you mean OUTBOX_CONCURRENCY?",
        "WEBHOOK_SECRET_TOKEN is not a mentorbot setting and is ignored; "
        "did you mean WEBHOOK_SECRET?",
    ], result.stderr


def test_settings_left_empty_in_the_env_file_take_their_defaults(tmp_path, monkeypatch):
    """deploy/env.example filled in as the README says: WEBHOOK_* left empty for polling."""
    monkeypatch.chdir(tmp_path)
    for name in ("WEBHOOK_PATH", "WEBHOOK_PORT", "WEBHOOK_URL", "OUTBOX_TICK_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("WEBHOOK_URL=\nWEBHOOK_PATH=\nWEBHOOK_PORT=\n"
                                   "OUTBOX_TICK_SECONDS=\n")
    settings = load_settings()
    assert (settings.webhook_url, settings.webhook_path, settings.webhook_port) == (
        None, "/telegram", 8080)
    assert settings.outbox_tick_seconds == 2.0


def _unprivileged() -> list[str]:
    """Root writes any file whatever its mode: the bot then runs as nobody (setpriv)."""
    command, why_not = _unprivileged_command()
    if command is None:
        pytest.skip(why_not)
    return command


@functools.cache
def _unprivileged_command() -> tuple[list[str] | None, str]:
    """Asked once per test process: the probe starts Python as nobody and imports the bot."""
    if os.geteuid() != 0:
        return [], ""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "running as root without setpriv: file modes would not apply"
    command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*command, sys.executable, "-c", "import pydantic, bot"],
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd="/",
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return None, ("the virtual environment or the checkout is not readable by an "
                      "unprivileged user (nobody), so file modes cannot be tried: "
                      + probe.stderr[-200:])
    return command, ""


@pytest.fixture
def open_dir():
    """A directory anyone may enter (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="mb_ro_"))
    path.chmod(0o777)
    yield path
    for item in [path, *path.rglob("*")]:
        item.chmod(0o777)
    shutil.rmtree(path)


@pytest.mark.parametrize("case", ["file", "directory", "missing directory"])
@pytest.mark.parametrize("command", ["run", "migrate"])
def test_unwritable_database_is_one_line_naming_database_url_and_the_path(open_dir, case,
                                                                           command):
    database = open_dir / "data" / "mentorbot.db"
    url = f"sqlite+aiosqlite:///{database}"
    env = {"DATABASE_URL": url, "BOT_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
           "TELEGRAM_API_BASE": "http://127.0.0.1:9"}
    if case == "missing directory":
        open_dir.chmod(0o555)
    else:
        # A migrated database there (a copy of this process's migrated template: `mentorbot
        # migrate` on a fresh SQLite file is test_misspelt_setting_is_named_with_the_closest_real_one).
        database.parent.mkdir()
        asyncio.run(migrated(url))
        database.parent.chmod(0o777)
        database.chmod(0o666)
        (database.parent if case == "directory" else database).chmod(0o555)
    result = subprocess.run([*_unprivileged(), sys.executable, "-m", "bot", command],
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=open_dir,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-3000:]
    assert "DATABASE_URL" in lines[0] and str(database) in lines[0]
    assert "Traceback" not in result.stderr
