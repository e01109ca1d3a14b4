"""The two commands of the README (scripts/run, scripts/test) and the environment they share."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("BOT_", "DATABASE_", "REDIS_", "TELEGRAM_", "MENTORBOT_"))}
    return {**base, **extra}


def _fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A venv whose python only records what it was asked to do (pip installs included), and
    whose `mentorbot` is this checkout's."""
    venv, calls = tmp_path / "venv", tmp_path / "calls.log"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> "{calls}"\n')
    python.chmod(0o755)
    mentorbot = venv / "bin" / "mentorbot"
    mentorbot.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m bot "$@"\n')
    mentorbot.chmod(0o755)
    return venv, calls


def test_scripts_run_without_a_token_suggests_scripts_run_demo(tmp_path):
    """Someone who used scripts/run has no `mentorbot` on their PATH: the hint names the script."""
    venv, _ = _fake_venv(tmp_path)
    done = subprocess.run([str(ROOT / "scripts" / "run")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=_env(BOT_TOKEN="", MENTORBOT_VENV=str(venv)))
    assert done.returncode == 2, done.stderr
    assert done.stderr.rstrip().endswith("run: scripts/run demo"), done.stderr
    assert "mentorbot demo" not in done.stderr


def _setup_env(venv: Path, *extras: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "scripts" / "setup-env"), *extras], capture_output=True,
                          text=True, timeout=60, env=_env(MENTORBOT_VENV=str(venv)))


def test_switching_between_run_and_test_installs_nothing(tmp_path):
    venv, calls = _fake_venv(tmp_path)
    steps = []
    for extras in ((), ("dev",), (), ("dev",), ()):  # scripts/run, scripts/test, …
        before = calls.read_text() if calls.exists() else ""
        done = _setup_env(venv, *extras)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == str(venv)
        steps.append(calls.read_text()[len(before):] if calls.exists() else "")
    # The first run installs the runtime lock, the first test run the dev lock; then nothing.
    assert "-r " + str(ROOT / "requirements.txt") in steps[0]
    assert "-r " + str(ROOT / "requirements-dev.txt") in steps[1]
    assert steps[2:] == ["", "", ""], steps


def test_installs_come_from_the_hashed_lock(tmp_path):
    venv, calls = _fake_venv(tmp_path)
    assert _setup_env(venv, "dev").returncode == 0
    installs = [line for line in calls.read_text().splitlines() if " install " in f" {line} "]
    assert installs[0].split() == ["-m", "pip", "install", "--quiet", "--no-compile",
                                   "--require-hashes", "-r", str(ROOT / "requirements-dev.txt")]
    # The project itself adds no dependency of its own choosing.
    assert "--no-deps" in installs[1].split() and "--no-build-isolation" in installs[1].split()
    stamp = (venv / ".mentorbot-stamp").read_text().split()
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in (
        "pyproject.toml", "requirements.txt", "requirements-dev.txt"))).hexdigest()[:16]
    assert stamp == [digest, "dev"]
