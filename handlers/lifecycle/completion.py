"""The programme card's «Итоговые опросы: …» button: how many days before the end the final
surveys go out (bot.services.lifecycle.completion; 0 = only when the curator completes the programme)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.lifecycle import LifecycleCardCallback
from bot.i18n import BoundTranslator
from bot.services.errors import DomainError
from bot.services.lifecycle import completion
from bot.services.people import access
from handlers.shared.guards import curator_router
from models import User


class CompletionInput(StatesGroup):
    days = State()


def create_router() -> Router:
    router = curator_router("completion")

    @router.callback_query(LifecycleCardCallback.filter(F.action == "fin"))
    async def ask_days(query: CallbackQuery, callback_data: LifecycleCardCallback,
                       session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await state.set_state(CompletionInput.days)
        await state.set_data({"programme_id": programme.id})
        await query.message.answer(t(
            "completion.days.ask", title=programme.title, days=programme.final_surveys_days,
            end=programme.ends_on.strftime("%d.%m.%Y"), max=completion.MAX_DAYS))

    @router.message(CompletionInput.days, F.text)
    async def days_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(
            session, user.id, (await state.get_data()).get("programme_id", 0))
        try:
            days = completion.set_days(programme, message.text)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
        await state.clear()
        when = completion.final_surveys_date(programme)
        if when is None:
            await message.answer(t("completion.days.off", title=programme.title))
        else:
            await message.answer(t("completion.days.set", title=programme.title, n=days,
                                   date=when.strftime("%d.%m.%Y")))

    return router
