"""The curator's programmes: the commands (/programmes, /participants, /newprogramme), the
programme card with its buttons, the community link. Creating a programme, invitation links,
the registry and materials live in handlers/curator_*.py; every curator router is guarded once
by `curator_router()` (handlers/shared/guards.py)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks.curator import ProgrammeAction, ProgrammeCallback, RegistryCallback
from bot.clock import now_of
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import completion
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.people import access
from bot.services.programmes import curation
from bot.services.programmes.forms import form_title
from handlers.curator import digest_views as digest_kb
from handlers.curator import lifecycle_views as lifecycle_kb
from handlers.curator import new_programme as curator_new
from handlers.curator import views as kb
from handlers.curator.materials import show_materials
from handlers.curator.registry import short_date, show_registry
from handlers.shared import confirm
from handlers.shared.dashboard_link import DashboardLinks
from handlers.shared.guards import curator_router
from handlers.shared.pressed import editable, in_chat
from handlers.shared.programme_choice import for_curated_programme
from models import Programme, User

__all__ = ["create_router", "send_card"]


class CommunityInput(StatesGroup):
    community = State()


async def card_view(session: AsyncSession, programme_id: int, t: BoundTranslator,
                    dashboard: DashboardLinks | None = None) -> tuple[str, InlineKeyboardMarkup]:
    summary = await curation.summary(session, programme_id)
    card = summary.card
    text = t("cur.card.text", title=card.title, organisation=card.organisation_name,
             start=short_date(card.starts_on), end=short_date(card.ends_on),
             forms=", ".join(form_title(f, t) for f in card.forms),
             cadence=card.cadence_days, state=t(f"cur.state.{card.state}"),
             chat=t("cur.card.chat_group") if card.curator_chat_id else t("cur.card.chat_private"),
             mentors=summary.counts["mentor"], mentees=summary.counts["mentee"],
             pending=summary.pending_guardian,
             community=summary.community_link or t("cur.card.no_community"))
    markup = kb.programme_card(t, summary)
    programme = await lookup.programme(session, programme_id)
    if programme is None:
        raise AccessDenied()
    markup.inline_keyboard.append([digest_kb.card_button(t, programme)])
    markup.inline_keyboard.append([digest_kb.show_now_button(t, programme.id)])
    markup.inline_keyboard.extend(lifecycle_kb.card_rows(t, programme))
    panel = dashboard.button(t, programme_id) if dashboard else None
    if panel is not None:  # in private chats only: Telegram opens Mini Apps there
        markup.inline_keyboard.insert(0, [panel])
    return text, markup


async def send_card(message: Message, session: AsyncSession, programme_id: int,
                    t: BoundTranslator, dashboard: DashboardLinks | None = None) -> None:
    private = message.chat.type == "private"
    text, markup = await card_view(session, programme_id, t, dashboard if private else None)
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    """Include it before the other curator routers (bot/runtime/routers.py): its commands must win
    over any curator flow's text answer."""
    router = curator_router("curator")

    # Commands first, so a command typed in the middle of a flow is not taken as an answer.
    @router.message(Command("newprogramme"))
    async def new_programme(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        await curator_new.begin(message, session, user, state, t)

    @router.message(Command("programmes"))
    async def programme_list(message: Message, session: AsyncSession, user: User,
                             t: BoundTranslator) -> None:
        found = await access.curated_programmes(session, user.id)
        if not found:
            await message.answer(t("cur.no_programmes"))
            return
        lines = [t("cur.list.title")] + [
            t("cur.list.line", title=p.title, state=t(f"cur.state.{p.state}"),
              start=short_date(p.starts_on), end=short_date(p.ends_on)) for p in found]
        await message.answer("\n".join(lines), reply_markup=kb.programme_list(found))

    @router.message(Command("participants"))
    async def registry_command(message: Message, session: AsyncSession, user: User,
                               t: BoundTranslator) -> None:
        await for_curated_programme(
            message, session, user, t, choose="cur.reg.choose",
            button=lambda pid: RegistryCallback(programme_id=pid),
            one=lambda programme: show_registry(message, session, programme.id, "", "", 0, t))

    # The programme card and its buttons.
    def programme_button(action: ProgrammeAction):
        return router.callback_query(ProgrammeCallback.filter(F.action == action))

    async def curated(session: AsyncSession, user: User, callback_data: ProgrammeCallback
                      ) -> Programme:
        return await access.require_curator(session, user.id, callback_data.programme_id)

    def panel(query: CallbackQuery, dashboard: DashboardLinks | None) -> DashboardLinks | None:
        """The dashboard's button is for the curator's private chat only."""
        message = query.message
        return dashboard if message is not None and message.chat.type == "private" else None

    async def state_changed(query: CallbackQuery, session: AsyncSession, programme: Programme,
                            t: BoundTranslator, dashboard: DashboardLinks | None) -> None:
        message = editable(query)
        await query.answer(t.plain("cur.card.state_changed",
                                   state=t.plain(f"cur.state.{programme.state}")))
        text, markup = await card_view(session, programme.id, t, panel(query, dashboard))
        await message.edit_text(text, reply_markup=markup)

    @programme_button(ProgrammeAction.RUN)
    async def programme_run(query: CallbackQuery, callback_data: ProgrammeCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            scheduler: object | None = None,
                            dashboard: DashboardLinks | None = None) -> None:
        programme = await curated(session, user, callback_data)
        await curation.advance_state(session, programme, "running", now_of(scheduler))
        await state_changed(query, session, programme, t, dashboard)

    @programme_button(ProgrammeAction.COMPLETE)
    async def programme_complete_ask(query: CallbackQuery, callback_data: ProgrammeCallback,
                                     session: AsyncSession, user: User,
                                     t: BoundTranslator) -> None:
        """Completing cannot be undone: say what it will do, with the numbers, and ask."""
        message = in_chat(query)
        programme = await curated(session, user, callback_data)
        curation.check_can_complete(programme)
        found = await completion.preview(session, programme)
        await query.answer()
        await message.answer(kb.complete_question(t, found), reply_markup=confirm.keyboard(
            t, "cur.complete.yes",
            ProgrammeCallback(action=ProgrammeAction.COMPLETE_CONFIRMED, programme_id=programme.id),
            ProgrammeCallback(action=ProgrammeAction.KEEP, programme_id=programme.id)))

    @programme_button(ProgrammeAction.COMPLETE_CONFIRMED)
    async def programme_complete(query: CallbackQuery, callback_data: ProgrammeCallback,
                                 session: AsyncSession, user: User, t: BoundTranslator,
                                 scheduler: object | None = None,
                                 dashboard: DashboardLinks | None = None) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        found = await completion.preview(session, programme)
        # A second tap finds the programme completed and is told so; nothing is sent again.
        await curation.advance_state(session, programme, "completed")
        # Every open pair completes; both members get the final surveys.
        await lifecycle.complete_programme(session, programme.id, now_of(scheduler))
        wake_after_commit(session, scheduler)
        await query.answer(t.plain("cur.card.state_changed",
                                   state=t.plain(f"cur.state.{programme.state}")))
        # The question becomes the result over the card, with what comes next (letters, the
        # next cycle).
        text, markup = await card_view(session, programme.id, t, panel(query, dashboard))
        await message.edit_text(kb.completed_text(t, found) + "\n\n" + text, reply_markup=markup)

    @programme_button(ProgrammeAction.KEEP)
    async def programme_keep(query: CallbackQuery, callback_data: ProgrammeCallback,
                             session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        await curated(session, user, callback_data)
        await query.answer()
        await confirm.kept(message, t)

    @programme_button(ProgrammeAction.CARD)
    async def programme_card(query: CallbackQuery, callback_data: ProgrammeCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             dashboard: DashboardLinks | None = None) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        await query.answer()
        await send_card(message, session, programme.id, t, dashboard)

    @programme_button(ProgrammeAction.MATERIALS)
    async def programme_materials(query: CallbackQuery, callback_data: ProgrammeCallback,
                                  session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        await query.answer()
        await show_materials(message, session, programme.id, t)

    @programme_button(ProgrammeAction.COMMUNITY)
    async def programme_community(query: CallbackQuery, callback_data: ProgrammeCallback,
                                  session: AsyncSession, user: User, state: FSMContext,
                                  t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await curated(session, user, callback_data)
        await query.answer()
        await state.set_state(CommunityInput.community)
        await state.set_data({"programme_id": programme.id})
        await message.answer(t("cur.community.ask", current=programme.community_link
                               or t("cur.card.no_community")))

    @router.message(CommunityInput.community, F.text)
    async def community_given(message: Message, session: AsyncSession, user: User,
                              state: FSMContext, t: BoundTranslator,
                              dashboard: DashboardLinks | None = None) -> None:
        programme = await access.require_curator(session, user.id,
                                                 (await state.get_data()).get("programme_id", 0))
        try:
            await curation.set_community_link(session, programme, message.text)
        except DomainError as exc:
            await message.answer(t(exc.key))
            return
        await state.clear()
        await message.answer(t("cur.community.saved"))
        await send_card(message, session, programme.id, t, dashboard)

    @router.message(CommunityInput.community)
    async def community_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.error.link"))

    return router
