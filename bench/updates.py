"""Update handling benchmark: the real polling loop against the Bot API emulator, many users
doing realistic things, on SQLite and on PostgreSQL; beside mentorbot, in the same run, the
stack floor (bench/_floor.py: a minimal aiogram bot that reads and writes through SQLAlchemy's
ORM, the anchor since issue #21) and a bare aiogram echo bot (no database: the framework's
ceiling); plus the memory of one bot process with 50,000 participations in its database.

    python -m bench.updates [--users 200 --seconds 20 --rate 100] [--rounds 3] [--quick]
                            [--no-memory] [--no-latency] [--baseline PATH] [--same-process]
                            [--no-postgres | --no-sqlite]

By default each bot under test runs in a process of its own (bench/_bot_process.py), as in
production, where Telegram is not on the bot's CPU; the emulator, the simulated users and the
measurement stay in this process. `--same-process` runs mentorbot in this process and event
loop, as the figures before 2026-11-22 were measured.

The table: CPU ms per update of each bot's process in the closed loop (every user acts again
as soon as the bot answered), the median of the rounds, and mentorbot's ratio to the floor.
Latency: actions arrive at random moments at a total rate (default 100 updates/s, a Poisson
process), each taken by a user not waiting for the bot; latency is the time from the moment
the action was due to the bot's first reply to that chat arriving at the emulator (both
`time.monotonic()`). Targets: CPU per update at most the floor's, p95 < 100 ms at 100
updates/s, RSS < 200 MB with 50,000 participations.

Scenarios are plain async functions in SCENARIOS (weight, function): add new ones (meetings,
curator status) as the features land."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiogram import Bot

from bench._bot_process import echo_dispatcher, outermost
from bench._floor import create_tables as create_floor_tables
from bench._speed_probe import SpeedProbe
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator
from bot.emulator.live import live_bot
from bot.emulator.players import SimUser
from bot.emulator.seed import SeededProgramme, seed_programme
from bot.emulator.survey_player import COMPLETED, current_question, option_label
from bot.runtime.factory import create_bot
from bot.services.surveys import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
)

ROOT = Path(__file__).resolve().parents[1]
# SEND_PER_SECOND for the bots measured here: their capacity, not Telegram's ~30 messages/s
# (bot/telegram/budget.py holds a real bot to SEND_PER_SECOND, 25 by default).
UNLIMITED_SENDS = "1000000"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
IDLE_SECONDS = 3.0  # the bot's idle CPU is measured this long before the closed loop
TARGET_FLOOR_RATIO = 1.0  # mentorbot's CPU per update over the floor's (issue #21)
TARGET_P95_MS = 100.0
TARGET_RSS_MB = 200.0
SPEED: SpeedProbe | None = None  # the machine's speed while a run lasts (bench/_speed_probe.py)
ZONES = ["Asia/Yekaterinburg", "Europe/Samara", "Asia/Novosibirsk", "Europe/Moscow"]


class _ErrorCounter(logging.Handler):
    """Counts updates that failed (the bot's error handler logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


ERRORS = _ErrorCounter()
logging.getLogger("mentorbot.errors").addHandler(ERRORS)


class _StatementCounter:
    """SQL statements sent to any database by this process (bot, outbox sender, jobs)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        if not event.contains(Engine, "before_cursor_execute", self):
            event.listen(Engine, "before_cursor_execute", self)


STATEMENTS = _StatementCounter()


# --- measuring one action: update queued -> first reply in that chat -> update handled ------

@dataclass
class Pending:
    queued_at: float
    update_id: int
    replied_at: float | None = None
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Probe(list):
    """Replaces `emulator.calls`: notes the first reply to each chat with an action pending."""

    def __init__(self, emulator: BotAPIEmulator) -> None:
        super().__init__(emulator.calls)
        self.pending: dict[int, Pending] = {}
        self.by_update: dict[int, Pending] = {}
        emulator.calls = self

    def append(self, record: Any) -> None:
        super().append(record)
        chat = record.params.get("chat_id")
        if chat is None:
            return
        with contextlib.suppress(TypeError, ValueError):
            action = self.pending.get(int(chat))
            if action is not None and action.replied_at is None:
                action.replied_at = record.time

    def finish(self, update_id: int) -> None:
        action = self.by_update.pop(update_id, None)
        if action is not None and not action.done.done():
            action.done.set_result(None)

    async def handled(self, handler, event, data):  # an outer middleware on the dispatcher
        try:
            return await handler(event, data)
        finally:
            self.finish(event.update_id)


class SameProcess:
    """What a phase costs when the bot shares this process: all of this process."""

    def cpu(self) -> float:
        return time.process_time()

    def statements(self) -> int:
        return STATEMENTS.count

    def errors(self) -> int:
        return ERRORS.count


class Load:
    def __init__(self, emulator: BotAPIEmulator, probe: Probe, seeded: SeededProgramme | None,
                 meter: Any):
        self.emulator = emulator
        self.meter = meter
        self.probe = probe
        self.seeded = seeded
        self.latencies: list[float] = []
        self.updates = 0
        self.unanswered = 0
        self.lost = 0
        self.errors_before = meter.errors()
        # The phase window: throughput counts updates finished inside it (scenarios still
        # running at the end finish, but their tail would understate the rate).
        self.window_end = float("inf")
        self.stop_at = float("inf")
        self.in_window = 0
        self.cpu_started = meter.cpu()  # the bot's process (this one in --same-process)
        self.cpu_at_end: float | None = None
        self.wall_started = time.monotonic()
        self.wall_at_end: float | None = None
        self.idle_cpu_per_s = 0.0  # the bot's CPU per second with no update (set by measure)
        self.bench_cpu_started = time.process_time()  # the emulator and the users
        self.bench_cpu_at_end: float | None = None
        self.sql_started = meter.statements()
        self.sql_at_end: int | None = None

    def end_window(self) -> None:
        if self.cpu_at_end is None:
            self.cpu_at_end = self.meter.cpu()
            self.wall_at_end = time.monotonic()
            self.bench_cpu_at_end = time.process_time()
            self.sql_at_end = self.meter.statements()

    async def act(self, user: SimUser, send: Callable[[], Awaitable[Any]],
                  due: float | None = None) -> None:
        """One update from `user`; its latency counts from `due` when given (an arrival of
        the paced phase), else from the moment it is queued."""
        if time.monotonic() > self.stop_at:
            # The closed loop's window is over: a user in the middle of a questionnaire
            # stops here instead of answering the rest (at a low rate that tail took minutes).
            raise PhaseOver
        queue = self.emulator.state.queue
        await asyncio.sleep(0)
        queued_at = time.monotonic() if due is None else min(due, time.monotonic())
        await send()  # pushes synchronously: our update is the newest one in the queue
        update_id = queue.accepted_ids[-1]
        action = Pending(queued_at, update_id)
        self.probe.pending[user.chat_id] = action
        self.probe.by_update[update_id] = action
        try:
            await asyncio.wait_for(action.done, 30)
        except TimeoutError:
            self.lost += 1
            return
        finally:
            self.probe.pending.pop(user.chat_id, None)
        self.updates += 1
        if time.monotonic() <= self.window_end:
            self.in_window += 1
        else:
            self.end_window()
        if action.replied_at is None:
            self.unanswered += 1
        else:
            self.latencies.append(action.replied_at - queued_at)

    async def say(self, user: SimUser, text: str) -> None:
        await self.act(user, lambda: user.send(text))

    async def press(self, user: SimUser, text: str) -> None:
        await self.act(user, lambda: user.press(text))


# --- scenarios: one user doing one realistic thing (several updates) ----------------------

Scenario = Callable[[Load, SimUser, random.Random], Awaitable[None]]


async def start_and_help(load: Load, user: SimUser, rng: random.Random) -> None:
    await load.say(user, "/start")
    await load.say(user, "/help")


async def change_timezone(load: Load, user: SimUser, rng: random.Random) -> None:
    await load.say(user, "/timezone")
    await load.say(user, rng.choice(ZONES))


async def change_language(load: Load, user: SimUser, rng: random.Random) -> None:
    await load.say(user, "/language")
    await load.press(user, "Русский" if rng.random() < 0.5 else "English")
    await load.say(user, "/language")
    await load.press(user, "Русский")  # back, so the other scenarios read Russian


async def questionnaire(load: Load, user: SimUser, rng: random.Random) -> None:
    """Join by the invitation link, consent, name, then answer the mentor questionnaire one
    question per update; a user who already finished it looks at /start instead."""
    if any(mark in (m.text or "") for m in user.messages for mark in COMPLETED) or \
            getattr(user, "joined", False):
        await load.say(user, "/start")
        return
    user.joined = True  # type: ignore[attr-defined]
    assert load.seeded is not None
    await load.say(user, f"/start {load.seeded.mentor_token}")
    await load.press(user, "18 лет и старше")
    await load.press(user, "✅ Даю согласие")
    await load.say(user, f"Участник {user.chat_id}")
    for _ in range(40):
        if any(mark in (m.text or "") for m in user.messages[-2:] for mark in COMPLETED):
            return
        question = current_question(user, "mentor_profile", "ru")
        if isinstance(question, SingleQuestion | MultiQuestion):
            await load.press(user, option_label(question))
            if isinstance(question, MultiQuestion):
                await load.press(user, "Готово")
        elif isinstance(question, ScaleQuestion):
            await load.press(user, "8")
        elif isinstance(question, NumberQuestion):
            await load.say(user, str(question.min))
        elif isinstance(question, DateQuestion):
            await load.say(user, "01.10.2026")
        else:
            await load.say(user, "Учитель истории")


SCENARIOS: list[tuple[float, Scenario]] = [
    (3.0, questionnaire),
    (2.0, change_timezone),
    (1.0, change_language),
    (2.0, start_and_help),
]


async def echo_scenario(load: Load, user: SimUser, rng: random.Random) -> None:
    await load.say(user, f"hello {rng.random():.6f}")


# --- running a phase -----------------------------------------------------------------------

async def closed_loop(load: Load, users: list[SimUser], seconds: float,
                      scenarios: list[tuple[float, Scenario]]) -> float:
    deadline = time.monotonic() + seconds
    load.window_end = deadline
    weights = [w for w, _ in scenarios]

    load.stop_at = deadline  # after the window a user stops at their next action

    async def run_user(user: SimUser, rng: random.Random) -> None:
        with contextlib.suppress(PhaseOver):
            while time.monotonic() < deadline:
                _, scenario = rng.choices(scenarios, weights)[0]
                await scenario(load, user, rng)

    await asyncio.gather(*(run_user(u, random.Random(u.chat_id)) for u in users))
    return seconds


class PhaseOver(Exception):
    """Raised in a user's next action once the paced phase's arrivals have stopped."""


async def paced(load: Load, users: list[SimUser], seconds: float, rate: float,
                scenarios: list[tuple[float, Scenario]], seed: int = 0) -> float:
    """Open loop: actions arrive at `rate` per second on average at random moments (a Poisson
    process, as from people acting independently); each arrival is the next action of a user
    who is not waiting for the bot, and its latency counts from the moment it was due (so a
    bot that falls behind shows it, instead of slowing the users down).

    Until 2026-12-05 each user instead waited `users / rate` from the start of their own
    previous action. That feeds the bot's latency back into the arrivals: once a slow moment
    let several users catch up, they acted together from then on, and the bot saw 0 updates
    in flight, then 20-25 at once, every 0.4 s (the same code ran with p95 12 ms or 150 ms
    depending on whether that had happened)."""
    weights = [w for w, _ in scenarios]
    arrivals: asyncio.Queue[float | None] = asyncio.Queue()  # due times; None: phase over
    deadline = time.monotonic() + seconds
    load.window_end = deadline

    async def arrive() -> None:
        rng, due = random.Random(seed), time.monotonic()
        while True:
            due += rng.expovariate(rate)
            if due >= deadline:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            arrivals.put_nowait(due)
        for _ in users:
            arrivals.put_nowait(None)

    async def act(user: SimUser, send: Callable[[], Awaitable[Any]]) -> None:
        due = await arrivals.get()
        if due is None:
            raise PhaseOver
        await load.act(user, send, due=due)

    async def run_user(user: SimUser) -> None:
        rng = random.Random(user.chat_id)
        user_load = _UserLoad(load, act)
        with contextlib.suppress(PhaseOver):
            while True:
                _, scenario = rng.choices(scenarios, weights)[0]
                await scenario(user_load, user, rng)

    await asyncio.gather(arrive(), *(run_user(u) for u in users))
    return seconds


class _UserLoad:
    """A Load view whose act() waits for the user's turn."""

    def __init__(self, load: Load, act) -> None:
        self._load, self.act, self.seeded = load, act, load.seeded

    async def say(self, user: SimUser, text: str) -> None:
        await self.act(user, lambda: user.send(text))

    async def press(self, user: SimUser, text: str) -> None:
        await self.act(user, lambda: user.press(text))


def summary(load: Load, wall: float) -> dict[str, Any]:
    lat = sorted(load.latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else float("nan")

    load.end_window()  # when no update finished after the window
    cpu = (load.cpu_at_end or 0.0) - load.cpu_started
    # Net of what the process spends with no update at all (its scheduler's ticks, the
    # polling loop): on a loaded machine few updates share that and it swells the per-update
    # figure of a bot with background jobs.
    idle = load.idle_cpu_per_s * ((load.wall_at_end or load.wall_started) - load.wall_started)
    bench_cpu = (load.bench_cpu_at_end or 0.0) - load.bench_cpu_started
    sql = (load.sql_at_end or 0) - load.sql_started
    return {"updates": load.in_window, "seconds": round(wall, 2),
            "updates_per_s": round(load.in_window / wall, 1) if wall else 0.0,
            # CPU of the bot's process per update (--same-process: of this whole process,
            # the emulator and the users included)
            "cpu_ms_per_update": round(cpu / max(load.in_window, 1) * 1000, 2),
            "net_cpu_ms_per_update": round(max(cpu - idle, 0.0) / max(load.in_window, 1) * 1000,
                                           2),
            "idle_cpu_ms_per_s": round(load.idle_cpu_per_s * 1000, 2),
            # this process: the emulator and the users (--same-process: the bot as well)
            "bench_cpu_ms_per_update": round(bench_cpu / max(load.in_window, 1) * 1000, 2),
            "sql_per_update": round(sql / max(load.in_window, 1), 1),
            # the machine's speed over the phase (bench/_speed_probe.py)
            "probe_ms": (SPEED.median_ms(load.wall_started, load.wall_at_end)
                         if SPEED is not None else None),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "unanswered": load.unanswered, "lost": load.lost,
            "errors": load.meter.errors() - load.errors_before}


# --- the bots --------------------------------------------------------------------------------

@contextlib.asynccontextmanager
async def our_bot(database_url: str, emulator: BotAPIEmulator
                  ) -> AsyncIterator[tuple[Any, Probe]]:
    settings = load_settings(database_url=database_url, log_level="WARNING", _env_file=None)
    probe = Probe(emulator)
    async with live_bot(settings, emulator) as live:
        outermost(live.app.dispatcher, probe.handled)
        yield live, probe


@contextlib.asynccontextmanager
async def echo_bot(emulator: BotAPIEmulator) -> AsyncIterator[Probe]:
    dp = echo_dispatcher()
    probe = Probe(emulator)
    outermost(dp, probe.handled)
    settings = Settings(telegram_api_base=emulator.base_url,  # type: ignore[call-arg]
                        send_per_second=float(UNLIMITED_SENDS), _env_file=None)
    bot: Bot = create_bot(settings, token=emulator.token)
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1,
                                                close_bot_session=False))
    try:
        for _ in range(1500):
            if any(c.method == "getUpdates" for c in emulator.calls):
                break
            await asyncio.sleep(0.02)
        yield probe
    finally:
        with contextlib.suppress(RuntimeError):
            await dp.stop_polling()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        await bot.session.close()


class BotProcess:
    """The bot under test as a process of its own (bench/_bot_process.py): what it handled, the
    SQL statements it sent and the errors it logged arrive over a pipe; its CPU time is read
    from /proc."""

    def __init__(self, process: asyncio.subprocess.Process, probe: Probe) -> None:
        self.process = process
        self.probe = probe
        self.statement_count = 0
        self.error_count = 0
        self.ticks = os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        """utime + stime of every thread of the process (fields 14 and 15 of /proc/PID/stat,
        counted after the command name, which may hold spaces)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.ticks

    def statements(self) -> int:
        return self.statement_count

    def errors(self) -> int:
        return self.error_count

    async def read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            parts = line.split()
            if parts[:1] == [b"D"]:
                self.statement_count = int(parts[2])
                self.probe.finish(int(parts[1]))
            elif parts[:1] == [b"E"]:
                self.error_count += 1


@contextlib.asynccontextmanager
async def bot_process(kind: str, database_url: str | None, emulator: BotAPIEmulator,
                      root: Path = ROOT) -> AsyncIterator[tuple[Probe, BotProcess]]:
    """`python -m bench._bot_process KIND` pointed at the emulator, once it polls; `root`: the
    source tree the bot's process runs (--baseline: another checkout of mentorbot)."""
    probe = Probe(emulator)
    read_fd, write_fd = os.pipe()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BOT_", "DATABASE_", "REDIS_"))}
    env.update({"PYTHONPATH": str(root), "BOT_TOKEN": emulator.token,
                "TELEGRAM_API_BASE": emulator.base_url or "", "LOG_LEVEL": "WARNING",
                "BOT_MODE": "polling", "REDIS_URL": "", "BENCH_REPORT_FD": str(write_fd),
                # the bot's capacity is measured, not Telegram's limit: no send budget
                "SEND_PER_SECOND": UNLIMITED_SENDS})
    if database_url:
        env["DATABASE_URL"] = database_url
    log = tempfile.TemporaryFile()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench._bot_process", kind, cwd=root, env=env,
            stdout=subprocess.DEVNULL, stderr=log, pass_fds=(write_fd,))
    finally:
        os.close(write_fd)
    reader = asyncio.StreamReader()
    transport, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", 0))
    child = BotProcess(process, probe)
    reading = asyncio.create_task(child.read(reader))
    try:
        deadline = time.monotonic() + 120
        while not any(c.method == "getUpdates" for c in emulator.calls):
            if process.returncode is not None or time.monotonic() > deadline:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"the {kind} bot process did not start polling:\n{tail}")
            await asyncio.sleep(0.05)
        yield probe, child
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        transport.close()
        log.close()


async def seed_database(database_url: str) -> SeededProgramme:
    """Migrations and the programme, in this process, before the bot's process starts."""
    from bot.runtime.factory import create_application
    from models.migrate import upgrade_async

    await upgrade_async(database_url)
    app = create_application(load_settings(database_url=database_url, log_level="WARNING",
                                           _env_file=None))
    try:
        return await seed_programme(app)
    finally:
        await app.close()


async def measure(kind: str, database_url: str | None, users: int, seconds: float, rate: float,
                  same_process: bool = False, latency: bool = True,
                  baseline: Path | None = None) -> dict[str, Any]:
    """Throughput (closed loop) then latency at `rate` (paced), each with fresh users. `kind`:
    mentorbot, floor (bench/_floor.py) or echo; floor and echo get plain text messages."""
    emulator = BotAPIEmulator(bot_username="bench_bot")
    await emulator.start()
    try:
        async with contextlib.AsyncExitStack() as stack:
            seeded: SeededProgramme | None = None
            scenarios = SCENARIOS if kind in OURS else [(1.0, echo_scenario)]
            if same_process:
                if kind == "floor":
                    raise ValueError("the floor runs in a process of its own only")
                meter: Any = SameProcess()
                if kind == "echo":
                    probe = await stack.enter_async_context(echo_bot(emulator))
                else:
                    live, probe = await stack.enter_async_context(
                        our_bot(database_url or "", emulator))
                    seeded = await seed_programme(live.app)
            else:
                if kind in OURS:
                    seeded = await seed_database(database_url or "")
                elif kind == "floor":
                    await create_floor_tables(database_url or "")
                probe, meter = await stack.enter_async_context(bot_process(
                    "mentorbot" if kind == "baseline" else kind, database_url, emulator,
                    baseline if kind == "baseline" and baseline is not None else ROOT))
            # Warm-up, not measured: the connection pool filled, statements compiled and
            # cached, the first contacts of a few people (every bot pays these once).
            warm = [emulator.user(1_000_000 + n, first_name="B") for n in range(users // 4 + 1)]
            await closed_loop(Load(emulator, probe, seeded, meter), warm,
                              min(3.0, seconds / 4), scenarios)
            # The bot's CPU with nothing to do, for a figure net of it (summary()).
            idle_started, idle_cpu = time.monotonic(), meter.cpu()
            await asyncio.sleep(IDLE_SECONDS)
            idle_per_s = max(meter.cpu() - idle_cpu, 0.0) / (time.monotonic() - idle_started)
            group_a = [emulator.user(2_000_000 + n, first_name="B") for n in range(users)]
            group_b = [emulator.user(3_000_000 + n, first_name="B") for n in range(users)]
            load = Load(emulator, probe, seeded, meter)
            load.idle_cpu_per_s = idle_per_s
            wall = await closed_loop(load, group_a, seconds, scenarios)
            throughput = summary(load, wall)
            at_rate = None
            if latency:
                load = Load(emulator, probe, seeded, meter)
                load.idle_cpu_per_s = idle_per_s
                wall = await paced(load, group_b, seconds, rate, scenarios)
                at_rate = summary(load, wall)
    finally:
        await emulator.stop()
    return {"bot": kind, "throughput": throughput, "at_rate": at_rate}


# --- PostgreSQL: a fresh database per run ------------------------------------------------------

async def _pg_admin(sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    from scheduler.leader import asyncpg_dsn

    url = make_url(POSTGRES_URL).set(database="postgres")
    connection = await asyncpg.connect(asyncpg_dsn(url.render_as_string(hide_password=False)),
                                       timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str | None]:
    from sqlalchemy.engine import make_url

    name = f"mb_bench_{uuid.uuid4().hex[:10]}"
    try:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}); its column is skipped",
              file=sys.stderr)
        yield None
        return
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def on_each_backend(measure: Callable[..., Awaitable[dict]], no_postgres: bool,
                          **sizes: Any) -> list[dict]:
    """`measure(url, **sizes)` on a fresh migrated SQLite file, then (unless `no_postgres`) on a
    fresh migrated PostgreSQL database when one is reachable."""
    from models.migrate import upgrade

    found = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        found.append(await measure(url, **sizes))
    if not no_postgres:
        async with postgres_database() as url:
            if url is not None:
                await asyncio.to_thread(upgrade, url)
                found.append(await measure(url, **sizes))
    return found


# --- memory of one bot process with 50,000 participations ------------------------------------

async def seed_participations(database_url: str, count: int) -> None:
    from sqlalchemy import insert

    from bot.db import create_engine, create_sessionmaker
    from bot.runtime.factory import create_application
    from models import Participation, User
    from models.base import utcnow
    from models.migrate import upgrade_async

    await upgrade_async(database_url)
    app = create_application(load_settings(database_url=database_url, _env_file=None))
    try:
        seeded = await seed_programme(app)
    finally:
        await app.close()
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    now = utcnow()
    batch = 5_000
    async with sessionmaker() as session, session.begin():
        for start in range(0, count, batch):
            ids = range(10_000_000 + start, 10_000_000 + min(count, start + batch))
            user_rows = (await session.execute(
                insert(User).returning(User.id),
                [{"telegram_id": i, "locale": "ru", "created_at": now} for i in ids])).scalars()
            await session.execute(insert(Participation), [
                {"programme_id": seeded.programme_id, "user_id": uid,
                 "role": "mentor" if n % 4 == 0 else "mentee", "state": "ready",
                 "age_group": "adult", "form": "teacher_teacher",
                 "full_name": f"Участник {n}", "created_at": now, "consent_at": now,
                 "ready_at": now}
                for n, uid in enumerate(user_rows, start)])
    await engine.dispose()


def _rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


async def measure_memory(participations: int, updates: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'memory.db'}"
        await seed_participations(database_url, participations)
        emulator = BotAPIEmulator(bot_username="bench_bot")
        await emulator.start()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_TOKEN": emulator.token,
               "TELEGRAM_API_BASE": emulator.base_url or "", "DATABASE_URL": database_url,
               "LOG_LEVEL": "WARNING", "BOT_MODE": "polling", "REDIS_URL": "",
               "SEND_PER_SECOND": UNLIMITED_SENDS}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if any(c.method == "getUpdates" for c in emulator.calls):
                    break
                await asyncio.sleep(0.1)
            users = [emulator.user(4_000_000 + n, first_name="M") for n in range(50)]
            texts = ["/start", "/help", "/timezone", "Asia/Omsk", "/language"]
            sent = 0
            while sent < updates:
                for user in users:
                    await user.send(texts[sent % len(texts)])
                    sent += 1
                await emulator.settle(quiet=0.05, timeout=60)
            await emulator.settle(quiet=0.5, timeout=60)
            rss, peak = _rss_mb(process.pid)
        finally:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
            await emulator.stop()
    return {"participations": participations, "updates": sent, "rss_mb": round(rss, 1),
            "peak_rss_mb": round(peak, 1), "target_mb": TARGET_RSS_MB,
            "bare_aiogram_mb": await bare_aiogram_rss()}


async def bare_aiogram_rss() -> float:
    """RSS of a process that only imports aiogram and builds a Bot and a Dispatcher: the floor
    any aiogram bot starts from."""
    code = ("from aiogram import Bot, Dispatcher; import re; Dispatcher(); "
            "Bot('1:x'); print(re.search(r'VmRSS:\\s+(\\d+)', "
            "open('/proc/self/status').read()).group(1))")
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code,
                                                   stdout=subprocess.PIPE)
    out, _ = await process.communicate()
    return round(int(out.decode().strip() or 0) / 1024, 1)


# --- the command -------------------------------------------------------------------------------

BOTS = ("mentorbot", "floor")  # measured on each database; echo once per round (no database)
OURS = ("mentorbot", "baseline")  # baseline: mentorbot from another checkout (--baseline)


async def run(users: int, seconds: float, rate: float, memory: bool,
              participations: int, postgres: bool, same_process: bool = False,
              rounds: int = 3, latency: bool = True,
              only: tuple[str, ...] = ("echo", *BOTS), baseline: Path | None = None,
              sqlite: bool = True) -> dict[str, Any]:
    """`rounds` rounds, each: echo, then on SQLite and on PostgreSQL the floor and mentorbot,
    every one with a fresh database and fresh users; so a change of the machine's load during
    the run touches all of them alike. The table is the median of the rounds."""
    results: dict[str, Any] = {"bench": "updates", "users": users, "seconds": seconds,
                               "rate": rate, "rounds": rounds,
                               "mode": "same-process" if same_process else "bot process",
                               "load_average": [round(x, 2) for x in os.getloadavg()],
                               "runs": []}
    STATEMENTS.install()
    bots = tuple(b for b in (("mentorbot",) if same_process else BOTS) if b in only)
    if baseline is not None and not same_process:
        bots += ("baseline",)
        results["baseline"] = str(baseline)
    global SPEED
    async with SpeedProbe() as SPEED:
        await _rounds(results, rounds, only, bots, users, seconds, rate, same_process, latency,
                      baseline, sqlite, postgres)
        results["probe_ms"] = SPEED.median_ms()
    SPEED = None
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["cpu_table"] = cpu_table(results["runs"], results["probe_ms"])
    if memory:
        results["memory"] = await measure_memory(participations, 300)
    return results


async def _rounds(results: dict[str, Any], rounds: int, only: tuple[str, ...],
                  bots: tuple[str, ...], users: int, seconds: float, rate: float,
                  same_process: bool, latency: bool, baseline: Path | None, sqlite: bool,
                  postgres: bool) -> None:
    for number in range(1, rounds + 1):
        if "echo" in only:
            results["runs"].append({**await measure("echo", None, users, seconds, rate,
                                                    same_process, latency), "round": number})
        for kind in bots if sqlite else ():
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                results["runs"].append({**await measure(kind, url, users, seconds, rate,
                                                        same_process, latency, baseline),
                                        "database": "sqlite", "round": number})
        if postgres:
            for kind in bots:
                async with postgres_database() as url:
                    if url is None:
                        postgres = False
                        break
                    results["runs"].append({**await measure(kind, url, users, seconds, rate,
                                                            same_process, latency, baseline),
                                            "database": "postgresql", "round": number})
        for run_ in results["runs"]:
            if run_.get("round") == number and not run_.get("shown"):
                run_["shown"] = True
                print(f"round {number}: {run_['bot']} {run_.get('database', '')}: "
                      f"{run_['throughput']['cpu_ms_per_update']} CPU ms/upd, "
                      f"{run_['throughput']['updates_per_s']} upd/s; load "
                      f"{os.getloadavg()[0]:.1f}; probe {run_['throughput']['probe_ms']} ms",
                      file=sys.stderr, flush=True)


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def cpu_table(runs: list[dict[str, Any]], probe_ms: float | None = None
              ) -> dict[str, dict[str, Any]]:
    """Per database: the median over the rounds of the bot process's CPU ms per update in the
    closed loop, for mentorbot, the floor and echo (echo has no database: the same figure in
    both rows), and mentorbot's ratio to the floor."""
    def cpu(kind: str, database: str | None, figure: str = "cpu_ms_per_update") -> list[float]:
        return [r["throughput"][figure] for r in runs
                if r["bot"] == kind and r.get("database") == database
                and r["throughput"]["updates"]]

    def net(kind: str, database: str | None) -> float | None:
        value = _median(cpu(kind, database, "net_cpu_ms_per_update"))
        return None if value is None else round(value, 2)

    echo = _median(cpu("echo", None))
    table: dict[str, dict[str, Any]] = {}
    for database in ("sqlite", "postgresql"):
        ours, floor = _median(cpu("mentorbot", database)), _median(cpu("floor", database))
        before = _median(cpu("baseline", database))
        if ours is None and floor is None:
            continue
        table[database] = {
            "mentorbot": None if ours is None else round(ours, 2), "floor": None if floor is None else round(floor, 2),
            "echo": None if echo is None else round(echo, 2),
            "mentorbot_to_floor": round(ours / floor, 2) if floor and ours is not None else None,
            "echo_to_floor": round(echo / floor, 2) if floor and echo is not None else None,
            "rounds": {"mentorbot": cpu("mentorbot", database), "floor": cpu("floor", database),
                       "echo": cpu("echo", None)},
            # the same, net of each process's CPU with no update (background jobs)
            "net": {"mentorbot": net("mentorbot", database), "floor": net("floor", database),
                    "echo": net("echo", None), "baseline": net("baseline", database)}}
        if probe_ms:
            table[database]["at_usual_speed"] = _at_usual_speed(runs, database, probe_ms)
        if before is not None:
            table[database].update(
                baseline=round(before, 2),
                baseline_to_floor=round(before / floor, 2) if floor else None)
            table[database]["rounds"]["baseline"] = cpu("baseline", database)
    return table


def _at_usual_speed(runs: list[dict[str, Any]], database: str, probe_ms: float
                    ) -> dict[str, Any]:
    """Each phase's CPU per update at the run's usual speed (bench/_speed_probe.py): times the
    probe's median over the run, over its median during the phase; then the medians of the
    rounds and the ratios to the floor."""
    def figures(kind: str) -> list[float]:
        return [round(r["throughput"]["cpu_ms_per_update"] * probe_ms
                      / r["throughput"]["probe_ms"], 2)
                for r in runs if r["bot"] == kind and r.get("database") == database
                and r["throughput"]["updates"] and r["throughput"].get("probe_ms")]

    row: dict[str, Any] = {"probe_ms": probe_ms, "rounds": {}}
    for kind in ("mentorbot", "floor", "baseline"):
        values = figures(kind)
        if values:
            row["rounds"][kind] = values
            row[kind] = round(_median(values) or 0.0, 2)
    for kind in ("mentorbot", "baseline"):
        if row.get(kind) is not None and row.get("floor"):
            row[f"{kind}_to_floor"] = round(row[kind] / row["floor"], 2)
    return row


def verdict(results: dict[str, Any]) -> tuple[bool, list[str]]:
    lines, ok = [], True
    same = results.get("mode") == "same-process"
    lines.append("one process: bot, emulator and users (CPU ms/upd is all of it)" if same else
                 "the bot in its own process (CPU ms/upd: the bot's process; bench ms/upd: the "
                 "emulator and the users)")
    lines.append(f"{'bot':<22}{'round':>6}{'updates/s':>10}{'p50 ms':>9}{'p95 ms':>9}"
                 f"{'CPU ms/upd':>11}{'bench ms/upd':>13}{'SQL/upd':>8}"
                 f"  at {results['rate']:g}/s: {'upd/s':>6}{'p50 ms':>7}{'p95 ms':>8}")
    for run_ in results["runs"]:
        name = run_["bot"] + (f" ({run_['database']})" if "database" in run_ else "")
        t, r = run_["throughput"], run_["at_rate"]
        phases = [p for p in (t, r) if p is not None]
        failures = sum(p[k] for p in phases for k in ("unanswered", "lost", "errors"))
        paced_text = (f"{r['updates_per_s']:>6}{r['p50_ms']:>7}{r['p95_ms']:>8}" if r else
                      f"{'-':>6}{'-':>7}{'-':>8}")
        lines.append(f"{name:<22}{run_.get('round', 1):>6}{t['updates_per_s']:>10}"
                     f"{t['p50_ms']:>9}{t['p95_ms']:>9}{t['cpu_ms_per_update']:>11}"
                     f"{t['bench_cpu_ms_per_update']:>13}{t['sql_per_update']:>8}"
                     f"  {'':>10}{paced_text}"
                     + (f"  {failures} failed/unanswered" if failures else ""))
        if run_["bot"] != "echo":
            ok &= failures == 0
        if run_["bot"] == "mentorbot" and r is not None:
            ok &= r["p95_ms"] < TARGET_P95_MS
    table = results.get("cpu_table", {})
    rounds = results.get("rounds", 1)
    lines.append(f"CPU ms per update, closed loop, median of {rounds} round(s); load average "
                 f"{' '.join(map(str, results.get('load_average', [])))} at the start, "
                 f"{' '.join(map(str, results.get('load_average_after', [])))} at the end:")
    lines.append(f"  {'':<12}{'mentorbot':>10}{'floor':>8}{'echo':>8}"
                 f"{'mentorbot/floor':>17}{'echo/floor':>12}")
    for database, row in table.items():
        def cell(value: Any, suffix: str = "") -> str:
            return "-" if value is None else f"{value:.2f}{suffix}"
        lines.append(f"  {'SQLite' if database == 'sqlite' else 'PostgreSQL':<12}"
                     f"{cell(row['mentorbot']):>10}{cell(row['floor']):>8}{cell(row['echo']):>8}"
                     f"{cell(row['mentorbot_to_floor'], '×'):>17}"
                     f"{cell(row['echo_to_floor'], '×'):>12}")
        nets = row.get("net", {})
        if nets.get("mentorbot") is not None:
            ratio = (f"{nets['mentorbot'] / nets['floor']:.2f}×" if nets.get("floor") else "-")
            lines.append(f"  {'  net of idle':<12}{cell(nets['mentorbot']):>10}"
                         f"{cell(nets.get('floor')):>8}{cell(nets.get('echo')):>8}{ratio:>17}")
        if "baseline" in row:
            lines.append(f"  {'  baseline':<12}{cell(row['baseline']):>10}{'':>16}"
                         f"{cell(row['baseline_to_floor'], '×'):>17}   ({results['baseline']})")
            if nets.get("baseline") is not None and nets.get("floor"):
                lines.append(f"  {'  net of idle':<12}{cell(nets['baseline']):>10}{'':>16}"
                             f"{nets['baseline'] / nets['floor']:>16.2f}×")
        usual = row.get("at_usual_speed")
        if usual and usual.get("mentorbot_to_floor") is not None:
            lines.append(f"  {'  usual speed':<12}{usual['mentorbot']:>10.2f}"
                         f"{usual['floor']:>8.2f}{'':>8}{usual['mentorbot_to_floor']:>16.2f}×"
                         + (f"   baseline {usual['baseline']:.2f} = "
                            f"{usual['baseline_to_floor']:.2f}×"
                            if usual.get("baseline_to_floor") is not None else "")
                         + f"   (bench/_speed_probe.py, {usual['probe_ms']:.2f} ms)")
        if row["mentorbot"] is not None:  # no floor measured (--only): no verdict either
            ok &= (row["mentorbot_to_floor"] is not None
                   and row["mentorbot_to_floor"] <= TARGET_FLOOR_RATIO)
    memory = results.get("memory")
    if memory:
        lines.append(f"memory: {memory['participations']:,} participations, "
                     f"{memory['updates']} updates: RSS {memory['rss_mb']} MB "
                     f"(peak {memory['peak_rss_mb']} MB; target < {TARGET_RSS_MB:g} MB; "
                     f"a bare aiogram process: {memory['bare_aiogram_mb']} MB)")
        ok &= memory["peak_rss_mb"] < TARGET_RSS_MB
    lines.append(f"targets: CPU per update <= {TARGET_FLOOR_RATIO:g}× the floor's, p95 < "
                 f"{TARGET_P95_MS:g} ms at {results['rate']:g}/s, no failed update -> "
                 f"{'OK' if ok else 'MISSED'}")
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.updates",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase and bot")
    parser.add_argument("--rate", type=float, default=100.0, help="updates/s of the latency phase")
    parser.add_argument("--participations", type=int, default=50_000)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true",
                        help="PostgreSQL only (a quicker run when only its figures changed)")
    parser.add_argument("--same-process", action="store_true",
                        help="the bot in this process, with the emulator and the users (the "
                             "mode of the figures before 2026-11-22)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of every bot; the table shows the medians")
    parser.add_argument("--only", nargs="+", choices=("echo", *BOTS), default=("echo", *BOTS),
                        help="measure just these bots (the table then has gaps)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="also measure mentorbot from this checkout (before/after in one "
                             "run; same database schema)")
    parser.add_argument("--no-latency", action="store_true",
                        help="the closed loop only (CPU per update), no phase at --rate")
    parser.add_argument("--quick", action="store_true",
                        help="20 users, 1 s phases, one round, SQLite only, no memory check "
                             "(a smoke run: the figures come from full runs)")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.seconds, args.no_postgres, args.no_memory = 20, 1.0, True, True
        args.rounds = 1
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    results = asyncio.run(run(args.users, args.seconds, args.rate, not args.no_memory,
                              args.participations, not args.no_postgres, args.same_process,
                              max(1, args.rounds), not args.no_latency, tuple(args.only),
                              args.baseline, not args.no_sqlite))
    ok, lines = verdict(results)
    results["status"] = "ok" if ok else "missed"
    print("Update handling:\n  " + "\n  ".join(lines))
    # The last line: one JSON object (bench/__main__.py reads it).
    print(json.dumps(results, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
