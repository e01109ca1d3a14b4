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
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.curator import ProgrammeCallback, RegistryCallback
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.people import access
from bot.services.programmes import curation
from bot.services.programmes.forms import form_title
from handlers.curator import digest_views as digest_kb
from handlers.curator import new_programme as curator_new
from handlers.curator import views as kb
from handlers.curator.materials import show_materials
from handlers.curator.registry import short_date, show_registry
from handlers.lifecycle import views as lifecycle_kb
from handlers.meetings.router import now_of, wake_after_commit
from handlers.shared.guards import curator_router
from handlers.shared.programme_choice import for_curated_programme
from models import Programme, User

__all__ = ["create_router", "send_card"]


class CommunityInput(StatesGroup):
    community = State()


async def card_view(session: AsyncSession, programme_id: int, t: BoundTranslator
                    ) -> tuple[str, InlineKeyboardMarkup]:
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
    programme = await session.get(Programme, programme_id)
    markup.inline_keyboard.append([digest_kb.card_button(t, programme)])
    markup.inline_keyboard.extend(lifecycle_kb.card_rows(t, programme))
    return text, markup


async def send_card(message: Message, session: AsyncSession, programme_id: int,
                    t: BoundTranslator) -> None:
    text, markup = await card_view(session, programme_id, t)
    await message.answer(text, reply_markup=markup)


def create_router() -> Router:
    """Include it before the other curator routers (handlers/__init__.py): its commands must win
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
            await query.answer(t.plain("cur.card.state_changed",
                                       state=t.plain(f"cur.state.{programme.state}")))
            text, markup = await card_view(session, programme.id, t)
            await query.message.edit_text(text, reply_markup=markup)
            return
        await query.answer()
        if action == "card":
            await send_card(query.message, session, programme.id, t)
        elif action == "mats":
            await show_materials(query.message, session, programme.id, t)
        elif action == "comm":
            await state.set_state(CommunityInput.community)
            await state.set_data({"programme_id": programme.id})
            await query.message.answer(t("cur.community.ask", current=programme.community_link
                                         or t("cur.card.no_community")))
        else:
            raise AccessDenied()

    @router.message(CommunityInput.community, F.text)
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

    @router.message(CommunityInput.community)
    async def community_not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("cur.error.link"))

    return router
