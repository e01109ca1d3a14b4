"""Binding a group as a programme's curator chat: the curator adds the bot to the group and
types /bind there; only the curator's own programmes are offered, and each press is checked."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks.curator import BindCallback
from bot.clock import now_of
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied
from bot.services.notices import digest
from bot.services.people import access
from bot.services.programmes import curation
from handlers.curator import digest_views as digest_kb
from handlers.curator import views as kb
from handlers.shared.pressed import editable
from models import User

GROUP_TYPES = ("group", "supergroup")


def create_router() -> Router:
    router = Router(name="curator_group")

    @router.message(Command("bind"), F.chat.type.in_(GROUP_TYPES))
    async def bind(message: Message, session: AsyncSession, user: User | None,
                   t: BoundTranslator) -> None:
        if user is None:
            raise AccessDenied()
        found = await access.curated_programmes(session, user.id)
        if not found:
            raise AccessDenied()
        await message.answer(t("bind.choose"), reply_markup=kb.bind_choices(found))

    @router.callback_query(BindCallback.filter(), F.message.chat.type.in_(GROUP_TYPES))
    async def bound(query: CallbackQuery, callback_data: BindCallback, session: AsyncSession,
                    user: User | None, t: BoundTranslator, scheduler: object | None = None
                    ) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id if user else None,
                                                 callback_data.programme_id)
        now = now_of(scheduler)
        await curation.bind_chat(session, programme, message.chat.id, now)
        first = await digest.next_digest(session, programme.id, now)
        await query.answer()
        await message.edit_text(t("bind.done", programme=programme.title) + "\n"
                                + digest_kb.first_digest(t, first))

    @router.callback_query(BindCallback.filter())
    async def bound_elsewhere(query: CallbackQuery) -> None:
        raise AccessDenied()

    @router.message(Command("bind"), F.chat.type == "private")
    async def bind_private(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("bind.private"))

    return router
