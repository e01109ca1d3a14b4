"""Shared handling of Telegram's flood control for every request the bot makes.

aiogram raises TelegramRetryAfter and does not retry; this session middleware waits the time
Telegram asks for and repeats the request, a bounded number of times."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

logger = logging.getLogger("mentorbot.telegram")


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, max_attempts: int = 3, max_wait: float = 60.0) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
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


