"""deploy/Dockerfile's steps without Docker (no daemon runs here): its build stage run as
written (the files it copies, its install command) in a throwaway root, then what its run
stage promises: a non-root user, the application folder read-only, the data in the volume, the
health check answering, the bot talking Russian to the Bot API emulator."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator
from tests.e2e.helpers import wait_polling
from tests.install.service import (
    BASE_ENV,
    ROOT,
    SERVICE_UID,
    Server,
    ServiceProcess,
    as_service_user,
    give_to_service_user,
    service_user_can_run,
    sudo_env,
    tree_snapshot,
    world_writable,
)

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
# Above the build's own timeout (900 s), as in test_readme_deployment.py: an install interrupted
# by pytest-timeout left its thread running and the loop's close waited for it (a teardown hang).
pytestmark = pytest.mark.timeout(1200)
STARTUP_SECONDS = 180.0


@dataclass
class Stage:
    name: str | None
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"the stage has no {keyword}"
        return found[-1]


def read_dockerfile(path: Path = DOCKERFILE) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), " ".join(args.split())
        if keyword == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(Stage(name or None, base))
        else:
            stages[-1].instructions.append((keyword, args))
    return stages


def env_of(stage: Stage) -> dict[str, str]:
    env = {}
    for args in stage.all("ENV"):
        for pair in shlex.split(args):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def exec_form(args: str) -> list[str]:
    return json.loads(args)


def run_demo(argv: list[str], cwd: Path, env: dict[str, str], user: dict[str, object]
             ) -> tuple[float, str]:
    """(seconds from the start to the bot's first reply, the whole transcript)."""
    started = time.monotonic()
    first_reply = None
    lines = []
    with subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **user) as demo:
        assert demo.stdout is not None
        for line in demo.stdout:
            if first_reply is None and line.startswith("🤖"):
                first_reply = time.monotonic() - started
            lines.append(line)
        assert demo.wait(timeout=600) == 0, "".join(lines)[-3000:]
    assert first_reply is not None, "".join(lines)
    return first_reply, "".join(lines)


def test_dockerfile_is_multi_stage_non_root_with_volume_and_health_check():
    build, run = read_dockerfile()
    assert build.name == "build" and build.base == run.base == "python:3.11-slim"
    # The build installs from the lock (the script checks every file's hash).
    copied = {shlex.split(args)[0] for args in build.all("COPY")}
    assert "requirements.txt" in " ".join(build.all("COPY"))
    assert build.last("RUN") == "scripts/install /opt/mentorbot"
    assert {"bot", "handlers", "models", "scheduler", "locales", "scripts/install"} <= copied
    assert run.all("COPY") == ["--from=build /opt/mentorbot /opt/mentorbot"]  # no source tree
    assert run.last("USER") not in ("root", "0")
    volume = exec_form(run.last("VOLUME"))
    assert env_of(run)["DATABASE_URL"] == f"sqlite+aiosqlite:///{volume[0]}/mentorbot.db"
    assert exec_form(run.last("HEALTHCHECK").split(" CMD ", 1)[1]) == ["mentorbot", "health"]
    assert exec_form(run.last("ENTRYPOINT")) + exec_form(run.last("CMD")) == ["mentorbot", "run"]
    ignored = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignored and "data" in ignored  # no local state in the build context


async def test_dockerfile_steps_give_a_read_only_app_and_a_healthy_bot(tmp_path):
    build, run = read_dockerfile()
    server = Server()
    emulator = BotAPIEmulator(bot_username="mentorbot_test_bot")
    process: ServiceProcess | None = None
    try:
        # Build stage: the files it copies, then its RUN, in its WORKDIR.
        src = server.path(build.last("WORKDIR"))
        src.mkdir(parents=True)
        for args in build.all("COPY"):
            *sources, target = shlex.split(args)
            destination = src / target
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, destination, ignore=shutil.ignore_patterns(
                        "__pycache__"), dirs_exist_ok=True)
                else:
                    into = destination / source if target.endswith("/") else destination
                    into.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, into)
        command = [str(server.path(w)) if w.startswith("/opt/") else w
                   for w in shlex.split(build.last("RUN"))]
        started = time.monotonic()
        done = await asyncio.to_thread(subprocess.run, command, cwd=src, env=sudo_env(),
                                       capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        print(f"docker build stage without Docker: {time.monotonic() - started:.1f} s")
        app = server.path("/opt/mentorbot")
        shutil.rmtree(src)  # the run stage copies only the virtual environment

        # Run stage: its user's folders, its environment, its entry point.
        volume = exec_form(run.last("VOLUME"))[0]
        home = server.path(run.last("WORKDIR"))
        for folder in (home, server.path(volume)):
            folder.mkdir(parents=True, exist_ok=True)
            give_to_service_user(folder, 0o750)
        env = {**BASE_ENV, **env_of(run)}
        env["PATH"] = env["PATH"].replace("/opt/mentorbot/bin", str(app / "bin")).replace(
            "$PATH", BASE_ENV["PATH"])
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(volume, str(server.path(volume)))
        await emulator.start()
        env.update(BOT_TOKEN=emulator.token, TELEGRAM_API_BASE=emulator.base_url)
        assert not world_writable(app)
        before = tree_snapshot(app)
        python = app / "bin" / "python"

        def health() -> subprocess.CompletedProcess[str]:
            argv = exec_form(run.last("HEALTHCHECK").split(" CMD ", 1)[1])
            return subprocess.run([str(app / "bin" / argv[0]), *argv[1:]], cwd=home, env=env,
                                  capture_output=True, text=True, timeout=60,
                                  **as_service_user(python))

        unhealthy = await asyncio.to_thread(health)
        assert unhealthy.returncode == 1, unhealthy.stdout + unhealthy.stderr  # not migrated yet

        argv = exec_form(run.last("ENTRYPOINT")) + exec_form(run.last("CMD"))
        process = ServiceProcess([str(app / "bin" / argv[0]), *argv[1:]], env, home,
                                 tmp_path / "container.log")
        process.start()
        await wait_polling(emulator, 0, limit=STARTUP_SECONDS)
        user = emulator.user(4201, first_name="Пётр", language_code="ru")
        await user.send("/start")
        (reply,) = await user.wait_messages(1, timeout=30)
        assert "Здравствуйте! Я бот программы наставничества." in reply.text

        healthy = await asyncio.to_thread(health)
        assert healthy.returncode == 0, healthy.stdout + healthy.stderr
        assert json.loads(healthy.stdout) == {"database": "ok"}
        database = server.path(volume) / "mentorbot.db"
        assert database.is_file()
        assert tree_snapshot(app) == before, "the bot wrote into its application folder"
        not_nobody = service_user_can_run(python)
        if not_nobody is None:
            assert database.stat().st_uid == SERVICE_UID
        print(f"service user: {not_nobody or 'nobody'}")
        assert "Traceback" not in process.output()

        # `mentorbot demo` from the installed wheel, far from any checkout, as the same user.
        first_reply, transcript = await asyncio.to_thread(
            run_demo, [str(app / "bin" / "mentorbot"), "demo"], home,
            {**BASE_ENV, "PATH": env["PATH"]}, as_service_user(python))
        print(f"installed demo: first reply {first_reply:.2f} s after the command started")
        for expected in ("🤖 Здравствуйте! Я бот программы наставничества.",
                         "Согласие на обработку персональных данных", "Спасибо! Анкета заполнена.",
                         "Дорожная карта сохранена: новых пунктов 7",
                         "The demo is over. Run the bot for real: BOT_TOKEN=... mentorbot run"):
            assert expected in transcript, expected
        assert not re.search(r"🤖 [a-z_]+\.[a-z_.]+$", transcript, re.M)  # no bare keys
        assert tree_snapshot(app) == before
    finally:
        if process is not None:
            process.stop()
        await emulator.stop()
        server.remove()
