"""The bot owners (ADMIN_IDS): organisations and the links that make someone their curator.

The whole router is guarded once: anyone else reaching one of its handlers is refused."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.curator import OrgKindCallback, OrgLinkCallback, OrgZoneCallback
from bot.config import Settings
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import invitations
from bot.services.people.timezones import RUSSIAN_ZONES
from bot.services.programmes import curation, programmes
from bot.services.programmes.programmes import ORGANISATION_KINDS
from handlers.curator import views as kb
from handlers.shared.guards import OwnerGuard
from models import Organisation


class NewOrganisation(StatesGroup):
    name = State()
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
        await state.update_data(name=name)
        await state.set_state(NewOrganisation.kind)
        await message.answer(t("owner.new.ask_kind"), reply_markup=kb.organisation_kinds(t))

    @router.message(NewOrganisation.name)
    async def name_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("owner.new.ask_name"))

    @router.message(NewOrganisation.kind)
    @router.message(NewOrganisation.zone)
    async def expected_button(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.use_buttons"))

    @router.callback_query(NewOrganisation.kind,
                           OrgKindCallback.filter(F.kind.in_(ORGANISATION_KINDS)))
    async def kind_chosen(query: CallbackQuery, callback_data: OrgKindCallback, state: FSMContext,
                          t: BoundTranslator) -> None:
        await state.update_data(kind=callback_data.kind)
        await state.set_state(NewOrganisation.zone)
        await query.answer()
        await query.message.answer(t("owner.new.ask_zone"), reply_markup=kb.organisation_zones())

    @router.callback_query(NewOrganisation.zone, OrgZoneCallback.filter())
    async def zone_chosen(query: CallbackQuery, callback_data: OrgZoneCallback, state: FSMContext,
                          session: AsyncSession, t: BoundTranslator, bot: Bot) -> None:
        if not 0 <= callback_data.index < len(RUSSIAN_ZONES):
            raise AccessDenied()
        data = await state.get_data()
        organisation = await programmes.create_organisation(
            session, data["name"], data["kind"], RUSSIAN_ZONES[callback_data.index][0])
        await state.clear()
        await query.answer()
        await query.message.answer(t("owner.new.done", name=organisation.name,
                                     zone=organisation.timezone))
        await query.message.answer(await curator_link_text(bot, session, organisation, t))

    @router.callback_query(OrgLinkCallback.filter())
    async def fresh_link(query: CallbackQuery, callback_data: OrgLinkCallback,
                         session: AsyncSession, t: BoundTranslator, bot: Bot) -> None:
        organisation = await session.get(Organisation, callback_data.organisation_id)
        if organisation is None:
            raise AccessDenied()
        await query.answer()
        await query.message.answer(await curator_link_text(bot, session, organisation, t))

    return router
