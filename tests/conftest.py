from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import logging
import os
import shutil
import socket
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.emulator.live as _emulator_live
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.db import create_engine, create_sessionmaker
from bot.emulator import BotAPIEmulator
from bot.emulator.live import LiveBot, live_bot
from bot.emulator.seed import seed_programme
from bot.i18n import create_translator
from bot.runtime.factory import Application, create_application
from models.migrate import upgrade_async
from tests.e2e.world import T0, World

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_missing(name: str, reason: str) -> None:
    """Skip on a developer's machine without the service; fail in CI, where it must be there."""
    message = f"{name} is not reachable ({reason}); start it or unset REQUIRE_SERVICES"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'mentorbot.db'}"


# TEST_BACKEND=postgres runs the tests that use `settings` (the end-to-end suite) on a fresh
# PostgreSQL database each, with conversation state in Redis: the scale path of a deployment.
# Several engineers (and CI) may run it at once against the same servers: every test gets a
# database and a Redis key prefix named after this host, this process and a random part, and
# removes them afterwards; what a killed run left behind is removed by the next run on the host.
TEST_BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
REDIS_TEST_DB = 13  # shared by concurrent runs: they keep apart by key prefix, never flush
TEST_DATABASE_PREFIX = "mb_test_"
TEST_REDIS_PREFIX = "mbtest_"
_HOST_TAG = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_reaped_databases = _reaped_redis = False  # once per process


def _dead_run(name: str, prefix: str) -> bool:
    """Whether `name` (prefix + host_pid_random) belongs to a test process of this host that
    is gone."""
    host, _, rest = name.removeprefix(prefix).partition("_")
    pid = rest.partition("_")[0]
    if host != _HOST_TAG or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


async def _reap_databases(connection) -> None:
    global _reaped_databases
    if _reaped_databases:
        return
    _reaped_databases = True
    names = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                   TEST_DATABASE_PREFIX.replace("_", "\\_") + "%")
    for (name,) in names:
        if _dead_run(name, TEST_DATABASE_PREFIX):
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _reap_redis_keys(redis) -> None:
    global _reaped_redis
    if _reaped_redis:
        return
    _reaped_redis = True
    async for key in redis.scan_iter(match=f"{TEST_REDIS_PREFIX}{_HOST_TAG}_*", count=500):
        if _dead_run(key.decode().partition(":")[0], TEST_REDIS_PREFIX):
            await redis.unlink(key)


async def _as_admin(work):
    import asyncpg

    try:
        connection = await asyncpg.connect(
            POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        service_missing("PostgreSQL", str(exc))
    try:
        return await work(connection)
    finally:
        await connection.close()


async def create_postgres_database(template: str | None = None) -> str:
    """A fresh PostgreSQL database, empty or a copy of `template` (a database's name); returns
    its URL. Named after this run, so what a killed run left behind is dropped by the next run
    on this host."""
    name = TEST_DATABASE_PREFIX + unique_run_name()
    copy = f' TEMPLATE "{template}"' if template else ""

    async def create(connection) -> None:
        await _reap_databases(connection)
        await connection.execute(f'CREATE DATABASE "{name}"{copy}')

    await _as_admin(create)
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _as_admin(lambda connection: connection.execute(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.asynccontextmanager
async def postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """The one scratch PostgreSQL database of the tests: created fresh (empty, or a copy of
    `template`), dropped afterwards."""
    url = await create_postgres_database(template)
    try:
        yield url
    finally:
        await drop_postgres_database(url)


@contextlib.contextmanager
def postgres_database_sync() -> Iterator[str]:
    """postgres_database for synchronous fixtures (module-scoped ones have no event loop)."""
    url = asyncio.run(create_postgres_database())
    try:
        yield url
    finally:
        asyncio.run(drop_postgres_database(url))


# A migrated database per test without running the migrations per test: each process migrates
# a template once (a SQLite file; a PostgreSQL database named like the scratch ones, so a killed
# run's template is reaped too) and each test's database starts as a copy of it. The migrations
# themselves are tested from an empty database in tests/test_migrations.py.
_templates: dict[str, str] = {}  # backend -> the template's URL
_prepared: set[str] = set()  # the test databases made from it in this process


async def _template(backend: str) -> str:
    if backend not in _templates:
        if backend == "postgres":
            url = await create_postgres_database()
            atexit.register(lambda: asyncio.run(drop_postgres_database(url)))
        else:
            folder = tempfile.mkdtemp(prefix="mentorbot-template-")
            atexit.register(shutil.rmtree, folder, True)
            url = f"sqlite+aiosqlite:///{folder}/template.db"
        await upgrade_async(url)
        _templates[backend] = url
    return _templates[backend]


def _copy_sqlite(template_url: str, database_url: str) -> bool:
    """Copy the template's file to the database's path, unless a file is there already."""
    path = Path(database_url.split("///", 1)[1])
    if path.exists():
        return False
    with contextlib.closing(sqlite3.connect(template_url.split("///", 1)[1])) as source, \
            contextlib.closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return True


async def migrated(database_url: str) -> None:
    """Bring a test's database (empty, or not yet there) to the head revision: a copy of this
    process's migrated template. Once per database: a second call changes nothing."""
    if database_url in _prepared:
        return
    _prepared.add(database_url)
    if database_url.startswith("sqlite"):
        template = await _template("sqlite")
        if not _copy_sqlite(template, database_url):  # a file there already: migrate it
            await upgrade_async(database_url)
        return
    # A PostgreSQL database made elsewhere (backend_urls makes its own from the template).
    template = (await _template("postgres")).rsplit("/", 1)[1]
    name = database_url.rsplit("/", 1)[1]

    async def recreate(connection) -> None:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    await _as_admin(recreate)


async def _migrate_for_live_bot(database_url: str, revision: str = "head") -> None:
    if revision != "head":
        await upgrade_async(database_url, revision)
    else:
        await migrated(database_url)


# bot.emulator.live.live_bot (a test and demo tool) migrates the database it is given: in the
# tests, from this process's template.
_emulator_live.upgrade_async = _migrate_for_live_bot


def unique_run_name() -> str:
    """Unique among concurrent runs (host, process, random); names a database or a key prefix."""
    return f"{_HOST_TAG}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def redis_test_prefix() -> str:
    return TEST_REDIS_PREFIX + unique_run_name()


async def delete_redis_keys(redis, prefix: str) -> None:
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=500)]
    if keys:
        await redis.unlink(*keys)


@pytest.fixture
def redis_key_prefix() -> str:
    """This test's Redis keys start with it (a test giving the bot a Redis URL shares the db)."""
    return redis_test_prefix()


@pytest.fixture
async def backend_urls(sqlite_url: str, redis_key_prefix: str
                       ) -> AsyncIterator[tuple[str, str | None, str]]:
    """(database URL, Redis URL or None, Redis key prefix) of one test."""
    if TEST_BACKEND != "postgres":
        yield sqlite_url, None, redis_key_prefix
        return
    from redis.asyncio import Redis

    redis_url = f"{REDIS_URL.rsplit('/', 1)[0]}/{REDIS_TEST_DB}"
    redis = Redis.from_url(redis_url, socket_timeout=5)
    try:
        try:
            await redis.ping()
        except Exception as exc:
            service_missing("Redis", repr(exc))
        await _reap_redis_keys(redis)
        # The end-to-end tests' database: a copy of this process's migrated template.
        template = (await _template("postgres")).rsplit("/", 1)[1]
        async with postgres_database(template) as database_url:
            _prepared.add(database_url)
            try:
                yield database_url, redis_url, redis_key_prefix
            finally:
                await delete_redis_keys(redis, redis_key_prefix)
    finally:
        await redis.aclose()


@pytest.fixture
def settings(backend_urls: tuple[str, str | None, str], monkeypatch: pytest.MonkeyPatch
             ) -> Settings:
    for name in ("BOT_TOKEN", "REDIS_URL", "TELEGRAM_API_BASE", "ADMIN_IDS", "DATABASE_URL",
                 "REDIS_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    database_url, redis_url, key_prefix = backend_urls
    return load_settings(database_url=database_url, redis_url=redis_url,
                         redis_key_prefix=key_prefix, _env_file=None)


@pytest.fixture(params=["sqlite", "postgresql"])
async def backend_sessionmaker(request: pytest.FixtureRequest, sqlite_url: str
                               ) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database of each backend in turn, whatever TEST_BACKEND says:
    for services whose SQL differs between SQLite and PostgreSQL."""
    async with contextlib.AsyncExitStack() as stack:
        url = (sqlite_url if request.param == "sqlite"
               else await stack.enter_async_context(postgres_database()))
        await migrated(url)
        engine = create_engine(url)
        try:
            yield create_sessionmaker(engine)
        finally:
            await engine.dispose()


@pytest.fixture
def translator():
    return create_translator("ru", strict=True)


@pytest.fixture
async def app(settings: Settings, translator) -> AsyncIterator[Application]:
    await migrated(settings.database_url)
    application = create_application(settings, translator)
    yield application
    await application.close()


# --- The live bot against the Bot API emulator (end-to-end tests) ------------------------------

@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    emu = BotAPIEmulator(bot_username="mentorbot_test_bot")
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
async def live(settings: Settings, emulator: BotAPIEmulator) -> AsyncIterator[LiveBot]:
    """The real polling loop in this process; steps wait with LiveBot.handled & co."""
    await migrated(settings.database_url)
    async with live_bot(settings, emulator) as running:
        yield running


@pytest.fixture
async def world(settings: Settings, emulator: BotAPIEmulator) -> AsyncIterator[World]:
    """The live bot with a manual clock driving its scheduler and sender, one programme."""
    settings = settings.model_copy(update={"outbox_tick_seconds": 0.3})
    await migrated(settings.database_url)
    async with live_bot(settings, emulator) as live:
        clock = ManualClock(T0)
        scheduler = live.app.dispatcher["scheduler"]
        scheduler.clock = clock
        scheduler.sender.clock = clock
        seeded = await seed_programme(live.app)
        yield World(live, emulator, clock, seeded.programme_id, seeded.organisation_id)


# --- Privacy of logs: everything logged during the whole run is scanned at the end -------------

# Names and answers the tests type as people, and the emulator's token: none may reach a log.
PERSONAL_MARKERS = ("Смирнова Анна", "Гертрудова", "Секретная Персона", "Петров Борис",
                    "Иванов Миша", "Петров Пётр", "Учитель физики", "Секретик", "Кураторова",
                    "Дмитриев Дмитрий", "EMULATOR-token",
                    # tests/e2e/test_forget_everywhere.py: the person who withdraws
                    "Забывающая", "Секретный ответ Лизы",
                    # tests/chaos: the names people type ("Хаосов Участник 3") and their
                    # Telegram first names ("Хаосик3"), in every bot process's log too
                    "Хаосов", "Хаосик", "Учитель истории",
                    # tests/region: participants a regional coordinator must never see
                    "Скрытов Участник")
SUBPROCESS_LOGS: list[Path] = []  # log files of bot processes the tests started


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = record.getMessage()
        except Exception:  # a broken record is not a privacy leak
            return
        if record.exc_info:
            line += "\n" + logging.Formatter().formatException(record.exc_info)
        elif record.exc_text:  # rendered already (bot/runtime/log_privacy.py)
            line += "\n" + record.exc_text
        self.lines.append(f"{record.name}: {line}")


_collector = _Collector()


# The async tests run on the loop `mentorbot run` takes (bot/runtime/event_loop.py: uvloop where
# installed); TEST_EVENT_LOOP=asyncio runs them on the standard library's loop instead.
TEST_EVENT_LOOP = os.environ.get("TEST_EVENT_LOOP", "auto")


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item):
    from bot.runtime.event_loop import loop_name, named_loop_factory

    try:
        factory = named_loop_factory(TEST_EVENT_LOOP)
    except ValueError as exc:
        raise pytest.UsageError(f"TEST_EVENT_LOOP={exc}") from None
    return {loop_name(factory): factory}


def pytest_configure(config: pytest.Config) -> None:
    root = logging.getLogger()
    root.addHandler(_collector)
    root.setLevel(logging.INFO)


# The longest tests and modules (a minute or more each, or the "timing" group's), longest
# first: handed to the workers first, so that the run does not end waiting for one of them
# started last.
LONG_FIRST = ("tests/scale/test_deploy.py::test_bench_quick_runs_every_benchmark[updates]",
              "tests/chaos/test_chaos.py::test_kills_and_api_faults",
              "tests/test_demo.py", "tests/chaos/",
              "tests/scale/test_deploy.py::test_bench_quick_runs_every_benchmark[roadmap_upload]",
              "tests/scale/test_deploy.py",
              "tests/scale/test_two_instances.py", "tests/matching/test_matching_properties.py",
              "tests/roadmap/test_roadmap_limits.py", "tests/delivery/test_crash.py",
              "tests/delivery/test_sender_emulator.py", "tests/scale/test_webhook.py",
              "tests/scale/test_backup.py", "tests/test_hostile_input.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long modules first (a stable sort: a module's own order stays). With
    TEST_BACKEND=postgres only the tests that run on the configured backend (those using
    `settings`) are run: the others would repeat the first pass exactly."""
    items.sort(key=lambda item: next((n for n, prefix in enumerate(LONG_FIRST)
                                      if item.nodeid.startswith(prefix)), len(LONG_FIRST)))
    # The "timing" xdist group also carries the `timing` marker: scripts/test runs those alone.
    for item in items:
        if any(mark.args[:1] == ("timing",) or mark.kwargs.get("name") == "timing"
               for mark in item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.timing)
    if TEST_BACKEND != "postgres":
        return
    kept = [item for item in items if "settings" in getattr(item, "fixturenames", ())]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


# A teardown that hangs (seen a few times under heavy parallel load, ending at pytest-timeout's
# 300 s) is shown where it waits: after TEARDOWN_WATCH seconds every unfinished asyncio task's
# stack (a thread dump alone shows only the event loop's select) and every thread's, to stderr
# and to a file in $TEST_ARTIFACTS (or the temporary folder): pytest-xdist workers' stderr is
# not shown.
TEARDOWN_WATCH = float(os.environ.get("TEST_TEARDOWN_WATCH", "60"))


def _awaiting(coroutine: object) -> list[str]:
    """Where a suspended coroutine waits, down its whole chain of awaits (a task's own stack
    shows only its outermost frame). An `async_generator_asend` (what `__anext__()` returns)
    does not expose its generator: it is found among the objects it refers to."""
    import gc
    import inspect

    lines: list[str] = []
    seen: set[int] = set()
    current = coroutine
    while current is not None and id(current) not in seen and len(lines) < 200:
        seen.add(id(current))
        frame = (getattr(current, "cr_frame", None) or getattr(current, "gi_frame", None)
                 or getattr(current, "ag_frame", None))
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} in "
                         f"{frame.f_code.co_name}\n")
        following = next((getattr(current, name) for name in
                          ("cr_await", "gi_yieldfrom", "ag_await")
                          if getattr(current, name, None) is not None), None)
        if following is None and frame is None:
            referents = gc.get_referents(current)
            following = next((ref for ref in referents
                              if inspect.iscoroutine(ref) or inspect.isgenerator(ref)
                              or inspect.isasyncgen(ref)), None)
            if following is None:  # a future's iterator: the future says what it is
                current = next((ref for ref in referents if asyncio.isfuture(ref)), current)
        if following is None:
            lines.append(f"  waits on {current!r}"[:500] + "\n")
        current = following
    return lines


def _dump_waiting(nodeid: str) -> None:
    import faulthandler
    import io
    import sys

    report = io.StringIO()
    report.write(f"\n=== teardown of {nodeid} still running after {TEARDOWN_WATCH:.0f} s\n")
    for task in list(asyncio.tasks._all_tasks):  # type: ignore[attr-defined]  # every loop's
        if not task.done():
            report.write(f"--- {task!r}\n" + "".join(_awaiting(task.get_coro())))
    text = report.getvalue()
    folder = Path(os.environ.get("TEST_ARTIFACTS") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"teardown-hang-{os.getpid()}.txt"
    with path.open("a") as dump:
        dump.write(text)
        dump.write("--- threads\n")
        dump.flush()
        faulthandler.dump_traceback(file=dump, all_threads=True)
    sys.__stderr__.write(text + f"(and the threads: {path})\n")


# TEST_CPU_LOG=path: each test's CPU seconds (this process's, and its children's that ended
# during it: bot processes, benchmarks, installs) appended as "nodeid<TAB>self<TAB>children",
# to see where CI's CPU goes (docs/testing.md).
CPU_LOG = os.environ.get("TEST_CPU_LOG")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    if not CPU_LOG:
        yield
        return
    import resource
    import time

    def children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    own, kids = time.process_time(), children()
    yield
    with open(CPU_LOG, "a") as log:
        log.write(f"{item.nodeid}\t{time.process_time() - own:.2f}\t{children() - kids:.2f}\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    watch = threading.Timer(TEARDOWN_WATCH, _dump_waiting, args=(item.nodeid,))
    watch.daemon = True
    watch.start()
    try:
        yield
    finally:
        watch.cancel()


def _leaks() -> list[str]:
    lines = list(_collector.lines)
    for path in SUBPROCESS_LOGS:
        if path.exists():
            lines += path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(marker in line for marker in PERSONAL_MARKERS)]


_worker_leaks: list[str] = []  # with pytest-xdist: what the workers found, gathered here


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """pytest-xdist: a worker finished; it scanned its own log (pytest_sessionfinish)."""
    _worker_leaks.extend(getattr(node, "workeroutput", {}).get("privacy_leaks", []))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaks = _leaks()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller reports
        workeroutput["privacy_leaks"] = leaks[:10]
        return
    leaks += _worker_leaks
    if leaks:
        print("\nPersonal data or a token reached the log:\n" + "\n".join(leaks[:10]))
        session.exitstatus = 1
