"""The deployment files parse and name real things. Following them for real: tests/install (the
README's deployment on a plain server, the Dockerfile's steps without Docker)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.__main__ import discover
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_compose_has_bot_postgres_redis_in_webhook_mode():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"bot", "postgres", "redis"}
    bot = services["bot"]
    assert (DEPLOY / bot["build"]["dockerfile"].removeprefix("deploy/")).exists()
    assert (DEPLOY / bot["build"]["context"]).resolve() == ROOT
    env = bot["environment"]
    assert env["BOT_MODE"] == "webhook"
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert "/health" in " ".join(bot["healthcheck"]["test"])
    assert set(bot["depends_on"]) == {"postgres", "redis"}
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_env_example_names_only_real_settings():
    names = {line.split("=", 1)[0] for line in (DEPLOY / "env.example").read_text().splitlines()
             if re.match(r"^[A-Z_]+=", line)}
    fields = {name.upper() for name in Settings.model_fields}
    assert names - fields == {"POSTGRES_PASSWORD"}  # compose's own
    assert {"BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET"} <= names


def test_systemd_unit_runs_the_bot():
    unit = (DEPLOY / "mentorbot.service").read_text()
    assert re.search(r"^ExecStart=\S+/mentorbot run$", unit, re.M)
    assert "EnvironmentFile=" in unit and "[Install]" in unit and "KillSignal=SIGTERM" in unit


@pytest.mark.parametrize("name", discover())
def test_bench_quick_runs_every_benchmark(name: str):
    """`python -m bench --quick` (the CI smoke run) finishes with every benchmark run: one test
    per benchmark, so the suite's workers share them instead of one worker running them all."""
    # A smoke run, not a measurement: each benchmark gets a generous time limit, because the
    # machine running the suite may be busy (the figures come from the long runs, bench/README).
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--timeout", "400",
                           "--only", name], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(rf"^{name}\s+(ok|missed)", done.stdout, re.M), done.stdout


def test_the_smoke_run_covers_the_benchmarks_the_readme_names():
    assert {"delivery", "matching", "updates", "digest", "region", "report",
            "class_at_once"} <= set(discover())
