"""Running synchronous filters on the event loop instead of in a thread.

aiogram awaits a filter or handler that is a plain function with `asyncio.to_thread`, magic
filters (`F.text`, `F.data.startswith(...)`) included: every check of every router an update
passes costs a thread hand-off. Ours are cheap, pure checks, so they are turned into coroutine
functions once, after the routers are built (bench/README.md, Update handling)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject, HandlerObject


def _as_coroutine(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return inline


def _callables(router: Router) -> Iterator[CallableObject]:
    for observer in router.observers.values():
        handlers: list[HandlerObject] = list(observer.handlers)
        own = getattr(observer, "_handler", None)  # the router-level filters of this event
        if own is not None:
            handlers.append(own)
        for handler in handlers:
            yield from handler.filters or ()
    for sub_router in router.sub_routers:
        yield from _callables(sub_router)


def inline_sync_filters(router: Router) -> int:
    """Makes every synchronous filter of `router` and its sub-routers run inline; returns how
    many were changed. Handlers are left alone (a slow one must not block the loop)."""
    changed = 0
    for item in _callables(router):
        if not item.awaitable:
            item.callback = _as_coroutine(item.callback)
            item.awaitable = True
            changed += 1
    return changed
