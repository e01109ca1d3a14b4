"""The curator: creating programmes, the programme card, invitation links and QR codes, the
registry of participants with its export, materials and the community link.

The router is guarded once (only curators get past it) and every handler that takes an id
checks it against the person pressing (bot.services.access)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_curator import (
    CadenceCallback,
    ExportCallback,
    FormPickCallback,
    LinkCallback,
    MaterialCallback,
    NewProgrammeOrgCallback,
    ParticipantCallback,
    ProgrammeCallback,
    RegistryCallback,
)
from bot.i18n import BoundTranslator, Translator
from bot.keyboards import curator as kb
from bot.keyboards import digest as digest_kb
from bot.keyboards import lifecycle as lifecycle_kb
from bot.services import (
    access,
    curation,
    invitations,
    lifecycle,
    materials,
    participants,
    programmes,
)
from bot.services.curation import CADENCES, PAGE_SIZE, PARTICIPANT_ROLES, REGISTRY_STATES
from bot.services.errors import AccessDenied, DomainError
from bot.services.forms import MAX_CUSTOM_FORM_LENGTH, STANDARD_FORMS, custom_form, form_title
from bot.services.invitations import InvitationView
from bot.services.qr import qr_png
from bot.services.reports import registry_xlsx
from handlers.meetings import now_of, wake_after_commit
from models import Organisation, Programme, User

MAX_TEXT = 3900


class NewProgramme(StatesGroup):
    organisation = State()
    title = State()
    starts = State()
    ends = State()
    forms = State()
    custom_form = State()
    cadence = State()


class CuratorInput(StatesGroup):
    community = State()
    material = State()


class CuratorOnly(BaseMiddleware):
    """Runs only for updates a handler of this router matched; refuses anyone who curates no
    organisation. Handlers still check each programme id they are given."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("user")
        await access.require_any_curator(data["session"], user.id if user else None)
        return await handler(event, data)


def curator_router(name: str) -> Router:
    """A router for curators' private chats, guarded once for every handler in it."""
    router = Router(name=name)
    router.message.filter(F.chat.type == "private")
    router.message.middleware(CuratorOnly())
    router.callback_query.middleware(CuratorOnly())
    return router


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


async def card_view(session: AsyncSession, programme_id: int, t: BoundTranslator
                    ) -> tuple[str, InlineKeyboardMarkup]:
    summary = await curation.summary(session, programme_id)
    card = summary.card
    text = t("cur.card.text", title=card.title, organisation=card.organisation_name,
             start=_date(card.starts_on), end=_date(card.ends_on),
             forms=", ".join(form_title(f, t) for f in card.forms),
             cadence=card.cadence_days, state=t(f"cur.state.{card.state}"),
             chat=t("cur.card.chat_group") if card.curator_chat_id else t("cur.card.chat_private"),
             mentors=summary.counts["mentor"], mentees=summary.counts["mentee"],
             pending=summary.pending_guardian,
             community=summary.community_link or t("cur.card.no_community"))
    markup = kb.programme_card(t, summary)
    programme = await session.get(Programme, programme_id)
    markup.inline_keyboard.append([digest_kb.card_button(t, programme)])
    markup.inline_keyboard.extend(lifecycle_kb.card_rows(t, programme))
    return text, markup


async def send_card(message: Message, session: AsyncSession, programme_id: int,
                    t: BoundTranslator) -> None:
    text, markup = await card_view(session, programme_id, t)
    await message.answer(text, reply_markup=markup)


async def send_link(message: Message, bot: Bot, session: AsyncSession, programme_id: int,
                    link: InvitationView, t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    organisation = await session.get(Organisation, card.organisation_id)
    me = await bot.me()
    url = invitations.deep_link(me.username, link.token)
    if link.expires_at:
        expires = link.expires_at.astimezone(ZoneInfo(organisation.timezone)).strftime(
            "%d.%m.%Y %H:%M")
    else:
        expires = t("cur.link.no_expiry")
    uses = (t("cur.link.uses_of", used=link.uses, max=link.max_uses) if link.max_uses
            else t("cur.link.uses_free", used=link.uses))
    await message.answer(
        t("cur.link.card", role=t(f"cur.link.role_{link.role}"), programme=card.title, link=url,
          expires=expires, uses=uses),
        reply_markup=kb.link_card(t, programme_id, link.role, link.id))
    await message.answer_photo(BufferedInputFile(qr_png(url), filename="invite.png"), caption=url)


async def show_registry(query_or_message: CallbackQuery | Message, session: AsyncSession,
                        programme_id: int, role: str, state: str, page: int,
                        t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    rows, total = await participants.registry(session, programme_id, role=role or None,
                                              state=state or None, offset=page * PAGE_SIZE,
                                              limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    lines = [t("cur.reg.title", programme=card.title, total=total, page=page + 1, pages=pages)]
    if role or state:
        lines.append(t("cur.reg.filter", role=t(f"cur.reg.role_{role}") if role
                       else t("cur.reg.all_roles"),
                       state=t(f"state.{state}") if state else t("cur.reg.all_states")))
    labels = []
    for number, row in enumerate(rows, start=page * PAGE_SIZE + 1):
        name = row.full_name or t("cur.reg.no_name", id=row.id)
        form = form_title(row.form, t) if row.form else "—"
        lines.append(t("cur.reg.line", number=number, name=name, role=t(f"role.{row.role}"),
                       form=form, state=t(f"state.{row.state}")))
        labels.append((row.id, f"{number}. {row.full_name or '#' + str(row.id)}"[:60]))
    if not rows:
        lines.append(t("cur.reg.empty"))
    markup = kb.registry(t, programme_id, role, state, page, pages, labels)
    text = "\n".join(lines)
    if isinstance(query_or_message, CallbackQuery):
        message = query_or_message.message
        from_registry = isinstance(message, Message) and message.reply_markup and any(
            (button.callback_data or "").startswith(ExportCallback.__prefix__ + ":")
            for row in message.reply_markup.inline_keyboard for button in row)
        if from_registry:
            await message.edit_text(text, reply_markup=markup)
        else:
            await message.answer(text, reply_markup=markup)
    else:
        await query_or_message.answer(text, reply_markup=markup)


async def show_materials(message: Message, session: AsyncSession, programme_id: int,
                         t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    items = await materials.of_programme(session, programme_id)
    lines = [t("mat.admin_title", programme=card.title)]
    for item in items:
        lines.append(t("mat.admin_line", title=item.title,
                       kind=t("mat.kind_file") if item.file_id else item.url))
    if not items:
        lines.append(t("mat.admin_empty"))
    await message.answer("\n".join(lines), reply_markup=kb.materials_admin(t, programme_id, items))


def _forms_text(t: BoundTranslator, chosen: list[str]) -> str:
    custom = [form_title(f, t) for f in chosen if f not in STANDARD_FORMS]
    text = t("cur.new.ask_forms")
    if custom:
        text += "\n" + t("cur.new.custom_chosen", forms=", ".join(custom))
    return text


def create_router(translator: Translator) -> Router:
    router = curator_router("curator")

    # Commands first, so a command typed in the middle of a flow is not taken as an answer.
    @router.message(Command("newprogramme"))
    async def new_programme(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
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

    @router.message(Command("programmes"))
    async def programme_list(message: Message, session: AsyncSession, user: User,
                             t: BoundTranslator) -> None:
        found = await access.curated_programmes(session, user.id)
        if not found:
            await message.answer(t("cur.no_programmes"))
            return
        lines = [t("cur.list.title")] + [
            t("cur.list.line", title=p.title, state=t(f"cur.state.{p.state}"),
              start=_date(p.starts_on), end=_date(p.ends_on)) for p in found]
        await message.answer("\n".join(lines), reply_markup=kb.programme_list(found))

    @router.message(Command("participants"))
    async def registry_command(message: Message, session: AsyncSession, user: User,
                               t: BoundTranslator) -> None:
        found = await access.curated_programmes(session, user.id)
        if not found:
            await message.answer(t("cur.no_programmes"))
            return
        if len(found) == 1:
            await show_registry(message, session, found[0].id, "", "", 0, t)
            return
        await message.answer(t("cur.reg.choose"), reply_markup=kb.registry_programmes(found))

    # /newprogramme, step by step.
    @router.callback_query(NewProgramme.organisation, NewProgrammeOrgCallback.filter())
    async def organisation_chosen(query: CallbackQuery, callback_data: NewProgrammeOrgCallback,
                                  session: AsyncSession, user: User, state: FSMContext,
                                  t: BoundTranslator) -> None:
        organisation = await access.require_organisation(session, user.id,
                                                         callback_data.organisation_id)
        await state.update_data(organisation_id=organisation.id)
        await state.set_state(NewProgramme.title)
        await query.answer()
        await query.message.answer(t("cur.new.ask_title", organisation=organisation.name))

    @router.message(NewProgramme.title, F.text)
    async def title_given(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            title = curation.clean_title(message.text)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
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
        chosen: list[str] = list((await state.get_data()).get("forms", []))
        index = callback_data.index
        if index == -2:
            await state.set_state(NewProgramme.custom_form)
            await query.answer()
            await query.message.answer(t("cur.new.ask_custom", max=MAX_CUSTOM_FORM_LENGTH))
            return
        if index == -1:
            if not chosen:
                await query.answer(t("programme.error.forms"), show_alert=True)
                return
            await state.set_state(NewProgramme.cadence)
            await query.answer()
            await query.message.answer(t("cur.new.ask_cadence"), reply_markup=kb.cadences(t))
            return
        if not 0 <= index < len(STANDARD_FORMS):
            raise AccessDenied()
        form = STANDARD_FORMS[index]
        chosen = [f for f in chosen if f != form] if form in chosen else [*chosen, form]
        await state.update_data(forms=chosen)
        await query.answer()
        await query.message.edit_text(_forms_text(t, chosen),
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
                             t: BoundTranslator) -> None:
        data = await state.get_data()
        await access.require_organisation(session, user.id, data["organisation_id"])
        programme = await programmes.create_programme(
            session, translator, organisation_id=data["organisation_id"], title=data["title"],
            starts_on=date.fromisoformat(data["starts_on"]),
            ends_on=date.fromisoformat(data["ends_on"]), forms=data["forms"],
            cadence_days=callback_data.days)
        await state.clear()
        await query.answer()
        await query.message.answer(t("cur.new.done"))
        await send_card(query.message, session, programme.id, t)

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

    # The programme card and its buttons.
    @router.callback_query(ProgrammeCallback.filter())
    async def programme_action(query: CallbackQuery, callback_data: ProgrammeCallback,
                               session: AsyncSession, user: User, state: FSMContext,
                               t: BoundTranslator, scheduler: object | None = None) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        action = callback_data.action
        if action in ("run", "done"):
            await curation.advance_state(session, programme,
                                         "running" if action == "run" else "completed")
            if action == "done":
                # Every open pair completes; both members get the final surveys.
                await lifecycle.complete_programme(session, programme.id, now_of(scheduler))
                wake_after_commit(session, scheduler)
            await query.answer(t("cur.card.state_changed",
                                 state=t(f"cur.state.{programme.state}")))
            text, markup = await card_view(session, programme.id, t)
            await query.message.edit_text(text, reply_markup=markup)
            return
        await query.answer()
        if action == "card":
            await send_card(query.message, session, programme.id, t)
        elif action == "mats":
            await show_materials(query.message, session, programme.id, t)
        elif action == "comm":
            await state.set_state(CuratorInput.community)
            await state.set_data({"programme_id": programme.id})
            await query.message.answer(t("cur.community.ask", current=programme.community_link
                                         or t("cur.card.no_community")))
        else:
            raise AccessDenied()

    @router.message(CuratorInput.community, F.text)
    async def community_given(message: Message, session: AsyncSession, user: User,
                              state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            await curation.set_community_link(session, programme, message.text)
        except DomainError as exc:
            await message.answer(t(exc.key))
            return
        await state.clear()
        await message.answer(t("cur.community.saved"))
        await send_card(message, session, programme.id, t)

    @router.message(CuratorInput.community)
    async def community_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.error.link"))

    # Invitation links.
    @router.callback_query(LinkCallback.filter(F.role.in_(PARTICIPANT_ROLES)))
    async def link_action(query: CallbackQuery, callback_data: LinkCallback,
                          session: AsyncSession, user: User, t: BoundTranslator, bot: Bot) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        action, role = callback_data.action, callback_data.role
        if action == "show":
            link = await curation.programme_link(session, programme, role)
            await query.answer()
            await send_link(query.message, bot, session, programme.id, link, t)
        elif action == "life":
            await query.answer()
            await query.message.answer(t("cur.link.ask_life"),
                                       reply_markup=kb.link_lifetimes(t, programme.id, role))
        elif action == "uses":
            if callback_data.days not in curation.LINK_LIFETIMES:
                raise AccessDenied()
            await query.answer()
            await query.message.edit_text(
                t("cur.link.ask_uses"),
                reply_markup=kb.link_uses(t, programme.id, role, callback_data.days))
        elif action == "new":
            link = await curation.new_programme_link(session, programme, role,
                                                     callback_data.days, callback_data.uses)
            await query.answer()
            await send_link(query.message, bot, session, programme.id, link, t)
        elif action == "revoke":
            invitation = await access.require_invitation(session, user.id, programme.id,
                                                         callback_data.invitation_id)
            await curation.revoke_link(session, invitation)
            await query.answer()
            await query.message.edit_text(t("cur.link.revoked"),
                                          reply_markup=kb.link_lifetimes(t, programme.id, role))
        else:
            raise AccessDenied()

    @router.callback_query(LinkCallback.filter())
    async def link_forged(query: CallbackQuery) -> None:
        raise AccessDenied()

    # The registry.
    @router.callback_query(RegistryCallback.filter())
    async def registry_page(query: CallbackQuery, callback_data: RegistryCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        await access.require_curator(session, user.id, callback_data.programme_id)
        if (callback_data.role not in ("", *PARTICIPANT_ROLES)
                or callback_data.state not in ("", *REGISTRY_STATES) or callback_data.page < 0):
            raise AccessDenied()
        await query.answer()
        await show_registry(query, session, callback_data.programme_id, callback_data.role,
                            callback_data.state, callback_data.page, t)

    @router.callback_query(ParticipantCallback.filter())
    async def participant_card(query: CallbackQuery, callback_data: ParticipantCallback,
                               session: AsyncSession, user: User, t: BoundTranslator) -> None:
        participation = await access.require_participation(session, user.id,
                                                           callback_data.participation_id)
        card = await curation.participant_card(session, participation, t.locale)
        lines = [t("cur.person.card", name=card.full_name or t("cur.reg.no_name", id=card.id),
                   role=t(f"role.{card.role}"),
                   form=form_title(card.form, t) if card.form else "—",
                   age=t(f"age_group.{card.age_group}"), state=t(f"state.{card.state}"),
                   created=_date(card.created_at.date()),
                   consent=_date(card.consent_at.date() if card.consent_at else None),
                   ready=_date(card.ready_at.date() if card.ready_at else None))]
        if card.answers:
            lines.append(t("cur.person.answers"))
            for question, answer in card.answers:
                lines.append(t("cur.person.answer", question=question, answer=answer))
        else:
            lines.append(t("cur.person.no_answers"))
        text = "\n".join(lines)
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT].rsplit("\n", 1)[0] + "\n…"
        await query.answer()
        await query.message.answer(text,
                                   reply_markup=kb.participant_card(t, card.programme_id))

    @router.callback_query(ExportCallback.filter())
    async def export(query: CallbackQuery, callback_data: ExportCallback, session: AsyncSession,
                     user: User, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        rows = await curation.export_rows(session, programme.id)
        content = registry_xlsx.build(rows, t, programme.title)
        await query.answer()
        await query.message.answer_document(
            BufferedInputFile(content, filename=f"registry_{programme.id}.xlsx"),
            caption=t("cur.reg.export_caption", programme=programme.title, n=len(rows)))

    # Materials.
    @router.callback_query(MaterialCallback.filter())
    async def material_action(query: CallbackQuery, callback_data: MaterialCallback,
                              session: AsyncSession, user: User, state: FSMContext,
                              t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        if callback_data.action == "add":
            await state.set_state(CuratorInput.material)
            await state.set_data({"programme_id": programme.id})
            await query.answer()
            await query.message.answer(t("mat.ask"))
        elif callback_data.action == "del":
            material = await access.require_material(session, user.id, callback_data.material_id)
            if material.programme_id != programme.id:
                raise AccessDenied()
            await materials.delete(session, material)
            await query.answer(t("mat.deleted"))
            await show_materials(query.message, session, programme.id, t)
        else:
            raise AccessDenied()

    @router.message(CuratorInput.material, F.document)
    async def material_file(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        document = message.document
        await materials.add_file(session, programme.id, document.file_id,
                                 message.caption or document.file_name)
        await state.clear()
        await message.answer(t("mat.added"))
        await show_materials(message, session, programme.id, t)

    @router.message(CuratorInput.material, F.text)
    async def material_link(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            await materials.add_link(session, programme.id, message.text)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params) + "\n" + t("mat.ask"))
            return
        await state.clear()
        await message.answer(t("mat.added"))
        await show_materials(message, session, programme.id, t)

    @router.message(CuratorInput.material)
    async def material_other(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("mat.ask"))

    return router
