"""Running the bot: migrations, then long polling until a signal stops it."""

from __future__ import annotations

import logging

from aiogram import Bot

from bot.config import Settings
from bot.runtime.factory import create_application, create_bot
from bot.runtime.heap import prepare_for_updates
from bot.telegram.startup import wait_for_bot_api
from models.migrate import upgrade_async

logger = logging.getLogger("mentorbot")


async def run_polling(settings: Settings, bot: Bot | None = None, handle_signals: bool = True) -> None:
    await upgrade_async(settings.database_url)
    app = create_application(settings)
    bot = bot or create_bot(settings)
    try:
        await wait_for_bot_api(bot)
        prepare_for_updates()
        await app.dispatcher.start_polling(
            bot,
            handle_signals=handle_signals,
            allowed_updates=app.dispatcher.resolve_used_update_types(),
        )
    finally:
        await app.close()
        await bot.session.close()
