"""The programme life cycle in the chat: a monitoring survey's button starts it (docs/lifecycle.md).

The prompts themselves are sent by bot.services.lifecycle.monitoring_surveys through the outbox."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks.lifecycle import (
    LetterPickAction,
    LetterPickCallback,
    LifecycleCardAction,
    LifecycleCardCallback,
    LifecycleSurveyCallback,
)
from bot.clock import now_of
from bot.db import AsyncSession
from bot.delivery import letters_pdf as letters
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator, Translator
from bot.services import lookup
from bot.services.errors import AccessDenied, CuratorCommandOnly, DomainError
from bot.services.lifecycle import cycle_invites
from bot.services.lifecycle import letters as letters_flow
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.pairs import pairs
from bot.services.people import access
from bot.services.programmes import curation
from bot.services.reports import monitoring_data, monitoring_xlsx
from bot.services.surveys import questionnaire
from handlers.curator import lifecycle_views as lifecycle_kb
from handlers.shared.consent import render_consent
from handlers.shared.dashboard_link import DashboardLinks
from handlers.shared.pressed import editable, in_chat
from handlers.shared.programme_choice import for_curated_programme
from handlers.surveys.router import show_step
from models import Programme, User


class LifecycleInput(StatesGroup):
    midterm = State()
    cycle_title = State()
    cycle_starts = State()
    cycle_ends = State()


def create_router(translator: Translator) -> Router:
    router = Router(name="lifecycle")

    @router.callback_query(LifecycleSurveyCallback.filter())
    async def start_survey(query: CallbackQuery, callback_data: LifecycleSurveyCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, bot: Bot) -> None:
        pair, role = await pairs.require_member(session, user.id, callback_data.pair)
        survey_id, context = lifecycle.survey_of(callback_data.kind, role, pair)
        lifecycle.check_pair_state(callback_data.kind, pair)
        participation = await lookup.participation(
            session, pair.mentor_id if role == "mentor" else pair.mentee_id)
        if participation is None:
            raise AccessDenied()
        step = await questionnaire.start(session, participation, survey_id, context=context)
        await query.answer()
        if step.question is None:
            await bot.send_message(query.from_user.id, t("lifecycle.survey.already"))
            return
        await show_step(bot, query.from_user.id, step, state, t)

    @router.message(Command("monitoring"), F.chat.type == "private")
    async def monitoring_command(message: Message, session: AsyncSession, user: User,
                                 t: BoundTranslator) -> None:
        if not await access.is_curator(session, user.id):
            raise CuratorCommandOnly()
        await for_curated_programme(
            message, session, user, t, choose="lifecycle.monitoring.choose",
            button=lambda pid: LifecycleCardCallback(action=LifecycleCardAction.MONITORING, programme_id=pid),
            one=lambda programme: send_monitoring_chart(message, session, programme, t))

    @router.callback_query(LifecycleCardCallback.filter(F.action == LifecycleCardAction.MONITORING))
    async def monitoring_chosen(query: CallbackQuery, callback_data: LifecycleCardCallback,
                                session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await send_monitoring_chart(message, session, programme, t)

    # -- the programme card: midterm date, letters ------------------------------------------

    @router.callback_query(LifecycleCardCallback.filter(F.action == LifecycleCardAction.MIDTERM))
    async def midterm_asked(query: CallbackQuery, callback_data: LifecycleCardCallback,
                            session: AsyncSession, user: User, state: FSMContext,
                            t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await state.set_state(LifecycleInput.midterm)
        await state.set_data({"programme_id": programme.id})
        await message.answer(t(
            "lifecycle.midterm.ask", title=programme.title,
            current=lifecycle.midterm_date(programme).strftime("%d.%m.%Y"),
            start=programme.starts_on.strftime("%d.%m.%Y"),
            end=programme.ends_on.strftime("%d.%m.%Y")))

    @router.callback_query(LifecycleCardCallback.filter(F.action == LifecycleCardAction.LETTERS))
    async def letters_asked(query: CallbackQuery, callback_data: LifecycleCardCallback,
                            session: AsyncSession, user: User, state: FSMContext,
                            t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        found = await letters_flow.mentors(session, programme.id)
        if not found:
            await message.answer(t("lifecycle.letters.none"))
            return
        chosen = [m.participation_id for m in found if m.completed_pair]
        await state.update_data({_letters_key(programme.id): chosen})
        await message.answer(
            t("lifecycle.letters.pick", title=programme.title),
            reply_markup=lifecycle_kb.letters_picker(t, programme.id, found, chosen))

    @router.callback_query(LifecycleCardCallback.filter(F.action == LifecycleCardAction.NEXT_CYCLE))
    async def next_cycle_asked(query: CallbackQuery, callback_data: LifecycleCardCallback,
                               session: AsyncSession, user: User, state: FSMContext,
                               t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        if programme.state != "completed":
            raise DomainError("lifecycle.cycle.not_completed")
        await query.answer()
        await state.set_state(LifecycleInput.cycle_title)
        await state.set_data({"programme_id": programme.id})
        await message.answer(t("lifecycle.cycle.ask_title", title=programme.title))

    @router.message(LifecycleInput.cycle_title, F.text)
    async def cycle_title(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await state.update_data(title=message.text)
        await state.set_state(LifecycleInput.cycle_starts)
        await message.answer(t("lifecycle.cycle.ask_start"))

    @router.message(LifecycleInput.cycle_starts, F.text)
    async def cycle_starts(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        try:
            starts = curation.parse_date(message.text)
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        await state.update_data(starts=starts.isoformat())
        await state.set_state(LifecycleInput.cycle_ends)
        await message.answer(t("lifecycle.cycle.ask_end"))

    @router.message(LifecycleInput.cycle_ends, F.text)
    async def cycle_ends(message: Message, session: AsyncSession, user: User, state: FSMContext,
                         t: BoundTranslator, bot: Bot, scheduler: object | None = None,
                         dashboard: DashboardLinks | None = None) -> None:
        data = await state.get_data()
        source = await access.require_curator(session, user.id, data.get("programme_id", 0))
        try:
            ends = curation.parse_date(message.text)
            starts = date.fromisoformat(data["starts"])
            consent = await render_consent(
                session, translator, organisation_id=source.organisation_id,
                title=data.get("title", ""), starts_on=starts, ends_on=ends)
            result = await cycle_invites.start_next_cycle(
                session, consent, source, title=data.get("title", ""),
                starts_on=starts, ends_on=ends,
                bot_username=(await bot.me()).username or "", now=now_of(scheduler))
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            if exc.key == "programme.error.title":
                await state.set_state(LifecycleInput.cycle_title)
                await message.answer(t("lifecycle.cycle.ask_title", title=source.title))
            elif exc.key == "programme.error.period":
                await state.set_state(LifecycleInput.cycle_starts)
                await message.answer(t("lifecycle.cycle.ask_start"))
            return
        await state.clear()
        wake_after_commit(session, scheduler)
        none = t("lifecycle.cycle.nobody")
        await message.answer(t(
            "lifecycle.cycle.done", title=result.programme.title,
            mentors="\n".join(f"• {n}" for n in result.mentors) or none,
            future="\n".join(f"• {n}" for n in result.future_mentors) or none))
        from handlers.curator.card import send_card  # the card lives with the curator's handlers

        await send_card(message, session, result.programme.id, t, dashboard)

    @router.message(LifecycleInput.midterm, F.text)
    async def midterm_given(message: Message, session: AsyncSession, user: User,
                            state: FSMContext, t: BoundTranslator) -> None:
        programme = await access.require_curator(
            session, user.id, (await state.get_data()).get("programme_id", 0))
        try:
            chosen = curation.parse_date(message.text)
            if not programme.starts_on <= chosen <= programme.ends_on:
                raise DomainError("lifecycle.midterm.out_of_range")
        except DomainError as exc:
            await message.answer(t.with_params(exc.key, exc.params))
            return
        programme.midterm_on = chosen
        await state.clear()
        await message.answer(t("lifecycle.midterm.set", title=programme.title,
                               date=chosen.strftime("%d.%m.%Y")))

    # The letters picker: the mentors ticked are kept in the conversation, per programme.
    async def letters_choice(session: AsyncSession, user: User, state: FSMContext,
                             callback_data: LetterPickCallback):
        """The programme, the mentors one may write to and those ticked (still among them)."""
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        found = await letters_flow.mentors(session, programme.id)
        known = {m.participation_id for m in found}
        ticked = (await state.get_data()).get(_letters_key(programme.id), [])
        return programme, found, [pid for pid in ticked if pid in known]

    @router.callback_query(LetterPickCallback.filter(F.action == LetterPickAction.TOGGLE))
    async def letters_toggle(query: CallbackQuery, callback_data: LetterPickCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator) -> None:
        message = editable(query)
        programme, found, chosen = await letters_choice(session, user, state, callback_data)
        if callback_data.participation not in {m.participation_id for m in found}:
            raise AccessDenied()
        chosen = sorted(set(chosen) ^ {callback_data.participation})
        await state.update_data({_letters_key(programme.id): chosen})
        await query.answer()
        await message.edit_reply_markup(
            reply_markup=lifecycle_kb.letters_picker(t, programme.id, found, chosen))

    @router.callback_query(LetterPickCallback.filter(F.action == LetterPickAction.SEND))
    async def letters_send(query: CallbackQuery, callback_data: LetterPickCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, scheduler: object | None = None) -> None:
        message = editable(query)
        programme, _, chosen = await letters_choice(session, user, state, callback_data)
        if not chosen:
            await query.answer(t.plain("lifecycle.letters.nobody"), show_alert=True)
            return
        now = now_of(scheduler)
        prepared = await letters_flow.prepare(session, programme, chosen, user.id, now.date(),
                                              locale=t.locale)
        queued = await letters_flow.send(session, programme, prepared, now, user.id)
        wake_after_commit(session, scheduler)
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        rendered = letters.render_all([letter for _, _, letter in prepared], translator)
        await message.answer_document(
            BufferedInputFile(letters.letters_archive(rendered),
                              filename=f"letters_{programme.id}.zip"),
            caption=t("lifecycle.letters.sent", count=len(prepared), n=len(prepared), queued=queued))
        await state.update_data({_letters_key(programme.id): []})

    return router


def _letters_key(programme_id: int) -> str:
    return f"letters:{programme_id}"


async def send_monitoring_workbook(message: Message, session: AsyncSession, programme: Programme,
                                   t: BoundTranslator) -> bool:
    """The monitoring sheets (stage 1 with its chart, completion, stage 2, participants) next to
    /report's workbook, once any monitoring survey was answered."""
    data = await monitoring_data.load(session, programme.id)
    if not data.records and not data.conditions:
        return False
    content = monitoring_xlsx.build(data.report(), t.as_plain(), programme.title, names=data.names,
                                    conditions=data.conditions)
    await message.answer_document(
        BufferedInputFile(content, filename=f"monitoring_{programme.id}.xlsx"),
        caption=t("lifecycle.monitoring.caption", title=programme.title))
    return True


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


async def send_monitoring_chart(message: Message, session: AsyncSession, programme: Programme,
                                t: BoundTranslator) -> None:
    data = await monitoring_data.load(session, programme.id)
    report = data.report()
    buttons = InlineKeyboardMarkup(inline_keyboard=lifecycle_kb.completion_rows(t, programme.id))
    if not report.stage1.averages:
        await message.answer(t("lifecycle.monitoring.empty", title=programme.title),
                             reply_markup=buttons)
        return
    completion = report.stage1.completion()
    usefulness = report.stage1.average("usefulness")
    summary = t("lifecycle.monitoring.summary", title=programme.title,
                answered=completion.completed if completion else 0,
                invited=completion.invited if completion else 0,
                rate=_percent(completion.rate if completion else None),
                usefulness=f"{usefulness.mean:.1f}" if usefulness else "—",
                future=_percent(report.future_mentors.rate))
    await message.answer_photo(
        BufferedInputFile(monitoring_xlsx.chart_png(report.stage1, t),
                          filename=f"monitoring_{programme.id}.png"), caption=summary,
        reply_markup=buttons)
