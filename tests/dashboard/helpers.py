"""The dashboard's HTTP app over a test database, and signed initData for its callers."""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiohttp import web

from bot.clock import ManualClock
from bot.emulator import web_app
from bot.runtime.dashboard_server import transaction_of
from handlers.dashboard.http import DashboardContext, add_routes

TOKEN = "123456789:EMULATOR-token"


@dataclass
class FakeScheduler:
    clock: ManualClock
    wakes: int = 0

    def wake(self) -> None:
        self.wakes += 1


def dashboard_app(application, clock: ManualClock) -> tuple[web.Application, FakeScheduler]:
    scheduler = FakeScheduler(clock)
    web_application = web.Application()
    add_routes(web_application, DashboardContext(
        transaction=transaction_of(application.sessionmaker),
        translator=application.translator, default_locale="ru", token=TOKEN,
        scheduler=lambda: scheduler))
    return web_application, scheduler


def auth(telegram_id: int, *, language: str = "ru", token: str = TOKEN,
         age_seconds: int = 0) -> dict[str, str]:
    signed = web_app.init_data(token, {"id": telegram_id, "first_name": "Кураторова",
                                       "language_code": language},
                               auth_date=int(time.time()) - age_seconds)
    return {"Authorization": f"tma {signed}"}
