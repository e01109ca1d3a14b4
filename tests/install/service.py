"""What the installation tests share: a throwaway file-system root that stands for the server
(/opt, /etc, /var/lib under one temporary folder), the service user, and the installed bot run
as a process against the Bot API emulator.

Nothing here touches the machine's own /opt, /etc, users or systemd. When the tests run as root
the bot runs as `nobody` (uid 65534), as the unprivileged service user would; without root that
part cannot be had, and the bot runs as the test's own user."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICE_UID = 65534  # nobody: no home, no shell, no rights of its own
AS_ROOT = os.geteuid() == 0
NOT_ROOT_REASON = "not root: the bot cannot be started as another, unprivileged user here"
# The environment a service manager gives a process: little besides its own settings.
BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
# What `sudo` runs commands with (its secure_path): the system's python3, not a developer's.
SUDO_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def sudo_env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("PYENV", "VIRTUAL_ENV"))},
            "PATH": SUDO_PATH}


def service_user_can_run(executable: Path) -> str | None:
    """None, or why the service user cannot run `executable` here (so the test runs it as
    itself and says so)."""
    if not AS_ROOT:
        return NOT_ROOT_REASON
    try:
        subprocess.run([str(executable), "-c", "pass"], check=True, timeout=60,
                       user=SERVICE_UID, group=SERVICE_UID, extra_groups=[])
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"the service user cannot run {executable} here ({exc})"
    return None


def as_service_user(python: Path | None = None) -> dict[str, object]:
    """subprocess arguments that run a command as the service user (when we may)."""
    if not AS_ROOT or (python is not None and service_user_can_run(python)):
        return {}
    return {"user": SERVICE_UID, "group": SERVICE_UID, "extra_groups": []}


def give_to_service_user(path: Path, mode: int) -> None:
    path.chmod(mode)
    if AS_ROOT:
        os.chown(path, SERVICE_UID, SERVICE_UID)


@dataclass
class Server:
    """A file-system root standing for a server: /opt/x is `server.path("/opt/x")`."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mentorbot-server-")))

    def __post_init__(self) -> None:
        self.root.chmod(0o755)  # the service user must reach /opt and /var/lib through it

    def path(self, absolute: str) -> Path:
        assert absolute.startswith("/"), absolute
        return self.root / absolute.lstrip("/")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def tree_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below `folder` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


def world_writable(folder: Path) -> list[str]:
    return [str(p) for p in [folder, *folder.rglob("*")]
            if not p.is_symlink() and p.stat().st_mode & 0o002]


class ServiceProcess:
    """The installed `mentorbot …` as the service manager would start it."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.argv, self.env, self.cwd, self.log = argv, env, cwd, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        python = Path(self.argv[0]).with_name("python")
        self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=handle,
                                        stderr=subprocess.STDOUT, **as_service_user(python))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def read_env_file(path: Path) -> dict[str, str]:
    """systemd's EnvironmentFile= / docker's env_file: NAME=value lines, # comments."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            env[name.strip()] = value.strip()
    return env


def set_env_lines(path: Path, values: dict[str, str]) -> None:
    """What a person does in `sudoedit`: fill in some lines, add the missing ones."""
    lines, seen = [], set()
    for line in path.read_text().splitlines():
        name = line.split("=", 1)[0] if "=" in line and not line.startswith("#") else None
        if name in values:
            lines.append(f"{name}={values[name]}")
            seen.add(name)
        else:
            lines.append(line)
    lines += [f"{name}={value}" for name, value in values.items() if name not in seen]
    path.write_text("\n".join(lines) + "\n")
