"""/newprogramme step by step: organisation, title, dates, forms, meeting cadence."""

from __future__ import annotations

from datetime import date

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.curator import CadenceCallback, FormPickCallback, NewProgrammeOrgCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator, Translator
from bot.services.errors import AccessDenied, DomainError
from bot.services.people import access
from bot.services.programmes import curation
from bot.services.programmes.curation import CADENCES
from bot.services.programmes.forms import (
    MAX_CUSTOM_FORM_LENGTH,
    STANDARD_FORMS,
    custom_form,
    form_title,
)
from handlers.curator import views as kb
from handlers.shared.consent import create_programme
from handlers.shared.dashboard_link import DashboardLinks
from handlers.shared.guards import curator_router
from handlers.shared.pressed import editable, in_chat
from models import User


class NewProgramme(StatesGroup):
    organisation = State()
    title = State()
    starts = State()
    ends = State()
    forms = State()
    custom_form = State()
    cadence = State()


def _forms_text(t: BoundTranslator, chosen: list[str]) -> str:
    custom = [form_title(f, t) for f in chosen if f not in STANDARD_FORMS]
    text = t("cur.new.ask_forms")
    if custom:
        text += "\n" + t("cur.new.custom_chosen", forms=", ".join(custom))
    return text


async def begin(message: Message, session: AsyncSession, user: User, state: FSMContext,
                t: BoundTranslator) -> None:
    """The /newprogramme command (registered with the other curator commands, so a command typed
    in the middle of any curator flow is never taken as an answer)."""
    organisations = await access.curated_organisations(session, user.id)
    await state.set_data({})
    if len(organisations) == 1:
        await state.update_data(organisation_id=organisations[0].id)
        await state.set_state(NewProgramme.title)
        await message.answer(t("cur.new.ask_title", organisation=organisations[0].name))
        return
    await state.set_state(NewProgramme.organisation)
    await message.answer(t("cur.new.ask_organisation"),
                         reply_markup=kb.choose_organisation(organisations))


def create_router(translator: Translator, send_card) -> Router:
    """`send_card` shows the new programme's card (handlers.curator.card owns the card)."""
    router = curator_router("curator_new_programme")

    # /newprogramme, step by step.
    @router.callback_query(NewProgramme.organisation, NewProgrammeOrgCallback.filter())
    async def organisation_chosen(query: CallbackQuery, callback_data: NewProgrammeOrgCallback,
                                  session: AsyncSession, user: User, state: FSMContext,
                                  t: BoundTranslator) -> None:
        message = in_chat(query)
        organisation = await access.require_organisation(session, user.id,
                                                         callback_data.organisation_id)
        await state.update_data(organisation_id=organisation.id)
        await state.set_state(NewProgramme.title)
        await query.answer()
        await message.answer(t("cur.new.ask_title", organisation=organisation.name))

    @router.message(NewProgramme.title, F.text)
    async def title_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            title = curation.clean_title(message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.update_data(title=title)
        await state.set_state(NewProgramme.starts)
        await message.answer(t("cur.new.ask_start"))

    @router.message(NewProgramme.starts, F.text)
    async def start_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            starts_on = curation.parse_date(message.text)
        except DomainError as exc:
            await message.answer(t(exc.key) + "\n" + t("cur.new.ask_start"))
            return
        await state.update_data(starts_on=starts_on.isoformat())
        await state.set_state(NewProgramme.ends)
        await message.answer(t("cur.new.ask_end"))

    @router.message(NewProgramme.ends, F.text)
    async def end_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        data = await state.get_data()
        try:
            ends_on = curation.parse_date(message.text)
            curation.check_period(date.fromisoformat(data["starts_on"]), ends_on)
        except DomainError as exc:
            await message.answer(t(exc.key) + "\n" + t("cur.new.ask_end"))
            return
        await state.update_data(ends_on=ends_on.isoformat(), forms=[])
        await state.set_state(NewProgramme.forms)
        await message.answer(_forms_text(t, []), reply_markup=kb.forms_picker(t, []))

    @router.callback_query(NewProgramme.forms, FormPickCallback.filter())
    async def form_picked(query: CallbackQuery, callback_data: FormPickCallback,
                          state: FSMContext, t: BoundTranslator) -> None:
        message = editable(query)
        chosen: list[str] = list((await state.get_data()).get("forms", []))
        index = callback_data.index
        if index == -2:
            await state.set_state(NewProgramme.custom_form)
            await query.answer()
            await message.answer(t("cur.new.ask_custom", max=MAX_CUSTOM_FORM_LENGTH))
            return
        if index == -1:
            if not chosen:
                await query.answer(t.plain("programme.error.forms"), show_alert=True)
                return
            await state.set_state(NewProgramme.cadence)
            await query.answer()
            await message.answer(t("cur.new.ask_cadence"), reply_markup=kb.cadences(t))
            return
        if not 0 <= index < len(STANDARD_FORMS):
            raise AccessDenied()
        form = STANDARD_FORMS[index]
        chosen = [f for f in chosen if f != form] if form in chosen else [*chosen, form]
        await state.update_data(forms=chosen)
        await query.answer()
        await message.edit_text(_forms_text(t, chosen),
                                reply_markup=kb.forms_picker(t, chosen))

    @router.message(NewProgramme.custom_form, F.text)
    async def custom_form_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        title = " ".join((message.text or "").split())
        if not title or len(title) > MAX_CUSTOM_FORM_LENGTH:
            await message.answer(t("cur.error.custom_form", max=MAX_CUSTOM_FORM_LENGTH))
            return
        chosen: list[str] = list((await state.get_data()).get("forms", []))
        form = custom_form(title)
        if form not in chosen:
            chosen.append(form)
        await state.update_data(forms=chosen)
        await state.set_state(NewProgramme.forms)
        await message.answer(_forms_text(t, chosen), reply_markup=kb.forms_picker(t, chosen))

    @router.callback_query(NewProgramme.cadence, CadenceCallback.filter(F.days.in_(CADENCES)))
    async def cadence_chosen(query: CallbackQuery, callback_data: CadenceCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator, dashboard: DashboardLinks | None = None
                             ) -> None:
        message = editable(query)
        data = await state.get_data()
        await access.require_organisation(session, user.id, data["organisation_id"])
        programme = await create_programme(
            session, translator, organisation_id=data["organisation_id"], title=data["title"],
            starts_on=date.fromisoformat(data["starts_on"]),
            ends_on=date.fromisoformat(data["ends_on"]), forms=data["forms"],
            cadence_days=callback_data.days)
        await state.clear()
        await query.answer()
        await message.answer(t("cur.new.done"))
        await send_card(message, session, programme.id, t, dashboard)

    @router.message(NewProgramme.title)
    @router.message(NewProgramme.starts)
    @router.message(NewProgramme.ends)
    @router.message(NewProgramme.custom_form)
    async def not_text(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        current = await state.get_state()
        prompt = {NewProgramme.title.state: "cur.new.ask_title_again",
                  NewProgramme.starts.state: "cur.new.ask_start",
                  NewProgramme.ends.state: "cur.new.ask_end"}.get(current, "cur.new.ask_custom")
        await message.answer(t("cur.need_text") + "\n" + t(prompt, max=MAX_CUSTOM_FORM_LENGTH))

    @router.message(NewProgramme.organisation)
    @router.message(NewProgramme.forms)
    @router.message(NewProgramme.cadence)
    async def expected_button(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.use_buttons"))

    return router
