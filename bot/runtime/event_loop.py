"""The event loop the bot runs on.

uvloop (libuv, by the authors of asyncpg) where it is installed: the bot's CPU per update on
PostgreSQL falls by about a sixth against asyncio's own loop (bench/README.md, «fifth round»),
the loop and its sockets being a fifth of what the process does. It is a dependency on Linux and
macOS; on Windows, or with EVENT_LOOP=asyncio, the bot runs on asyncio's loop, which behaves the
same (the test suite runs on the one the bot would pick, see tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast, get_args

from bot.config import EventLoopChoice

T = TypeVar("T")
LoopFactory = Callable[[], asyncio.AbstractEventLoop]


class EventLoopUnavailable(RuntimeError):
    """EVENT_LOOP=uvloop on a machine without uvloop."""


def loop_factory(choice: EventLoopChoice = "auto") -> LoopFactory:
    """`asyncio.new_event_loop` or uvloop's: "auto" takes uvloop when it can be imported."""
    if choice == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise EventLoopUnavailable(
                "EVENT_LOOP=uvloop, but uvloop is not installed (it does not exist for "
                "Windows): install it, or set EVENT_LOOP=auto") from None
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def named_loop_factory(name: str) -> LoopFactory:
    """loop_factory for a choice given as text (the tests' and the bench's environment
    variables); ValueError for anything else."""
    if name not in get_args(EventLoopChoice):
        raise ValueError(f"{name!r}: auto, uvloop or asyncio")
    return loop_factory(cast(EventLoopChoice, name))


def loop_name(factory: LoopFactory) -> str:
    return "asyncio" if factory is asyncio.new_event_loop else "uvloop"


def run(main: Coroutine[Any, Any, T], factory: LoopFactory | None = None) -> T:
    """`asyncio.run(main)` on a loop from `factory` (the one "auto" picks by default)."""
    with asyncio.Runner(loop_factory=factory or loop_factory()) as runner:
        return runner.run(main)
