"""A curator joins an organisation from the link a bot owner gave them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.db import AsyncSession
from bot.i18n import BoundTranslator, Translator
from bot.services import lookup
from bot.services.errors import InvitationInvalid
from bot.services.people import invitations
from bot.services.people.invitations import InvitationView
from bot.services.people.participants import MAX_NAME
from bot.services.programmes import programmes
from bot.telegram import commands
from handlers.shared.pressed import in_chat
from models import User


class CuratorJoin(StatesGroup):
    name = State()


async def start_curator_join(message_or_query: Message | CallbackQuery, invitation: InvitationView,
                             *, session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator) -> None:
    answer = (message_or_query.answer if isinstance(message_or_query, Message)
              else in_chat(message_or_query).answer)
    organisation = await lookup.organisation(session, invitation.organisation_id)
    if organisation is None:  # deleted meanwhile: the link leads nowhere
        raise InvitationInvalid()
    await state.set_state(CuratorJoin.name)
    await state.set_data({"token": invitation.token})
    await answer(t("curator.join.intro", organisation=organisation.name))


def create_router() -> Router:
    router = Router(name="curator_join")

    @router.message(CuratorJoin.name, F.text)
    async def name_given(message: Message, session: AsyncSession, user: User, state: FSMContext,
                         t: BoundTranslator, bot: Bot, translator: Translator,
                         settings: Settings) -> None:
        name = " ".join((message.text or "").split())
        if not name or len(name) > MAX_NAME or not any(ch.isalpha() for ch in name):
            await message.answer(t("onboarding.error.name", max=MAX_NAME))
            return
        token = (await state.get_data()).get("token", "")
        await state.clear()
        try:
            invitation = await invitations.resolve(session, token)
            await invitations.consume(session, invitation)
        except InvitationInvalid as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        organisation = await lookup.organisation(session, invitation.organisation_id)
        if organisation is None:  # deleted meanwhile: the link leads nowhere
            raise InvitationInvalid()
        await programmes.add_curator(session, invitation.organisation_id, user.id, name)
        await commands.publish_for_chat(bot, translator, message.chat.id, commands.CURATOR,
                                        settings.default_locale)
        await message.answer(t("curator.join.done", organisation=organisation.name))

    @router.message(CuratorJoin.name)
    async def not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("onboarding.ask_name"))

    return router
