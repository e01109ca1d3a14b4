"""The curator at completion: the base of good practices (/practices, marking the pairs'
stories) and the questionnaire about the programme's conditions (docs/lifecycle.md).

Guarded once by curator_router; every programme and story id from a button is checked again
against the presser, so a forged button of another programme is refused and changes nothing."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.lifecycle import LifecycleCardCallback, PracticeCallback
from bot.i18n import BoundTranslator
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.lifecycle import practices
from bot.services.lifecycle.practices import PAGE_SIZE, Practice
from bot.services.people import access
from bot.services.programmes.forms import form_title
from bot.services.surveys import questionnaire
from handlers.lifecycle import views as lifecycle_kb
from handlers.meetings.router import now_of
from handlers.shared.guards import curator_router
from handlers.shared.programme_choice import for_curated_programme
from handlers.surveys.router import show_step
from models import Programme, User


def _line(t: BoundTranslator, number: int, practice: Practice) -> str:
    nobody = t("practices.no_name")
    return t("practices.list.item", number=number, star="★ " if practice.marked else "",
             mentor=practice.mentor_name or nobody, mentee=practice.mentee_name or nobody,
             form=form_title(practice.form, t),
             author=t(f"practices.author.{practice.author_role}"),
             anonymous=t("practices.list.anonymous") if practice.anonymous else "",
             text=practices.trimmed(practice.text))  # t() escapes every parameter


async def practices_view(session: AsyncSession, programme: Programme, page: int,
                         t: BoundTranslator) -> tuple[str, InlineKeyboardMarkup | None]:
    shown, page, pages = await practices.page(session, programme.id, page)
    if not shown:
        return t("practices.list.empty", title=programme.title), None
    marked = len(await practices.marked(session, programme.id))
    first = page * PAGE_SIZE + 1
    lines = [t("practices.list.title", title=programme.title, page=page + 1,
               pages=pages, marked=marked)]
    lines += [_line(t, number, p) for number, p in enumerate(shown, start=first)]
    return "\n\n".join(lines), lifecycle_kb.practices_page(t, programme.id, shown, first, page,
                                                          pages)


def create_router() -> Router:
    router = curator_router("practices")

    @router.message(Command("practices"))
    async def practices_command(message: Message, session: AsyncSession, user: User,
                                t: BoundTranslator) -> None:
        async def show(programme: Programme) -> None:
            text, markup = await practices_view(session, programme, 0, t)
            await message.answer(text, reply_markup=markup)

        await for_curated_programme(
            message, session, user, t, choose="practices.choose", one=show,
            button=lambda pid: PracticeCallback(action="l", programme_id=pid))

    @router.callback_query(PracticeCallback.filter())
    async def practices_pressed(query: CallbackQuery, callback_data: PracticeCallback,
                                session: AsyncSession, user: User, t: BoundTranslator,
                                scheduler: object | None = None) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        if callback_data.action == "t":
            now_marked = await practices.toggle(session, programme.id, callback_data.response,
                                                user.id, now_of(scheduler))
            await query.answer(t.plain("practices.marked" if now_marked else "practices.unmarked"))
            text, markup = await practices_view(session, programme, callback_data.page, t)
            if isinstance(query.message, Message):
                await query.message.edit_text(text, reply_markup=markup)
            return
        await query.answer()
        text, markup = await practices_view(session, programme, callback_data.page, t)
        if callback_data.action == "p" and isinstance(query.message, Message):
            await query.message.edit_text(text, reply_markup=markup)  # turning a page
        else:
            await query.message.answer(text, reply_markup=markup)

    @router.callback_query(LifecycleCardCallback.filter(F.action == "cond"))
    async def conditions_survey(query: CallbackQuery, callback_data: LifecycleCardCallback,
                                session: AsyncSession, user: User, state: FSMContext,
                                t: BoundTranslator, bot: Bot) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        step = await questionnaire.start_as_user(
            session, user.id, programme.id, lifecycle.CONDITIONS_SURVEY,
            lifecycle.conditions_context(programme.id))
        await query.answer()
        if step.question is None:
            await bot.send_message(query.from_user.id, t("lifecycle.survey.already"))
            return
        await show_step(bot, query.from_user.id, step, state, t)

    return router
