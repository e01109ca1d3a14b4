"""/dashboard: the curator's «📊 Панель» buttons, one per programme they curate (the same
button as on the programme card). Mini Apps open from private chats only."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message

from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.people import access
from handlers.shared.dashboard_link import DashboardLinks
from handlers.shared.guards import curator_router
from models import User


def create_router() -> Router:
    router = curator_router("dashboard")

    @router.message(Command("dashboard"), F.chat.type == "private")
    async def dashboard_command(message: Message, session: AsyncSession, user: User,
                                t: BoundTranslator, dashboard: DashboardLinks | None = None
                                ) -> None:
        if dashboard is None or not dashboard.enabled:
            await message.answer(t("dash.not_configured"))
            return
        found = await access.curated_programmes(session, user.id)
        if not found:
            await message.answer(t("cur.no_programmes"))
            return
        rows = []
        for programme in found:
            button = dashboard.button(t, programme.id)
            assert button is not None
            if len(found) > 1:  # which programme each opens
                button = button.model_copy(update={"text": t.plain(
                    "dash.button_for", title=programme.title)[:64]})
            rows.append([button])
        await message.answer(t("dash.open"), reply_markup=InlineKeyboardMarkup(
            inline_keyboard=rows))

    return router
