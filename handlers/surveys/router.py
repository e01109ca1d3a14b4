"""Answering a questionnaire: buttons for choices, typed answers for text, numbers and dates."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.onboarding import SurveyCallback
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.meetings import notify as meeting_notify
from bot.services.surveys import (
    Invalid,
    MultiQuestion,
    format_error,
    questionnaire,
    render_prompt,
)
from bot.services.surveys import (
    message as survey_message,
)
from bot.services.surveys.questionnaire import Step
from handlers.meetings.materials import send_materials
from handlers.surveys.views import question_keyboard
from models import User


class SurveyFlow(StatesGroup):
    answering = State()


def ticks_key(step: Step) -> str:
    return f"ticks:{step.response_id}:{step.question.id if step.question else ''}"


async def show_step(bot: Bot, chat_id: int, step: Step, state: FSMContext, t: BoundTranslator,
                    edit: Message | None = None) -> None:
    """Ask the current question (editing the previous one when a button was pressed), or say
    the survey is complete."""
    locale = t.locale
    if step.question is None:
        await state.clear()
        text = escape(survey_message("survey.completed", locale))
        if edit is not None:
            await edit.edit_text(text)
        else:
            await bot.send_message(chat_id, text)
        return
    await state.set_state(SurveyFlow.answering)
    data = await state.get_data()
    ticked = frozenset(data.get(ticks_key(step), []))
    await state.update_data(response_id=step.response_id)
    prompt = escape(render_prompt(step.survey, step.question, step.answers, locale))
    if step.first:
        title = step.survey.title.ru if locale == "ru" else step.survey.title.en
        intro = step.survey.intro
        intro_text = (intro.ru if locale == "ru" else intro.en) if intro else ""
        header = f"<b>{escape(title)}</b>" + (f"\n{escape(intro_text)}" if intro_text else "")
        prompt = f"{header}\n\n{prompt}"
    markup = question_keyboard(step.response_id, step.question, locale,
                               can_go_back=step.can_go_back, ticked=ticked)
    if edit is not None:
        await edit.edit_text(prompt, reply_markup=markup)
    else:
        await bot.send_message(chat_id, prompt, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="questionnaire")

    @router.callback_query(SurveyCallback.filter())
    async def pressed(query: CallbackQuery, callback_data: SurveyCallback, session: AsyncSession,
                      user: User, state: FSMContext, t: BoundTranslator, bot: Bot) -> None:
        response_id, question_id = callback_data.response_id, callback_data.question
        action = callback_data.action
        message = query.message if isinstance(query.message, Message) else None
        try:
            step = await questionnaire.current(session, response_id, user.id)
            if step.question is None or step.question.id != question_id:
                raise questionnaire.StaleQuestion()
            if action == "t" and isinstance(step.question, MultiQuestion):
                option = questionnaire.option_value(step.question, callback_data.index)
                key = ticks_key(step)
                ticked = set((await state.get_data()).get(key, []))
                ticked ^= {option}
                await state.update_data({key: sorted(ticked)})
                await query.answer()
                await show_step(bot, query.from_user.id, step, state, t, edit=message)
                return
            if action == "d" and isinstance(step.question, MultiQuestion):
                chosen = (await state.get_data()).get(ticks_key(step), [])
                result = await questionnaire.answer(session, response_id, user.id, question_id,
                                                    chosen, step=step)
            elif action == "o":
                value = questionnaire.option_value(step.question, callback_data.index)
                result = await questionnaire.answer(session, response_id, user.id, question_id,
                                                    value, step=step)
            elif action == "s":
                result = await questionnaire.skip_question(session, response_id, user.id,
                                                           question_id, step=step)
            elif action == "b":
                result = await questionnaire.go_back(session, response_id, user.id, question_id,
                                                     step=step)
            else:
                raise questionnaire.StaleQuestion()
        except questionnaire.StaleQuestion:
            await query.answer(t.plain("survey.stale"), show_alert=False)
            # The message shows another question than the current one (an old keyboard, a
            # double tap, or a reply whose update then failed and rolled back): bring it back
            # to the current question, so its buttons work again.
            current = await questionnaire.current(session, response_id, user.id)
            if current.question is not None:
                await show_step(bot, query.from_user.id, current, state, t, edit=message)
            return
        except AccessDenied:
            raise  # someone else's survey: the one refusal path (answered and logged)
        except DomainError as exc:
            text = (survey_message(exc.key, t.locale) if exc.key.startswith("survey.")
                    else t.plain(exc.key))
            await query.answer(text, show_alert=True)
            return
        if isinstance(result, Invalid):
            await query.answer(format_error(result, t.locale), show_alert=True)
            return
        await query.answer(survey_message("survey.answer_saved", t.locale))
        await show_step(bot, query.from_user.id, result, state, t, edit=message)
        if result.question is None:
            await after_completion(session, result, bot, query.from_user.id, t)

    @router.message(SurveyFlow.answering, F.text)
    async def typed(message: Message, session: AsyncSession, user: User, state: FSMContext,
                    t: BoundTranslator, bot: Bot) -> None:
        response_id = (await state.get_data()).get("response_id")
        step = await questionnaire.current(session, response_id, user.id)
        if step.question is None:
            await state.clear()
            return
        result = await questionnaire.answer(session, response_id, user.id, step.question.id,
                                            message.text, step=step)
        if isinstance(result, Invalid):
            await message.answer(escape(format_error(result, t.locale)))
            return
        await show_step(bot, message.chat.id, result, state, t)
        if result.question is None:
            await after_completion(session, result, bot, message.chat.id, t)

    @router.message(SurveyFlow.answering)
    async def not_text(message: Message, t: BoundTranslator) -> None:
        # A photo, sticker or voice where an answer is expected: re-prompt, change nothing.
        await message.answer(t("survey.need_text"))

    return router


async def after_completion(session: AsyncSession, step: Step, bot: Bot, chat_id: int,
                           t: BoundTranslator) -> None:
    # A meeting's feedback answered: its reminders are not needed any more.
    await meeting_notify.feedback_completed(session, step.response_id)
    # A monitoring survey answered: its reminders stop.
    await lifecycle.completed(session, step.response_id)
    if step.survey.id in questionnaire.PROFILE_SURVEYS.values():
        await bot.send_message(chat_id, t("onboarding.ready"))
    if step.survey.id == questionnaire.PROFILE_SURVEYS["mentor"]:
        await send_materials(bot, session, step.participation_id, t)
