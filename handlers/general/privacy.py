"""/mydata (everything the bot holds about the person, as a file) and /forget (withdraw consent)."""

from __future__ import annotations

import json

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.onboarding import ForgetCallback
from bot.i18n import BoundTranslator
from bot.runtime.fsm_storage import forget_conversations
from bot.services.people import privacy
from handlers.onboarding.views import forget_keyboard
from models import User


def create_router() -> Router:
    router = Router(name="privacy")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("mydata"))
    async def my_data(message: Message, session: AsyncSession, user: User,
                      t: BoundTranslator) -> None:
        data = await privacy.export_user_data(session, user, t.locale)
        content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        await message.answer_document(BufferedInputFile(content, filename="mentorbot-my-data.json"),
                                      caption=t("mydata.caption"))

    @router.message(Command("forget"))
    async def forget(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("forget.ask"), reply_markup=forget_keyboard(t))

    @router.callback_query(ForgetCallback.filter())
    async def forget_decided(query: CallbackQuery, callback_data: ForgetCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator) -> None:
        await query.answer()
        if not callback_data.confirm:
            await query.message.edit_text(t("forget.kept"))
            return
        result = await privacy.forget_user(session, user)
        await state.clear()
        await forget_conversations(state.storage, query.from_user.id)
        await query.message.edit_text(t("forget.done", count=result.participations))

    return router
