"""/cancel from any state, and the answer to messages nothing else handled."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.i18n import BoundTranslator
from bot.services.errors import StaleButton


def create_cancel_router() -> Router:
    # Included first, so /cancel wins over any state handler.
    router = Router(name="cancel")

    @router.message(Command("cancel"))
    async def cancel(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        if await state.get_state() is None:
            await message.answer(t("cancel.nothing"))
            return
        await state.clear()
        await message.answer(t("cancel.done"))

    return router


def create_fallback_router() -> Router:
    # Included last: anything unhandled in a private chat gets a short hint; groups stay quiet.
    router = Router(name="fallback")

    @router.message(F.chat.type == "private")
    async def unknown(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("fallback.unknown"))

    @router.callback_query()
    async def stale_button(query: CallbackQuery) -> None:
        # A button from an old keyboard, a step that is over, or forged: change nothing and
        # say so the one way every refusal is said (the errors router answers and logs it).
        raise StaleButton()

    return router
