"""Webhook mode: an aiohttp server that Telegram (through a load balancer) posts updates to.

- `POST WEBHOOK_PATH`: aiogram's SimpleRequestHandler, answering only after the update was
  handled (`handle_in_background=False`): a crash before the answer makes Telegram deliver the
  update again (de-duplicated by update_id), and one chat's next update is not sent before
  this one is done. A missing or wrong `X-Telegram-Bot-Api-Secret-Token` gets 401 and a log
  line (never the secret itself). A body that is not an update (not JSON, empty, not an
  object, not valid as an Update, of no kind the bot knows) gets 400 and one short log line
  saying why, never its text: it cannot become valid by being sent again.
- `/dashboard/…`: the curator's dashboard (handlers/dashboard/http.py), when DASHBOARD_URL is
  set.
- `GET /health`: 200 `{"database": "ok", "redis": "ok" | "not configured", "scheduler": …}`
  when the database and Redis answer, else 503 naming what failed; for load balancers.
- Shutdown: stop accepting, let in-flight updates finish (WEBHOOK_SHUTDOWN_SECONDS), then stop
  the scheduler and close. aiogram's `setup_application` runs `dp.emit_shutdown` from aiohttp's
  `on_shutdown`, which fires *before* in-flight requests are awaited (and its request handler
  closes the Bot session there too), so the hooks are wired to `on_startup`/`on_cleanup`
  here instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

import orjson
from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import text

from bot.config import Settings
from bot.runtime.dashboard_server import add_dashboard
from bot.runtime.factory import Application

logger = logging.getLogger("mentorbot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/health"
HEALTH_TIMEOUT = 5.0
APPLICATION_KEY = web.AppKey("mentorbot", Application)
BOT_KEY = web.AppKey("bot", Bot)

class UnreadableUpdate(Exception):
    """The body of a webhook request is not an update; the message says why, without data."""


async def read_update(request: web.Request, bot: Bot) -> Update:
    body = await request.read()
    if not body.strip():
        raise UnreadableUpdate("empty body")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise UnreadableUpdate("not JSON") from None
    if not isinstance(data, dict):
        raise UnreadableUpdate(f"a JSON {type(data).__name__}, not an object")
    try:
        update = Update.model_validate(data, context={"bot": bot})
    except ValidationError as exc:
        # Field paths and error kinds only: the input itself may be a person's text.
        where = ", ".join(".".join(str(p) for p in e["loc"]) or "(root)"
                          for e in exc.errors(include_url=False, include_input=False,
                                              include_context=False)[:5])
        raise UnreadableUpdate(f"not a valid update ({where})") from None
    try:
        update.event_type  # noqa: B018 (raises when the update holds no known event)
    except UpdateTypeLookupError:
        raise UnreadableUpdate(f"update {update.update_id} holds no known event") from None
    return update


class SecretCheckingRequestHandler(SimpleRequestHandler):
    """aiogram's handler compares the secret in constant time and answers 401; this one also
    logs the refusal (kind and peer address only), and answers 400 to a body that is not an
    update (aiogram's handler would fail on it with 500, and log its text in the traceback)."""

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not self.verify_secret(given, self.bot):
            logger.warning("webhook: %s secret token from %s refused with 401",
                           "missing" if not given else "wrong", request.remote)
            return web.Response(status=401, text="Unauthorized")
        try:
            update = await read_update(request, self.bot)
        except UnreadableUpdate as exc:
            logger.warning("webhook: unreadable update from %s refused with 400: %s",
                           request.remote, exc)
            return web.Response(status=400, text="Bad Request")
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            self.bot, update, **self.data)
        # As aiogram's own handler answers (a method returned by a handler goes back in the
        # response body).
        return web.Response(body=self._build_response_writer(bot=self.bot, result=result))


async def check_health(application: Application) -> tuple[bool, dict[str, str]]:
    report: dict[str, str] = {}
    healthy = True
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):
            async with application.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as exc:  # any failure is "unhealthy"; the type is enough to diagnose
        healthy = False
        report["database"] = f"failed: {type(exc).__name__}"
    redis = getattr(application.dispatcher.storage, "redis", None)
    if redis is None:
        report["redis"] = "not configured"
    else:
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT):
                await redis.ping()
            report["redis"] = "ok"
        except Exception as exc:
            healthy = False
            report["redis"] = f"failed: {type(exc).__name__}"
    scheduler = application.dispatcher.workflow_data.get("scheduler")
    if scheduler is not None:
        report["scheduler"] = "leader" if scheduler.is_leader else "follower"
    return healthy, report


async def _health(request: web.Request) -> web.Response:
    healthy, report = await check_health(request.app[APPLICATION_KEY])
    return web.json_response(report, status=200 if healthy else 503)


def build_web_app(application: Application, bot: Bot, *, set_webhook: bool = True,
                  **handler_data: Any) -> web.Application:
    """The aiohttp app; startup registers the webhook and starts the scheduler, cleanup (after
    in-flight requests finished) stops the scheduler."""
    settings = application.settings
    dispatcher = application.dispatcher
    assert settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    web_app = web.Application()
    web_app[APPLICATION_KEY] = application
    web_app[BOT_KEY] = bot
    handler = SecretCheckingRequestHandler(
        dispatcher, bot, handle_in_background=False,
        secret_token=secret, **handler_data)
    web_app.router.add_post(settings.webhook_path, handler.handle)
    web_app.router.add_get(HEALTH_PATH, _health)
    add_dashboard(web_app, application, bot)  # the curator's Mini App, when configured

    async def on_startup(_: web.Application) -> None:
        await dispatcher.emit_startup(bot=bot, bots=[bot], dispatcher=dispatcher,
                                       **dispatcher.workflow_data)
        if set_webhook:
            await bot.set_webhook(
                settings.webhook_url or "",
                secret_token=secret,
                allowed_updates=dispatcher.resolve_used_update_types(),
                drop_pending_updates=False,
            )
        logger.info("webhook: listening on %s:%s%s", settings.webhook_host,
                    settings.webhook_port, settings.webhook_path)

    async def on_cleanup(_: web.Application) -> None:
        await dispatcher.emit_shutdown(bot=bot, bots=[bot], dispatcher=dispatcher,
                                        **dispatcher.workflow_data)

    web_app.on_startup.append(on_startup)
    web_app.on_cleanup.append(on_cleanup)
    return web_app


async def serve(application: Application, bot: Bot, stop: asyncio.Event,
                started: asyncio.Event | None = None, **options: Any) -> None:
    """Serve until `stop` is set, then shut down gracefully."""
    settings = application.settings
    runner = web.AppRunner(build_web_app(application, bot, **options), access_log=None,
                           handle_signals=False,
                           shutdown_timeout=settings.webhook_shutdown_seconds)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        if started is not None:
            started.set()
        await stop.wait()
        logger.info("webhook: stopping; finishing in-flight updates")
    finally:
        # Stops listening, waits for in-flight requests, then on_cleanup stops the scheduler.
        await runner.cleanup()


async def run_webhook(settings: Settings, bot: Bot | None = None,
                      handle_signals: bool = True) -> None:
    from bot.runtime.factory import create_application, create_bot
    from bot.runtime.heap import prepare_for_updates
    from bot.telegram.startup import wait_for_bot_api
    from models.migrate import upgrade_async

    await upgrade_async(settings.database_url)
    application = create_application(settings)
    bot = bot or create_bot(settings)
    try:
        await wait_for_bot_api(bot)  # setWebhook at start-up needs it
    except BaseException:
        await application.close()
        await bot.session.close()
        raise
    prepare_for_updates()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    try:
        await serve(application, bot, stop)
    finally:
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(signum)
        await application.close()
        await bot.session.close()
