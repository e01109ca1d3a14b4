"""Personal settings: /language and /timezone."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.onboarding import LanguageCallback, TimezoneCallback
from bot.config import SUPPORTED_LOCALES, Settings
from bot.i18n import BoundTranslator, Translator
from bot.services.people import users as user_service
from bot.services.people.timezones import local_now, parse_timezone
from handlers.general.views import language_keyboard, timezone_keyboard
from models import User


class TimezoneForm(StatesGroup):
    waiting = State()


def create_router() -> Router:
    router = Router(name="settings")
    router.message.filter(F.chat.type == "private")

    @router.message(Command("language"))
    async def choose_language(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("language.choose"), reply_markup=language_keyboard(t))

    @router.callback_query(LanguageCallback.filter(F.code.in_(SUPPORTED_LOCALES)))
    async def set_language(query: CallbackQuery, callback_data: LanguageCallback,
                           session: AsyncSession, user: User, translator: Translator) -> None:
        await user_service.set_locale(session, user, callback_data.code)
        t = translator.bind(callback_data.code)
        await query.answer()
        if query.message is not None:
            await query.message.edit_text(t("language.changed"))

    @router.message(Command("timezone"))
    async def ask_timezone(message: Message, state: FSMContext, t: BoundTranslator,
                           user: User, settings: Settings) -> None:
        await state.set_state(TimezoneForm.waiting)
        current = user.timezone or settings.default_timezone
        await message.answer(t("timezone.prompt", current=current), reply_markup=timezone_keyboard())

    async def save(zone: str, session: AsyncSession, user: User, state: FSMContext,
                   t: BoundTranslator) -> str:
        await user_service.set_timezone(session, user, zone)
        await state.clear()
        return t("timezone.changed", timezone=zone, local_time=local_now(zone).strftime("%H:%M"))

    @router.callback_query(TimezoneCallback.filter())
    async def pick_timezone(query: CallbackQuery, callback_data: TimezoneCallback,
                            session: AsyncSession, user: User, state: FSMContext,
                            t: BoundTranslator) -> None:
        zone = parse_timezone(callback_data.zone)
        await query.answer()
        if zone is None or query.message is None:
            return
        await query.message.edit_text(await save(zone, session, user, state, t))

    @router.message(TimezoneForm.waiting, F.text)
    async def typed_timezone(message: Message, session: AsyncSession, user: User,
                             state: FSMContext, t: BoundTranslator) -> None:
        zone = parse_timezone(message.text or "")
        if zone is None:
            await message.answer(t("timezone.invalid", text=(message.text or "")[:64]))
            return
        await message.answer(await save(zone, session, user, state, t))

    return router
