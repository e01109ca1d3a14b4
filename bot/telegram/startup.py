"""Waiting for the Bot API at start-up.

A Bot API server that cannot be reached (no network yet, a self-hosted server restarting,
Telegram down for a moment) is normal for a service: the bot says so in one line and tries
again with a growing pause, instead of a traceback and exit 1 that leaves the service manager
to guess. A token Telegram refuses does not fix itself: that stops start-up with one line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import User

from bot.config import SettingsError

logger = logging.getLogger("mentorbot.startup")

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0
# What a Bot API server away for a while answers (or does not); anything else is a real error.
TRANSIENT = (TelegramNetworkError, TelegramServerError, TelegramRetryAfter, OSError, TimeoutError)


class TokenRefused(SettingsError):
    """Telegram refused the token (401): start-up cannot go on; `str()` is one line. A
    SettingsError (BOT_TOKEN is wrong), so the command line reports it as it reports the others
    without importing this module (and aiogram) before it has to."""


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]


async def wait_for_bot_api(bot: Bot, *, first_pause: float = FIRST_PAUSE,
                           longest_pause: float = LONGEST_PAUSE,
                           sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> User:
    """The bot's own account (`getMe`), once the Bot API answers; retries until then."""
    where = bot.session.api.base.split("/bot")[0] if bot.session.api else "the Bot API"
    pause = first_pause
    attempt = 0
    while True:
        attempt += 1
        try:
            me = await bot.me()
        except TelegramUnauthorizedError:
            raise TokenRefused("Telegram refused BOT_TOKEN (401 Unauthorized): check the token "
                               "@BotFather gave (it may have been revoked)") from None
        except TRANSIENT as exc:
            if isinstance(exc, TelegramRetryAfter):
                pause = max(pause, float(exc.retry_after))
            logger.warning("Bot API at %s not reachable (%s); trying again in %.0f s",
                           where, _reason(exc), pause)
            await sleep(pause)
            pause = min(pause * 2, longest_pause)
            continue
        if attempt > 1:
            logger.warning("Bot API at %s reachable again", where)
        return me
