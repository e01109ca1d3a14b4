"""Running the real bot against the emulator as a separate process that a test can kill and
restart; the in-process runner lives in bot.emulator.live."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.emulator import BotAPIEmulator
from tests.conftest import SUBPROCESS_LOGS

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """`python -m bot run` as a child process, pointed at the emulator."""

    def __init__(self, emulator: BotAPIEmulator, env: dict[str, str], cwd: Path) -> None:
        self.emulator = emulator
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.log = cwd / "bot.log"
        SUBPROCESS_LOGS.append(self.log)

    def start(self) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_", "REDIS_"))}
        env = {**base, "PYTHONPATH": str(ROOT), "BOT_TOKEN": self.emulator.token,
               "TELEGRAM_API_BASE": self.emulator.base_url, "LOG_LEVEL": "INFO", **self.env}
        handle = self.log.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=self.cwd,
                                        env=env, stdout=handle, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no chance to save anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
