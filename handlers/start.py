"""/start and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.i18n import BoundTranslator


def create_router() -> Router:
    router = Router(name="start")

    @router.message(CommandStart())
    async def start(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("start.welcome"))

    @router.message(Command("help"))
    async def help_(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("help.text"))

    return router
