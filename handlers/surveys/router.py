"""Answering a questionnaire: buttons for choices, typed answers for text, numbers and dates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks.onboarding import SurveyAction, SurveyCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied, DomainError
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.meetings import notify as meeting_notify
from bot.services.surveys import (
    Invalid,
    MultiQuestion,
    format_error,
    questionnaire,
    render_intro,
    render_prompt,
    render_title,
)
from bot.services.surveys.questionnaire import ResponseRead, Step
from handlers.shared.mentor_kit import send_materials
from handlers.shared.survey_views import question_keyboard
from models import User


class SurveyFlow(StatesGroup):
    answering = State()


def ticks_key(step: Step) -> str:
    return f"ticks:{step.response_id}:{step.question.id if step.question else ''}"


async def show_step(bot: Bot, chat_id: int, step: Step, state: FSMContext, t: BoundTranslator,
                    edit: Message | None = None) -> None:
    """Ask the current question (editing the previous one when a button was pressed), or say
    the survey is complete."""
    if step.question is None:
        await state.clear()
        text = escape(t.plain("survey.completed"))
        if edit is not None:
            await edit.edit_text(text)
        else:
            await bot.send_message(chat_id, text)
        return
    await state.set_state(SurveyFlow.answering)
    data = await state.get_data()
    ticked = frozenset(data.get(ticks_key(step), []))
    await state.update_data(response_id=step.response_id)
    # Survey texts are plain (surveys.po): escaped here, where they become HTML.
    prompt = escape(render_prompt(step.survey, step.question, step.answers, t.plain))
    if step.first:
        intro = render_intro(step.survey, t.plain)
        header = f"<b>{escape(render_title(step.survey, t.plain))}</b>" + (
            f"\n{escape(intro)}" if intro else "")
        prompt = f"{header}\n\n{prompt}"
    markup = question_keyboard(step.response_id, step.question, t,
                               can_go_back=step.can_go_back, ticked=ticked)
    if edit is not None:
        await edit.edit_text(prompt, reply_markup=markup)
    else:
        await bot.send_message(chat_id, prompt, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="questionnaire")

    async def press(query: CallbackQuery, callback_data: SurveyCallback, session: AsyncSession,
                    user: User, state: FSMContext, t: BoundTranslator, bot: Bot,
                    act: Callable[[Step], Awaitable[Step | Invalid | None]],
                    read: ResponseRead | None) -> None:
        """A button of the current question: `act` answers it (the next step, or why the
        answer is invalid) or returns None having shown what it had to. A button of another
        question, or one the question does not have, is stale. `read`: the response as the
        update's first statement read it (bot/runtime/middlewares/prefetch.py)."""
        response_id, question_id = callback_data.response_id, callback_data.question
        message = query.message if isinstance(query.message, Message) else None
        try:
            step = await questionnaire.current(session, response_id, user.id, read)
            if step.question is None or step.question.id != question_id:
                raise questionnaire.StaleQuestion()
            result = await act(step)
            if result is None:
                return
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
            await query.answer(t.as_plain().with_params(exc.key, exc.params), show_alert=True)
            return
        if isinstance(result, Invalid):
            await query.answer(format_error(result, t.plain), show_alert=True)
            return
        await query.answer(t.plain("survey.answer_saved"))
        await show_step(bot, query.from_user.id, result, state, t, edit=message)
        if result.question is None:
            await after_completion(session, result, bot, query.from_user.id, t)

    def survey_button(action: SurveyAction):
        return router.callback_query(SurveyCallback.filter(F.action == action))

    @survey_button(SurveyAction.OPTION)
    async def option_pressed(query: CallbackQuery, callback_data: SurveyCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator, bot: Bot,
                             survey_read: ResponseRead | None = None) -> None:
        async def act(step: Step) -> Step | Invalid:
            if step.question is None:  # finished meanwhile
                raise questionnaire.StaleQuestion()
            value = questionnaire.option_value(step.question, callback_data.index)
            return await questionnaire.answer(session, callback_data.response_id, user.id,
                                              callback_data.question, value, step=step)

        await press(query, callback_data, session, user, state, t, bot, act, survey_read)

    @survey_button(SurveyAction.TOGGLE)
    async def toggle_pressed(query: CallbackQuery, callback_data: SurveyCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator, bot: Bot,
                             survey_read: ResponseRead | None = None) -> None:
        async def act(step: Step) -> None:
            if not isinstance(step.question, MultiQuestion):
                raise questionnaire.StaleQuestion()
            option = questionnaire.option_value(step.question, callback_data.index)
            key = ticks_key(step)
            ticked = set((await state.get_data()).get(key, []))
            ticked ^= {option}
            await state.update_data({key: sorted(ticked)})
            await query.answer()
            message = query.message if isinstance(query.message, Message) else None
            await show_step(bot, query.from_user.id, step, state, t, edit=message)

        await press(query, callback_data, session, user, state, t, bot, act, survey_read)

    @survey_button(SurveyAction.DONE)
    async def done_pressed(query: CallbackQuery, callback_data: SurveyCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot,
                           survey_read: ResponseRead | None = None) -> None:
        async def act(step: Step) -> Step | Invalid:
            if not isinstance(step.question, MultiQuestion):
                raise questionnaire.StaleQuestion()
            chosen = (await state.get_data()).get(ticks_key(step), [])
            return await questionnaire.answer(session, callback_data.response_id, user.id,
                                              callback_data.question, chosen, step=step)

        await press(query, callback_data, session, user, state, t, bot, act, survey_read)

    @survey_button(SurveyAction.SKIP)
    async def skip_pressed(query: CallbackQuery, callback_data: SurveyCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot,
                           survey_read: ResponseRead | None = None) -> None:
        async def act(step: Step) -> Step | Invalid:
            return await questionnaire.skip_question(session, callback_data.response_id, user.id,
                                                     callback_data.question, step=step)

        await press(query, callback_data, session, user, state, t, bot, act, survey_read)

    @survey_button(SurveyAction.BACK)
    async def back_pressed(query: CallbackQuery, callback_data: SurveyCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot,
                           survey_read: ResponseRead | None = None) -> None:
        async def act(step: Step) -> Step | Invalid:
            return await questionnaire.go_back(session, callback_data.response_id, user.id,
                                               callback_data.question, step=step)

        await press(query, callback_data, session, user, state, t, bot, act, survey_read)

    @router.message(SurveyFlow.answering, F.text)
    async def typed(message: Message, session: AsyncSession, user: User, state: FSMContext,
                    t: BoundTranslator, bot: Bot) -> None:
        response_id = (await state.get_data()).get("response_id")
        if response_id is None:  # a step without its response: nobody's survey
            raise AccessDenied()
        step = await questionnaire.current(session, response_id, user.id)
        if step.question is None:
            await state.clear()
            return
        result = await questionnaire.answer(session, response_id, user.id, step.question.id,
                                            message.text, step=step)
        if isinstance(result, Invalid):
            await message.answer(escape(format_error(result, t.plain)))
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
    if (step.survey.id == questionnaire.PROFILE_SURVEYS["mentor"]
            and step.participation_id is not None):
        await send_materials(bot, session, step.participation_id, t)
