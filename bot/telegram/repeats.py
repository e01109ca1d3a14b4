"""Calls that only repeat what already happened are successes, not errors.

When an update is handled a second time (Telegram redelivers it after a crash or a lost
answer: the first attempt's replies went out, its database changes did not), two calls fail:
an edit asking for what the message already shows (400 "message is not modified") and
answering the same callback query again (400 "query is too old ... or query ID is invalid").
As exceptions they would roll the second attempt back too, losing e.g. a language choice for
good. This request middleware answers them as done (`True`, what both methods return)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

logger = logging.getLogger("mentorbot.telegram")

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption)


def already_done(method: TelegramMethod, message: str) -> bool:
    if isinstance(method, EDITS):
        return "message is not modified" in message
    if isinstance(method, AnswerCallbackQuery):
        return "query is too old" in message or "query ID is invalid" in message
    return False


class RepeatIsSuccess(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not already_done(method, exc.message):
                raise
            logger.info("%s repeated what was already done; treated as done",
                        type(method).__name__)
            return Response[method.__returning__](ok=True, result=True)  # type: ignore[name-defined]
