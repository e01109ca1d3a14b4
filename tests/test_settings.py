"""Settings: a bad value stops start-up with one readable line and exit code 2."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

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
    from bot.factory import create_application

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


def _unprivileged() -> list[str]:
    """Root writes any file whatever its mode: the bot then runs as nobody (setpriv)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file modes would not apply")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


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
        assert run_cli("migrate", env=env, cwd=open_dir).returncode == 0
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
