"""The README's deployment on a plain server («Deployment», 2a), followed step by step as
written, in a throwaway root: /opt, /etc and /var/lib are folders of a temporary directory, the
service user is `nobody` (no user is created on this machine), systemd's part (StateDirectory,
EnvironmentFile, WorkingDirectory, ExecStart) is taken from the unit and done here, and
`systemd-analyze verify` checks the unit when it is installed. Telegram is the emulator. A step
this test does not know fails it: the README and this test change together."""

from __future__ import annotations

import asyncio
import configparser
import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from bot.config import load_settings
from bot.emulator import BotAPIEmulator
from bot.emulator.live_webhook import free_port
from bot.emulator.seed import seed_programme
from bot.runtime.factory import create_application
from tests.e2e.helpers import wait_polling
from tests.install.service import (
    AS_ROOT,
    BASE_ENV,
    ROOT,
    SERVICE_UID,
    Server,
    ServiceProcess,
    give_to_service_user,
    read_env_file,
    service_user_can_run,
    set_env_lines,
    sudo_env,
    tree_snapshot,
    world_writable,
)

STARTUP_SECONDS = 180.0
INSTALL_SECONDS = 900
# Above every step's own timeout (the install's 900 s): pytest-timeout (300 s by default) used to
# interrupt a slow install under load while its thread kept running `scripts/install`; the event
# loop's close then waited for that thread and the teardown hung until the timeout fired again.
# A step's own timeout kills its process and ends its thread.
pytestmark = pytest.mark.timeout(INSTALL_SECONDS + 300)


def readme_steps() -> list[str]:
    """The commands of the README's 2a block, comments dropped, `&&` chains split."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**2a."):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the README's deployment 2a has no bash block"
    steps = []
    for line in block.group(1).splitlines():
        command = line.split("  #")[0].split(" # ")[0].strip()
        steps += [part.strip() for part in command.split("&&") if part.strip()]
    return steps


def read_unit(path: Path) -> dict[str, list[str]]:
    parser = configparser.RawConfigParser(strict=False, delimiters=("=",), comment_prefixes=("#",),
                                          dict_type=dict)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return {key: [value] for key, value in parser["Service"].items()}


@dataclass
class Deployment:
    server: Server
    clone: Path | None = None
    service_user: str | None = None
    service_home: str | None = None
    unit: dict[str, list[str]] = field(default_factory=dict)
    verified: str = "not run"
    process: ServiceProcess | None = None
    installed_in: Path | None = None
    emulator: BotAPIEmulator | None = None
    env: dict[str, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    dashboard_port: int = field(default_factory=free_port)

    def mapped(self, words: list[str]) -> list[str]:
        return [str(self.server.path(w)) if w.startswith(("/opt/", "/etc/", "/var/")) else w
                for w in words]

    # --- the steps ----------------------------------------------------------------------
    def run(self, step: str, workdir: Path) -> Path:
        words = shlex.split(step.replace("<this repository>", "REPOSITORY"))
        if words[0] == "sudo":
            words = words[1:]
        handler = {"git": self._git, "cd": self._cd, "scripts/install": self._scripts_install,
                   "useradd": self._useradd, "install": self._install, "sudoedit": self._sudoedit,
                   "cp": self._cp, "systemctl": self._systemctl,
                   "journalctl": self._journalctl}.get(words[0])
        assert handler is not None, f"the README has a step this test does not know: {step}"
        self.done.append(step)
        return handler(words, workdir) or workdir

    def _git(self, words: list[str], workdir: Path) -> Path:
        assert words[:2] == ["git", "clone"] and words[2] == "REPOSITORY", words
        # The checkout as it is (tracked and new files), as a clone of it would be.
        target = workdir / words[3]
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                                capture_output=True, check=True).stdout.decode().split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
        self.clone = target
        return workdir

    def _cd(self, words: list[str], workdir: Path) -> Path:
        return workdir / words[1]

    def _scripts_install(self, words: list[str], workdir: Path) -> None:
        target = self.mapped(words[1:])[0]
        started = time.monotonic()
        done = subprocess.run([str(workdir / words[0]), target], cwd=workdir, env=sudo_env(),
                              capture_output=True, text=True, timeout=INSTALL_SECONDS)
        assert done.returncode == 0, done.stderr[-3000:]
        self.installed_in = Path(target)
        print(f"install from the lock into a fresh venv: {time.monotonic() - started:.1f} s")

    def _useradd(self, words: list[str], workdir: Path) -> None:
        # Not on this machine: the service runs as `nobody`, which has no rights of its own.
        assert "--system" in words and "--shell" in words
        self.service_user = words[-1]
        self.service_home = words[words.index("--home-dir") + 1]

    def _install(self, words: list[str], workdir: Path) -> None:
        # `-o root -g mentorbot`: owned by root, readable by the service's group (nobody's here).
        args, skip = [], False
        for word in self.mapped(words[1:]):
            if skip:
                skip = False
            elif word in ("-o", "-g"):
                skip = True
            else:
                args.append(word)
        subprocess.run(["install", *args], cwd=workdir, check=True)
        if AS_ROOT and "-g" in words:
            os.chown(args[-1], 0, SERVICE_UID)

    def _sudoedit(self, words: list[str], workdir: Path) -> None:
        assert self.emulator is not None and self.emulator.base_url
        path = Path(self.mapped(words[1:])[0])
        example = read_env_file(path)
        # What the comment asks for: the token, an owner's id, WEBHOOK_* left empty.
        values = {"BOT_TOKEN": self.emulator.token, "ADMIN_IDS": "5001",
                  **{name: "" for name in example if name.startswith("WEBHOOK_")},
                  "TELEGRAM_API_BASE": self.emulator.base_url,  # Telegram is the emulator here
                  # the curator's dashboard, served beside polling from the installed package
                  "DASHBOARD_URL": f"http://127.0.0.1:{self.dashboard_port}/dashboard/",
                  "DASHBOARD_PORT": str(self.dashboard_port)}
        set_env_lines(path, values)

    def _cp(self, words: list[str], workdir: Path) -> None:
        source, target = self.mapped(words[1:])
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(workdir / source, target)

    def _systemctl(self, words: list[str], workdir: Path) -> None:
        if words[1] == "daemon-reload":
            self._verify_unit()
        elif words[1:3] == ["enable", "--now"]:
            self._start(words[3])
        else:
            raise AssertionError(f"unknown systemctl step: {words}")

    def _journalctl(self, words: list[str], workdir: Path) -> None:
        pass  # the test reads the service's log itself

    # --- what systemd does ----------------------------------------------------------------
    def _unit_path(self, name: str = "mentorbot") -> Path:
        return self.server.path(f"/etc/systemd/system/{name}.service")

    def _verify_unit(self) -> None:
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.verified = "skipped: systemd-analyze is not installed"
            return
        units = Path("/usr/lib/systemd/system")
        if not units.is_dir():
            self.verified = "skipped: no systemd units on this machine to verify against"
            return
        # The targets the unit refers to come from this machine's systemd.
        shutil.copytree(units, self.server.path("/usr/lib/systemd/system"), dirs_exist_ok=True,
                        symlinks=True)
        done = subprocess.run([analyze, "verify", f"--root={self.server.root}",
                               self._unit_path().name], capture_output=True, text=True)
        problems = [line for line in (done.stdout + done.stderr).splitlines()
                    if "mentorbot" in line]
        assert done.returncode == 0 and not problems, done.stdout + done.stderr
        self.verified = "passed"

    def _start(self, name: str) -> None:
        self.unit = read_unit(self._unit_path(name))
        unit = {key: values[-1] for key, values in self.unit.items()}
        assert unit["User"] == self.service_user
        # StateDirectory=: systemd makes /var/lib/<name> for the user before the start.
        state = self.server.path(f"/var/lib/{unit['StateDirectory']}")
        state.mkdir(parents=True, exist_ok=True)
        give_to_service_user(state, int(unit.get("StateDirectoryMode", "0755"), 8))
        assert f"/var/lib/{unit['StateDirectory']}" == self.service_home
        # What systemd refuses to start without (ProtectSystem=strict and friends).
        for key in ("ReadWritePaths", "ReadOnlyPaths"):
            for path in unit.get(key, "").split():
                if not path.startswith("-"):
                    assert self.server.path(path).exists(), f"{key}={path} does not exist"
        workdir = self.server.path(unit["WorkingDirectory"])
        assert workdir.is_dir(), f"WorkingDirectory={unit['WorkingDirectory']} does not exist"
        env_file = self.server.path(unit["EnvironmentFile"].lstrip("-"))
        argv = shlex.split(unit["ExecStart"])
        argv[0] = str(self.server.path(argv[0]))
        assert Path(argv[0]).is_file(), f"ExecStart={unit['ExecStart']} is not installed"
        self.env = {**BASE_ENV, **read_env_file(env_file)}
        self.process = ServiceProcess(argv, self.env, workdir, self.server.root / "journal.log")
        self.process.start()


async def test_readme_deployment_gives_a_running_bot_that_talks_russian(tmp_path):
    server = Server()
    emulator = BotAPIEmulator(bot_username="mentorbot_test_bot")
    await emulator.start()
    deployment = Deployment(server, emulator=emulator)
    try:
        workdir = tmp_path
        for step in readme_steps():
            workdir = await asyncio.to_thread(deployment.run, step, workdir)
        assert deployment.process is not None, "the README's steps never start the bot"
        process = deployment.process
        venv = deployment.installed_in
        assert venv is not None and venv.is_dir()
        before = tree_snapshot(venv)
        assert not world_writable(venv)  # read-only for the service user

        try:
            await wait_polling(emulator, 0, limit=STARTUP_SECONDS)
        except AssertionError:
            raise AssertionError(process.output()[-3000:]) from None
        # The log line the README tells the reader to wait for.
        deadline = time.monotonic() + 60
        while "scheduler: this instance leads" not in process.output():
            assert time.monotonic() < deadline, process.output()
            await asyncio.sleep(0.2)

        # One conversation with the installed bot: joining a programme by its link.
        state = server.path("/var/lib/mentorbot")
        database = state / "data" / "mentorbot.db"
        assert database.is_file(), sorted(str(p) for p in state.rglob("*"))
        app = create_application(load_settings(database_url=f"sqlite+aiosqlite:///{database}",
                                               _env_file=None))
        try:
            seeded = await seed_programme(app)
        finally:
            await app.close()
        user = emulator.user(4101, first_name="Ольга", language_code="ru")
        await user.send(f"/start {seeded.mentee_token}")
        welcome, age = await user.wait_messages(2, timeout=30)
        assert "Наставничество 2026" in welcome.text
        assert "Сколько вам полных лет?" in age.text  # a survey definition, from the wheel
        await user.press("18 лет и старше")
        (consent,) = await user.wait_messages(1, timeout=30)
        assert "Согласие на обработку персональных данных" in consent.text
        for message in (welcome, age, consent):
            assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", message.text), message.text  # no keys

        # The dashboard's page and files come from the wheel (package data), not the checkout.
        base = f"http://127.0.0.1:{deployment.dashboard_port}/dashboard/"
        async with aiohttp.ClientSession() as http:
            for path, fragment in (("", "static/dashboard.js"), ("static/dashboard.js", "tma "),
                                   ("static/dashboard.css", "--tg-theme-bg-color"),
                                   ("texts/ru", "Панель куратора")):
                async with http.get(base + path) as response:
                    assert response.status == 200, (path, process.output()[-2000:])
                    assert fragment in await response.text(), path
            async with http.get(base + "api/session") as response:
                assert response.status == 401  # no initData: nobody

        assert tree_snapshot(venv) == before, "the bot wrote into its application folder"
        assert "Traceback" not in process.output(), process.output()
        not_nobody = service_user_can_run(venv / "bin" / "python")
        if not_nobody is None:
            assert database.stat().st_uid == SERVICE_UID
        print(f"systemd-analyze verify: {deployment.verified}; "
              f"service user: {not_nobody or 'nobody'}")
    finally:
        if deployment.process is not None:
            deployment.process.stop()
        await emulator.stop()
        server.remove()
    assert deployment.verified != "not run"
    if deployment.verified.startswith("skipped"):
        pytest.skip(f"the steps passed; systemd-analyze verify {deployment.verified}")
