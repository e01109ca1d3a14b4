"""Where the curator's dashboard (handlers/dashboard/) is served: on the webhook server in
webhook mode (one port, one process), and in polling mode on a small aiohttp server of its own
(DASHBOARD_HOST:DASHBOARD_PORT) running beside the polling loop. Both only when DASHBOARD_URL
is set."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from aiogram import Bot
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import sqlite_writer_lock, write_turn
from bot.runtime.factory import Application
from handlers.dashboard.http import DashboardContext, add_routes

logger = logging.getLogger("mentorbot.dashboard")


def transaction_of(sessionmaker: async_sessionmaker[AsyncSession]
                   ) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
    """One dashboard call's unit of work: a session in a transaction, committed at the end of
    the block, rolled back by an exception. A call that writes (an action) takes its turn at
    SQLite's single writer, as an update does (bot/db.py)."""
    lock = sqlite_writer_lock(sessionmaker)

    @contextlib.asynccontextmanager
    async def transaction() -> AsyncIterator[AsyncSession]:
        with write_turn(lock):
            async with sessionmaker() as session, session.begin():
                yield session
    return transaction


def dashboard_context(application: Application, bot: Bot) -> DashboardContext:
    return DashboardContext(
        transaction=transaction_of(application.sessionmaker), translator=application.translator,
        default_locale=application.settings.default_locale, token=bot.token,
        scheduler=lambda: application.dispatcher.workflow_data.get("scheduler"))


def add_dashboard(web_app: web.Application, application: Application, bot: Bot) -> bool:
    """Mount the dashboard's routes when it is configured; whether it was."""
    if application.settings.dashboard_url is None:
        return False
    add_routes(web_app, dashboard_context(application, bot))
    return True


@contextlib.asynccontextmanager
async def dashboard_server(application: Application, bot: Bot,
                           port: int | None = None) -> AsyncIterator[int | None]:
    """Polling mode's dashboard server while the block runs; yields its port (None when the
    dashboard is not configured)."""
    settings = application.settings
    web_app = web.Application()
    if not add_dashboard(web_app, application, bot):
        yield None
        return
    runner = web.AppRunner(web_app, access_log=None, handle_signals=False, shutdown_timeout=5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.dashboard_host,
                           settings.dashboard_port if port is None else port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else settings.dashboard_port
        logger.info("dashboard: listening on %s:%s/dashboard/", settings.dashboard_host, bound)
        yield bound
    finally:
        await runner.cleanup()
