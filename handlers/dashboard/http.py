"""The dashboard's HTTP side, mounted on the bot's aiohttp app (bot/runtime/dashboard_server.py).

- `GET /dashboard/` the page, `/dashboard/static/…` its script and styles, `/dashboard/texts/<lang>`
  its texts (from the catalogues; public, they hold no data).
- `/dashboard/api/…` JSON. Every call carries Telegram's signed initData
  (`Authorization: tma <initData>`); a missing, forged or stale one gets 401. The person is the
  account of the Telegram id in it, and is authorised exactly as in the chat: the services'
  `require_curator` & co. refuse another organisation's programme, pair or survey with 403,
  whatever the id. One database transaction per call; an action's outbox rows go out right
  after its commit (the sender is woken as after a button in the chat)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
from aiohttp import web

from bot.clock import now_of
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import Translator, pick_locale
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError
from handlers.dashboard import views
from handlers.dashboard.caller import Caller
from handlers.dashboard.init_data import InvalidInitData, init_data_of, verify

logger = logging.getLogger("mentorbot.dashboard")

PREFIX = "/dashboard"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class DashboardContext:
    """What the routes need from the running bot (handlers do not import bot.runtime)."""
    # One call's unit of work: a session in a transaction, committed when the block ends
    # (bot/runtime/dashboard_server.py; handlers do not open transactions themselves).
    transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]
    translator: Translator
    default_locale: str
    token: str
    scheduler: Callable[[], object | None]  # the bot's scheduler (its clock, waking the sender)


DASHBOARD_KEY = web.AppKey("mentorbot_dashboard", DashboardContext)


View = Callable[[web.Request, Caller], Awaitable[object]]


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json",
                        headers=SECURITY_HEADERS)


def api(view: View) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        context = request.app[DASHBOARD_KEY]
        try:
            identity = verify(init_data_of(request.headers.get("Authorization")), context.token,
                              datetime.now(UTC))
        except InvalidInitData as exc:
            # The reason and the peer only: initData holds a person's name.
            logger.warning("dashboard: %s initData from %s refused with 401", exc, request.remote)
            return _json({"error": "unauthorized"}, 401)
        scheduler = context.scheduler()
        locale = pick_locale(None, identity.language_code, context.default_locale)
        try:
            async with context.transaction() as session:
                user = await lookup.user_by_telegram_id(session, identity.telegram_id)
                if user is None:
                    raise AccessDenied()
                locale = pick_locale(user.locale, identity.language_code,
                                     context.default_locale)
                t = context.translator.bind(locale).as_plain()
                body = await view(request, Caller(session, user, t, now_of(scheduler),
                                                  scheduler))
                if request.method == "POST":
                    wake_after_commit(session, scheduler)
        except views.BadQuery as exc:
            return _json({"error": "bad_request", "field": str(exc)}, 400)
        except AccessDenied:
            logger.warning("dashboard: %s %s refused with 403", request.method,
                           request.match_info.route.resource.canonical
                           if request.match_info.route.resource else "?")
            return _json({"error": "forbidden"}, 403)
        except DomainError as exc:
            message = context.translator.bind(locale).as_plain().with_params(exc.key, exc.params)
            return _json({"error": exc.key, "message": message}, 409)
        return _json(body)
    return handle


# The page runs its own script and Telegram's, talks to this server only, and is shown by
# Telegram's clients (web.telegram.org frames it).
PAGE_POLICY = ("default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
               "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org")


async def _page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={
        **SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": PAGE_POLICY})


async def _static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES \
            or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={
        **SECURITY_HEADERS, "Content-Type": f"{STATIC_TYPES[path.suffix]}; charset=utf-8"})


async def _texts(request: web.Request) -> web.Response:
    context = request.app[DASHBOARD_KEY]
    locale = pick_locale(None, request.match_info["locale"], context.default_locale)
    return _json(views.page_texts(context.translator, locale))


async def _to_page(request: web.Request) -> web.Response:
    raise web.HTTPFound(PREFIX + "/" + (f"?{request.query_string}" if request.query_string
                                        else ""))


def add_routes(web_app: web.Application, context: DashboardContext) -> None:
    web_app[DASHBOARD_KEY] = context
    router = web_app.router
    router.add_get(PREFIX, _to_page)
    router.add_get(PREFIX + "/", _page)
    router.add_get(PREFIX + "/static/{name}", _static)
    router.add_get(PREFIX + "/texts/{locale}", _texts)
    base = PREFIX + r"/api/programmes/{programme_id:\d+}"
    router.add_get(PREFIX + "/api/session", api(views.session))
    router.add_get(base + "/overview", api(views.overview))
    router.add_get(base + "/registry", api(views.registry))
    router.add_get(base + "/board", api(views.board))
    router.add_get(base + "/calendar", api(views.calendar))
    router.add_get(base + "/monitoring", api(views.monitoring))
    router.add_get(base + "/roadmap", api(views.roadmap))
    router.add_get(base + r"/pairs/{pair_id:\d+}", api(views.pair))
    router.add_post(base + r"/pairs/{pair_id:\d+}/nudge", api(views.nudge))
    router.add_post(base + r"/surveys/{kind:[a-z]+}/remind", api(views.remind))
