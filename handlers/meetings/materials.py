"""What mentors get from their curator: methodical materials (files and links) and the link to
the mentors' community chat, after their questionnaire and on request with /materials."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.programmes import materials
from handlers.shared.mentor_kit import send_kit
from models import User


def create_router() -> Router:
    router = Router(name="mentor_materials")

    @router.message(Command("materials"))
    async def materials_command(message: Message, session: AsyncSession, user: User | None,
                                t: BoundTranslator, bot: Bot) -> None:
        kits = await materials.for_mentor(session, user.id) if user else []
        if not kits:
            await message.answer(t("mat.not_mentor"))
            return
        for kit in kits:
            await send_kit(bot, message.chat.id, kit, t)

    return router
