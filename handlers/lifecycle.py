"""The programme life cycle in the chat: a monitoring survey's button starts it (docs/lifecycle.md).

The prompts themselves are sent by bot.services.lifecycle through the outbox."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks_lifecycle import LifecycleSurveyCallback
from bot.i18n import BoundTranslator
from bot.services import lifecycle, pairs, questionnaire
from handlers.questionnaire import show_step
from models import Participation, User
from scheduler import lifecycle_jobs  # noqa: F401  (registers the midterm job)


def create_router() -> Router:
    router = Router(name="lifecycle")

    @router.callback_query(LifecycleSurveyCallback.filter())
    async def start_survey(query: CallbackQuery, callback_data: LifecycleSurveyCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot) -> None:
        pair, role = await pairs.require_member(session, user.id, callback_data.pair)
        survey_id, context = lifecycle.survey_of(callback_data.kind, role, pair)
        lifecycle.check_pair_state(callback_data.kind, pair)
        participation = await session.get(
            Participation, pair.mentor_id if role == "mentor" else pair.mentee_id)
        step = await questionnaire.start(session, participation, survey_id, context=context)
        await query.answer()
        if step.question is None:
            await bot.send_message(query.from_user.id, t("lifecycle.survey.already"))
            return
        await show_step(bot, query.from_user.id, step, state, t)

    return router
