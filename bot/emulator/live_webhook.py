"""The real bot in webhook mode in this process: the aiohttp server of bot/runtime/webhook.py on a free
loopback port, the emulator posting updates to it. For tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

from bot.config import Settings
from bot.emulator.live import InFlight, LiveBot
from bot.emulator.server import BotAPIEmulator
from bot.i18n import create_translator
from bot.runtime.factory import create_application, create_bot
from bot.runtime.webhook import serve
from models.migrate import upgrade_async

TEST_SECRET = "test-webhook-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def webhook_settings(settings: Settings, emulator: BotAPIEmulator, port: int | None = None
                     ) -> Settings:
    port = port or free_port()
    return settings.model_copy(update={
        "telegram_api_base": emulator.base_url, "bot_mode": "webhook",
        "webhook_host": "127.0.0.1", "webhook_port": port,
        "webhook_url": f"http://127.0.0.1:{port}{settings.webhook_path}",
        "webhook_secret": settings.webhook_secret or _secret(TEST_SECRET),
    })


def _secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)


@contextlib.asynccontextmanager
async def live_webhook_bot(settings: Settings, emulator: BotAPIEmulator
                           ) -> AsyncIterator[LiveBot]:
    """Yields a LiveBot whose `task` is the server; set `stop` via `stop_webhook(live)`."""
    settings = webhook_settings(settings, emulator)
    await upgrade_async(settings.database_url)
    app = create_application(settings, create_translator(settings.default_locale, strict=True))
    bot = create_bot(settings, token=emulator.token)
    in_flight = InFlight()
    # Outermost: an update is finished once its commit, the replies sent after it
    # (bot/runtime/update_unit.py) and an error's apology are done.
    app.dispatcher.update.outer_middleware._middlewares.insert(0, in_flight)
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, bot, stop, started))
    app.extras["stop"] = stop
    try:
        waiter = asyncio.create_task(started.wait())
        await asyncio.wait({task, waiter}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        waiter.cancel()
        yield LiveBot(emulator, app, bot, task, in_flight)
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 30)
        await bot.session.close()
        await app.close()
