"""What mentors get from their curator: methodical materials (files and links) and the link to
the mentors' community chat, after their questionnaire and on request with /materials."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import BoundTranslator
from bot.services.programmes import materials
from bot.services.programmes.materials import MentorKit
from handlers.curator import views as kb
from models import User


async def _send_kit(bot: Bot, chat_id: int, kit: MentorKit, t: BoundTranslator) -> None:
    if not kit.materials and not kit.community_link:
        await bot.send_message(chat_id, t("mat.mentor_empty", programme=kit.programme_title))
        return
    markup = kb.mentor_links(t, kit.materials, kit.community_link)
    await bot.send_message(chat_id, t("mat.mentor_title", programme=kit.programme_title),
                           reply_markup=markup)
    for item in kit.materials:
        if item.file_id:
            await bot.send_document(chat_id, item.file_id, caption=t("mat.file_caption",
                                                                     title=item.title))


async def send_materials(bot: Bot, session: AsyncSession, participation_id: int,
                         t: BoundTranslator) -> None:
    """The hook after a mentor's questionnaire: their programme's kit, if there is one."""
    found = await materials.for_participation(session, participation_id)
    if found is None:
        return
    chat_id, kit = found
    if kit.materials or kit.community_link:
        await _send_kit(bot, chat_id, kit, t)


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
            await _send_kit(bot, message.chat.id, kit, t)

    return router
