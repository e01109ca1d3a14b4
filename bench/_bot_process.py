"""The bot under test in a process of its own, for bench.updates (the default mode there):

    python -m bench._bot_process mentorbot   # exactly `python -m bot run`, plus the report
    python -m bench._bot_process echo        # a bare aiogram echo bot (the framework's ceiling)
    python -m bench._bot_process floor       # the stack floor (bench/_floor.py): ORM, one write

Configured like `python -m bot run` (BOT_TOKEN, TELEGRAM_API_BASE, DATABASE_URL, ...). The
underscore keeps `python -m bench` from taking this module for a benchmark of its own.

BENCH_REPORT_FD names a pipe (inherited from the bench process) on which this process reports
what the bench cannot see from the emulator's side: `D <update_id> <SQL statements so far>` when
the handling of an update ended (the outermost middleware, so after the commit and whether it
failed or not: what the same-process mode's middleware measures), and `E` for every error the
bot's error handler logs. One short write per update; nothing else changes in the bot."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any


class Reporter:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.statements = 0

    def count_statement(self, *args: Any) -> None:
        self.statements += 1

    def write(self, line: str) -> None:
        os.write(self.fd, line.encode())

    async def __call__(self, handler, event, data):  # an outer middleware on the dispatcher
        try:
            return await handler(event, data)
        finally:
            self.write(f"D {event.update_id} {self.statements}\n")


class _ErrorReport(logging.Handler):
    def __init__(self, reporter: Reporter) -> None:
        super().__init__(logging.ERROR)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        self.reporter.write("E\n")


def outermost(dispatcher: Any, middleware: Any) -> None:
    """Before every other middleware (the safe polling loop's tracker included), so an update
    that fails in one still counts as done."""
    dispatcher.update.outer_middleware._middlewares.insert(0, middleware)


def run_mentorbot(reporter: Reporter) -> int:
    import bot.runtime.app
    from bot.cli.main import main

    original = bot.runtime.app.create_application

    def create_application(*args: Any, **kwargs: Any):
        app = original(*args, **kwargs)
        outermost(app.dispatcher, reporter)
        return app

    bot.runtime.app.create_application = create_application  # type: ignore[assignment]
    return main(["run"])


def run_on_base_loop(main: Any) -> None:
    """The floor and echo as the issue defines them: on asyncio's own loop (mentorbot takes
    uvloop where installed, bot/runtime/event_loop.py). BENCH_BASE_LOOP=uvloop runs them on
    uvloop too, to show what the loop alone is worth (bench/README.md, «fifth round»)."""
    from bot.runtime import event_loop

    choice = os.environ.get("BENCH_BASE_LOOP", "asyncio")
    if choice not in ("asyncio", "uvloop"):
        raise SystemExit(f"BENCH_BASE_LOOP={choice!r}: asyncio or uvloop")
    event_loop.run(main, event_loop.named_loop_factory(choice))


def echo_dispatcher() -> Any:
    """A bare aiogram echo bot (the framework's ceiling): one message handler, one callback
    handler; both benchmark modes run this one."""
    from aiogram import Dispatcher, F
    from aiogram.types import CallbackQuery, Message

    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    @dp.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer()

    return dp


def run_echo(reporter: Reporter) -> int:
    """The echo bot on aiogram's own polling."""
    from bot.config import Settings
    from bot.runtime.factory import create_bot

    logging.basicConfig(level=logging.WARNING)
    dp = echo_dispatcher()
    outermost(dp, reporter)
    settings = Settings(telegram_api_base=os.environ["TELEGRAM_API_BASE"],  # type: ignore[call-arg]
                        _env_file=None)
    bot = create_bot(settings, token=os.environ["BOT_TOKEN"])
    run_on_base_loop(dp.start_polling(bot))  # SIGTERM stops it
    return 0


def run_floor(reporter: Reporter) -> int:
    """The stack floor (bench/_floor.py) on aiogram's own polling: the Bot echo's and
    mentorbot's processes build (create_bot), SQLAlchemy as it ships (bench/_floor.py)."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from bench._floor import floor_dispatcher, stock_engine
    from bot.config import Settings
    from bot.runtime.factory import create_bot

    logging.basicConfig(level=logging.WARNING)
    settings = Settings(telegram_api_base=os.environ["TELEGRAM_API_BASE"],  # type: ignore[call-arg]
                        database_url=os.environ["DATABASE_URL"], _env_file=None)
    engine = stock_engine(settings.database_url, settings.database_pool_size,
                          settings.database_max_overflow)
    dp = floor_dispatcher(async_sessionmaker(engine, expire_on_commit=False),
                          engine.dialect.name == "sqlite")
    outermost(dp, reporter)
    bot = create_bot(settings, token=os.environ["BOT_TOKEN"])
    run_on_base_loop(dp.start_polling(bot))  # SIGTERM stops it
    return 0


def main(argv: list[str]) -> int:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    reporter = Reporter(int(os.environ["BENCH_REPORT_FD"]))
    event.listen(Engine, "before_cursor_execute", reporter.count_statement)
    logging.getLogger("mentorbot.errors").addHandler(_ErrorReport(reporter))
    kind = argv[0] if argv else "mentorbot"
    profile_to = os.environ.get("BENCH_CPROFILE")  # a file: the bot's cProfile, dumped at exit
    if profile_to and kind == "mentorbot":
        import atexit
        import cProfile

        profiler = cProfile.Profile()
        atexit.register(lambda: (profiler.disable(), profiler.dump_stats(profile_to)))
        profiler.enable()
    if kind == "floor":
        return run_floor(reporter)
    return run_echo(reporter) if kind == "echo" else run_mentorbot(reporter)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
