"""Shared handling of Telegram's flood control for every request the bot makes.

aiogram raises TelegramRetryAfter and does not retry; this session middleware waits the time
Telegram asks for and repeats the request, a bounded number of times.

The outbox sender must see TelegramRetryAfter itself (a 429 pauses *all* its sending, and its
retry is a rescheduled row, not a sleeping request), yet share the Bot and its connection pool
with the conversation handlers. So it runs its requests inside `raw_flood_control()`, a context
flag that makes this middleware pass the error through; a context variable is per task, so
replies sent concurrently by handlers keep the waiting behaviour.

A 5xx answer is repeated too, after a short pause: inside a handler it would otherwise roll the
update back after part of its replies went out (e.g. the tapped button already edited away), and
the person would be left with a screen they cannot go on from. The outbox sender retries 5xx its
own way (a rescheduled row), so there too the flag passes the error through."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

logger = logging.getLogger("mentorbot.telegram")

_retry_enabled: ContextVar[bool] = ContextVar("mentorbot_retry_after_enabled", default=True)


@contextmanager
def raw_flood_control() -> Iterator[None]:
    """Within this block (and tasks started from it) 429s reach the caller unhandled."""
    token = _retry_enabled.set(False)
    try:
        yield
    finally:
        _retry_enabled.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    # Five tries: inside a conversation a failed request rolls the whole update back after
    # some of its replies may already be on the person's screen, so it is worth a few seconds
    # more (5xx pauses 0.5 + 1 + 1.5 + 2 s); the chaos test's fault rate showed three too few.
    def __init__(self, max_attempts: int = 5, max_wait: float = 60.0,
                 server_error_pause: float = 0.5) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.server_error_pause = server_error_pause

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not _retry_enabled.get():
            return await make_request(bot, method)
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt >= self.max_attempts or exc.retry_after > self.max_wait:
                    raise
                logger.warning("flood control on %s: waiting %ss (attempt %s)",
                               type(method).__name__, exc.retry_after, attempt)
                await asyncio.sleep(exc.retry_after)
                attempt += 1
            except TelegramServerError:
                if attempt >= self.max_attempts:
                    raise
                logger.warning("server error on %s: repeating (attempt %s)",
                               type(method).__name__, attempt)
                await asyncio.sleep(self.server_error_pause * attempt)
                attempt += 1


