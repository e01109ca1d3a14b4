"""/announce: a curator writes to all mentors, all mentees or everyone in a programme, sees a
preview with the number of recipients, confirms; delivery goes through the outbox and the
summary comes later from the scheduler (scheduler/curator_jobs.py)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.digest import AnnounceCallback
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied, DomainError
from bot.services.notices import announcements
from bot.services.people import access
from bot.services.programmes import curation
from handlers.curator import digest_views as kb
from handlers.shared.guards import curator_router
from handlers.shared.programme_choice import for_curated_programme
from models import User


class AnnounceFlow(StatesGroup):
    text = State()
    confirm = State()


async def ask_audience(message: Message, programme_id: int, title: str,
                       t: BoundTranslator) -> None:
    await message.answer(t("ann.ask_audience", title=title),
                         reply_markup=kb.audiences(t, programme_id))


def create_router() -> Router:
    router = curator_router("announce")

    @router.message(Command("announce"))
    async def announce(message: Message, session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator) -> None:
        await state.clear()
        await for_curated_programme(
            message, session, user, t, choose="ann.choose",
            button=lambda pid: AnnounceCallback(action="pick", programme_id=pid),
            one=lambda programme: ask_audience(message, programme.id, programme.title, t))

    @router.callback_query(AnnounceCallback.filter())
    async def announce_button(query: CallbackQuery, callback_data: AnnounceCallback,
                              session: AsyncSession, user: User, state: FSMContext,
                              t: BoundTranslator, scheduler: Any = None) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        action, audience = callback_data.action, callback_data.audience
        if action == "pick":
            await query.answer()
            await ask_audience(query.message, programme.id, programme.title, t)
        elif action == "aud" and audience in announcements.AUDIENCES:
            await state.set_state(AnnounceFlow.text)
            await state.set_data({"programme_id": programme.id, "audience": audience})
            await query.answer()
            await query.message.edit_text(t("ann.ask_text", audience=t(
                f"ann.audience.{audience}"), max=announcements.MAX_TEXT))
        elif action == "send":
            data = await state.get_data()
            if (await state.get_state() != AnnounceFlow.confirm.state
                    or data.get("programme_id") != programme.id
                    or data.get("audience") != audience):
                await query.answer(t.plain("ann.stale"), show_alert=True)
                return
            sent = await announcements.send(
                session, programme_id=programme.id, author_user_id=user.id, audience=audience,
                text=data["text"], now=curation.now())
            await state.clear()
            await query.answer()
            await query.message.edit_reply_markup(reply_markup=None)
            await query.message.answer(t("ann.queued", count=sent.recipients,
                                         unreachable=sent.skipped_unreachable))
            if scheduler is not None:
                scheduler.wake()
        elif action == "drop":
            await state.clear()
            await query.answer()
            await query.message.edit_reply_markup(reply_markup=None)
            await query.message.answer(t("ann.dropped"))
        else:
            raise AccessDenied()

    @router.message(AnnounceFlow.text, F.text)
    async def text_given(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator) -> None:
        data = await state.get_data()
        programme = await access.require_curator(session, user.id, data.get("programme_id", 0))
        try:
            text = announcements.clean_text(message.text)
        except DomainError as exc:
            await message.answer(t(exc.key, **exc.params))
            return
        people = await announcements.recipients(session, programme.id, data["audience"])
        reachable = sum(not p.unreachable for p in people)
        await state.update_data(text=text)
        await state.set_state(AnnounceFlow.confirm)
        await message.answer(t("ann.preview_head", count=reachable,
                               unreachable=len(people) - reachable,
                               audience=t(f"ann.audience.{data['audience']}"),
                               title=programme.title))
        await message.answer(text, reply_markup=kb.confirm(t, programme.id, data["audience"]))

    @router.message(AnnounceFlow.text)
    async def not_text(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("ann.error.empty"))

    return router
