"""Starting the bot process when Telegram cannot be reached, or refuses the token."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

from bot.emulator import BotAPIEmulator
from tests.e2e.harness import ROOT, BotProcess
from tests.e2e.helpers import wait_polling

STARTUP_SECONDS = 120.0  # python -m bot run until it polls; seconds idle, longer on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_for(condition, limit: float, what: str) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.2)


async def test_unreachable_bot_api_one_line_per_try_then_polls_once_it_is_up(tmp_path):
    """A Bot API server that is down at start-up (a self-hosted one restarting, no network yet)
    gets one line per try and a growing pause, no traceback and no exit; once it answers, the
    bot polls and replies. Migrations on the first start print nothing at the default level."""
    port = free_port()
    emulator = BotAPIEmulator(bot_username="mentorbot_test_bot")
    process = BotProcess(emulator, {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "TELEGRAM_API_BASE": f"http://127.0.0.1:{port}",
    }, tmp_path)
    process.start()
    try:
        def tries() -> list[str]:
            return [line for line in process.output().splitlines() if "not reachable" in line]

        await wait_for(lambda: len(tries()) >= 2 or process.process.poll() is not None,
                       STARTUP_SECONDS, process.output())
        assert process.process.poll() is None, process.output()
        output = process.output()
        assert "Traceback" not in output, output
        assert "alembic" not in output, output  # 22 INFO lines of migrations before
        first, second = tries()[:2]
        assert f"Bot API at http://127.0.0.1:{port} not reachable" in first
        assert "trying again in 1 s" in first and "trying again in 2 s" in second
        assert all(line == first or "not reachable" in line or "WARNING" in line
                   for line in output.splitlines()), output

        await emulator.start(port=port)
        await wait_polling(emulator, 0, limit=STARTUP_SECONDS)
        user = emulator.user(3101, first_name="Вера", language_code="ru")
        await user.send("/start")
        (reply,) = await user.wait_messages(1, timeout=30)
        assert "Здравствуйте" in reply.text
        assert "reachable again" in process.output()
        assert "Traceback" not in process.output()
    finally:
        process.stop()
        await emulator.stop()


async def test_token_telegram_refuses_stops_with_one_line(tmp_path):
    emulator = BotAPIEmulator(bot_username="mentorbot_test_bot")
    emulator.revoked.add("42:revoked-by-botfather")
    await emulator.start()
    try:
        env = {"PYTHONPATH": str(ROOT), "BOT_TOKEN": "42:revoked-by-botfather",
               "TELEGRAM_API_BASE": emulator.base_url,
               "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "PATH": "/usr/bin:/bin"}
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=STARTUP_SECONDS)
    finally:
        await emulator.stop()
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "Telegram refused BOT_TOKEN (401 Unauthorized): check the token @BotFather gave "
        "(it may have been revoked)"], done.stderr
