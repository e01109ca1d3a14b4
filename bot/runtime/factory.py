"""Factories for the Bot, the Dispatcher and the whole application: no module-level globals,
so every test and every process builds its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import create_engine, create_sessionmaker
from bot.i18n import Translator, create_translator
from bot.runtime import log_privacy
from bot.runtime.fsm_after_commit import AfterCommitStorage
from bot.runtime.fsm_storage import DatabaseStorage
from bot.runtime.middlewares import UpdateMiddleware
from bot.runtime.middlewares.fsm import LockingFSMContextMiddleware
from bot.runtime.polling import SafePollingDispatcher
from bot.runtime.routers import create_root_router
from bot.runtime.update_journal import UpdateJournal
from bot.runtime.update_unit import AfterCommitRequests
from bot.telegram import budget, commands
from bot.telegram.repeats import RepeatIsSuccess
from bot.telegram.retry import RetryAfterMiddleware
from bot.telegram.session import JsonBodySession
from bot.telegram.tuning import inline_sync_filters, pin_response_types
from handlers.shared.dashboard_link import DashboardLinks
from scheduler import install_scheduler

logger = logging.getLogger("mentorbot")


def create_bot(settings: Settings, token: str | None = None) -> Bot:
    secret = token or (settings.bot_token.get_secret_value() if settings.bot_token else None)
    if not secret:
        raise ValueError("a bot token is required")
    # JSON bodies and orjson: reading Telegram's answers and writing the requests was a fifth
    # of the bot's CPU with aiogram's forms and the standard json module (bot/telegram/session.py).
    session = JsonBodySession(
        api=TelegramAPIServer.from_base(settings.telegram_api_base)
    ) if settings.telegram_api_base else JsonBodySession()
    # Outermost: a request made after the update wrote waits for its commit (or commits first),
    # so no write is held while Telegram answers (bot/runtime/update_unit.py); the kept request goes
    # through the retries below when it is sent.
    session.middleware(AfterCommitRequests())
    session.middleware(RetryAfterMiddleware())
    session.middleware(RepeatIsSuccess())
    # Innermost: every message that really goes out takes a slot of the bot's one budget,
    # replies before the outbox (bot/telegram/budget.py).
    budget.install(session, budget.SendBudget(settings.send_per_second,
                                              settings.outbox_private_per_second,
                                              settings.outbox_group_per_minute))
    pin_response_types()
    return Bot(secret, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_fsm(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
               ) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis when configured (shared by several instances), else the database.

    With Redis, keys carry the bot id (two bots may share one Redis) and RedisEventIsolation
    holds a per-user lock across instances; a lock left by a killed instance expires after
    FSM_LOCK_SECONDS."""
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage

        redis = RedisStorage.from_url(settings.redis_url,
                                      key_builder=DefaultKeyBuilder(
                                          prefix=settings.redis_key_prefix, with_bot_id=True))
        isolation = redis.create_isolation(lock_kwargs={"timeout": settings.fsm_lock_seconds})
        # State changes reach Redis only after the update's database commit.
        return AfterCommitStorage(redis), isolation
    return DatabaseStorage(sessionmaker), SimpleEventIsolation()


def create_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    translator: Translator,
    storage: BaseStorage | None = None,
    events_isolation: BaseEventIsolation | None = None,
) -> Dispatcher:
    if storage is None or events_isolation is None:
        storage, events_isolation = create_fsm(settings, sessionmaker)
    # The per-user lock outside the update's session (its commit happens under the lock), the
    # state read inside it (one read and one transaction per update, not two).
    dp = SafePollingDispatcher(storage=storage, events_isolation=events_isolation,
                               journal=UpdateJournal(sessionmaker),
                               fsm_middleware=LockingFSMContextMiddleware(
                                   storage=storage, events_isolation=events_isolation))
    # The update's session, then (one statement for the three reads every update makes) whether
    # it was handled, the sender's account and the conversation record, the state and the locale:
    # one layer (bot/runtime/middlewares/update.py).
    dp.update.outer_middleware(UpdateMiddleware(sessionmaker, storage, settings, translator))
    dp.include_router(create_root_router(settings, translator))
    dp["dashboard"] = DashboardLinks(settings.dashboard_url)  # the «📊 Панель» buttons
    inline_sync_filters(dp)

    async def set_commands(bot: Bot) -> None:
        try:
            await commands.publish_default(bot, translator, settings.default_locale)
            for owner_id in settings.admin_ids:
                await commands.publish_for_chat(bot, translator, owner_id, commands.OWNER,
                                                settings.default_locale)
        except (TelegramNetworkError, TelegramServerError) as exc:
            # Telegram went away right after start-up's getMe: the bot works without the menu.
            logger.warning("command menu not published (%s); it will be at the next start",
                           type(exc).__name__)

    dp.startup.register(set_commands)
    # Bot-initiated messages: the outbox sender and periodic jobs start and stop with polling.
    install_scheduler(dp, settings, sessionmaker, translator)
    return dp


@dataclass
class Application:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    translator: Translator
    dispatcher: Dispatcher
    extras: dict[str, object] = field(default_factory=dict)

    async def close(self) -> None:
        from bot.services.roadmap import isolation

        isolation.shutdown()  # roadmap files still being read
        await self.dispatcher.storage.close()
        await self.dispatcher.fsm.events_isolation.close()
        await self.engine.dispose()


def create_application(settings: Settings, translator: Translator | None = None) -> Application:
    log_privacy.install()  # wherever the bot runs, its log gets no data from exception messages
    engine = create_engine(settings.database_url, pool_size=settings.database_pool_size,
                           max_overflow=settings.database_max_overflow)
    sessionmaker = create_sessionmaker(engine)
    translator = translator or create_translator(settings.default_locale)
    dispatcher = create_dispatcher(settings, sessionmaker, translator)
    return Application(settings, engine, sessionmaker, translator, dispatcher)
