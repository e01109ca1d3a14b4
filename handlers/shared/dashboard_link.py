"""The «📊 Панель» button: opens the curator's dashboard (a Telegram Mini App, handlers/dashboard/)
at one programme. The dispatcher holds one DashboardLinks (`dashboard` in handlers' data),
built from DASHBOARD_URL; without it there is no button."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from aiogram.types import InlineKeyboardButton, WebAppInfo

from bot.i18n import BoundTranslator


@dataclass(frozen=True)
class DashboardLinks:
    base_url: str | None  # DASHBOARD_URL: the page, e.g. https://bot.school.example/dashboard/

    @property
    def enabled(self) -> bool:
        return self.base_url is not None

    def url(self, programme_id: int | None = None) -> str:
        assert self.base_url is not None
        parts = urlsplit(self.base_url)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        query = urlencode({"programme": programme_id}) if programme_id is not None else ""
        return urlunsplit((parts.scheme, parts.netloc, path, query, ""))

    def button(self, t: BoundTranslator, programme_id: int | None = None
               ) -> InlineKeyboardButton | None:
        if not self.enabled:
            return None
        return InlineKeyboardButton(text=t.plain("dash.button"),
                                    web_app=WebAppInfo(url=self.url(programme_id)))
