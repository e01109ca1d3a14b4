"""What mentors get from their curator: methodical materials (files and links) and the link to
the mentors' community chat, after their questionnaire and on request with /materials."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.programmes import materials
from bot.services.programmes.materials import MaterialView, MentorKit


def mentor_links(t: BoundTranslator, items: Iterable[MaterialView], community: str | None
                 ) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    count = 0
    for item in items:
        if item.url:
            builder.button(text=item.title[:60], url=item.url)
            count += 1
    if community:
        builder.button(text=t.plain("mat.community_button"), url=community)
        count += 1
    builder.adjust(1)
    return builder.as_markup() if count else None


async def send_kit(bot: Bot, chat_id: int, kit: MentorKit, t: BoundTranslator) -> None:
    if not kit.materials and not kit.community_link:
        await bot.send_message(chat_id, t("mat.mentor_empty", programme=kit.programme_title))
        return
    markup = mentor_links(t, kit.materials, kit.community_link)
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
        await send_kit(bot, chat_id, kit, t)
