"""The bot owners (ADMIN_IDS): organisations and the links that make someone their curator.

The whole router is guarded once: anyone else reaching one of its handlers is refused."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.curator import (
    OrgGenitiveCallback,
    OrgKindCallback,
    OrgLinkCallback,
    OrgZoneCallback,
)
from bot.config import Settings
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import invitations
from bot.services.people.timezones import RUSSIAN_ZONES
from bot.services.programmes import curation, programmes
from bot.services.programmes.programmes import ORGANISATION_KINDS
from handlers.curator import views as kb
from handlers.shared.guards import OwnerGuard
from handlers.shared.pressed import editable, in_chat
from models import Organisation


class NewOrganisation(StatesGroup):
    name = State()
    genitive = State()  # the name after «Администрация …» on letters: confirmed or typed
    kind = State()
    zone = State()


async def curator_link_text(bot: Bot, session: AsyncSession, organisation: Organisation,
                            t: BoundTranslator) -> str:
    link = await curation.create_curator_link(session, organisation.id)
    me = await bot.me()
    return t("owner.curator_link", organisation=organisation.name,
             link=invitations.deep_link(me.username, link.token),
             days=curation.CURATOR_LINK_LIFETIME.days, uses=curation.CURATOR_LINK_USES)


def create_router(settings: Settings) -> Router:
    router = Router(name="owner")
    router.message.filter(F.chat.type == "private")
    router.message.middleware(OwnerGuard(settings.admin_ids))
    router.callback_query.middleware(OwnerGuard(settings.admin_ids))

    @router.message(Command("neworg"))
    async def new_organisation(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.set_state(NewOrganisation.name)
        await state.set_data({})
        await message.answer(t("owner.new.ask_name"))

    @router.message(Command("orgs"))
    async def organisations(message: Message, session: AsyncSession, t: BoundTranslator) -> None:
        found = await curation.all_organisations(session)
        if not found:
            await message.answer(t("owner.orgs.none"))
            return
        lines = [t("owner.orgs.title")] + [
            t("owner.orgs.line", name=o.name, kind=t(f"owner.kind.{o.kind}"), zone=o.timezone)
            for o in found]
        await message.answer("\n".join(lines), reply_markup=kb.organisation_links(t, found))

    @router.message(NewOrganisation.name, F.text)
    async def name_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            name = curation.clean_title(message.text)
        except DomainError:
            await message.answer(t("org.error.name", max=programmes.MAX_TITLE))
            return
        proposal = programmes.propose_genitive(name)
        await state.update_data(name=name, proposal=proposal)
        await state.set_state(NewOrganisation.genitive)
        await message.answer(t("owner.new.ask_genitive", proposal=proposal),
                             reply_markup=kb.genitive_confirm(t))

    @router.message(NewOrganisation.name)
    async def name_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("owner.new.ask_name"))

    async def genitive_chosen(message: Message, state: FSMContext, t: BoundTranslator,
                              genitive: str) -> None:
        await state.update_data(genitive=genitive)
        await state.set_state(NewOrganisation.kind)
        await message.answer(t("owner.new.ask_kind"), reply_markup=kb.organisation_kinds(t))

    @router.callback_query(NewOrganisation.genitive, OrgGenitiveCallback.filter())
    async def genitive_confirmed(query: CallbackQuery, state: FSMContext,
                                 t: BoundTranslator) -> None:
        message = editable(query)
        data = await state.get_data()
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await genitive_chosen(message, state, t, data["proposal"])

    @router.message(NewOrganisation.genitive, F.text)
    async def genitive_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            genitive = programmes.clean_organisation_name(message.text or "")
        except DomainError:
            await message.answer(t("org.error.name", max=programmes.MAX_TITLE))
            return
        await genitive_chosen(message, state, t, genitive)

    @router.message(NewOrganisation.genitive)
    async def genitive_not_text(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        data = await state.get_data()
        await message.answer(t("owner.new.ask_genitive", proposal=data["proposal"]),
                             reply_markup=kb.genitive_confirm(t))

    @router.message(NewOrganisation.kind)
    @router.message(NewOrganisation.zone)
    async def expected_button(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.use_buttons"))

    @router.callback_query(NewOrganisation.kind,
                           OrgKindCallback.filter(F.kind.in_(ORGANISATION_KINDS)))
    async def kind_chosen(query: CallbackQuery, callback_data: OrgKindCallback, state: FSMContext,
                          t: BoundTranslator) -> None:
        message = in_chat(query)
        await state.update_data(kind=callback_data.kind)
        await state.set_state(NewOrganisation.zone)
        await query.answer()
        await message.answer(t("owner.new.ask_zone"), reply_markup=kb.organisation_zones(t))

    @router.callback_query(NewOrganisation.zone, OrgZoneCallback.filter())
    async def zone_chosen(query: CallbackQuery, callback_data: OrgZoneCallback, state: FSMContext,
                          session: AsyncSession, t: BoundTranslator, bot: Bot) -> None:
        message = in_chat(query)
        if not 0 <= callback_data.index < len(RUSSIAN_ZONES):
            raise AccessDenied()
        data = await state.get_data()
        organisation = await programmes.create_organisation(
            session, data["name"], data["kind"], RUSSIAN_ZONES[callback_data.index][0],
            name_genitive=data.get("genitive"))
        await state.clear()
        await query.answer()
        await message.answer(t("owner.new.done", name=organisation.name,
                               zone=organisation.timezone,
                               genitive=programmes.name_in_genitive(organisation)))
        await message.answer(await curator_link_text(bot, session, organisation, t))

    @router.callback_query(OrgLinkCallback.filter())
    async def fresh_link(query: CallbackQuery, callback_data: OrgLinkCallback,
                         session: AsyncSession, t: BoundTranslator, bot: Bot) -> None:
        message = in_chat(query)
        organisation = await lookup.organisation(session, callback_data.organisation_id)
        if organisation is None:
            raise AccessDenied()
        await query.answer()
        await message.answer(await curator_link_text(bot, session, organisation, t))

    return router
