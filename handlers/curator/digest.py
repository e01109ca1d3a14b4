"""The curator's view of a programme: /status (the figures now), /report (the XLSX workbook)
and the weekly digest's weekday and time (a button on the programme card).

Guarded once like handlers/curator/card.py (only curators get past the router) and every id from a
button is checked against the presser."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks.digest import (
    DigestAction,
    DigestCallback,
    NudgeCallback,
    ReportCallback,
    StatusCallback,
    SurveyRemindCallback,
)
from bot.clock import now_of
from bot.config import Settings
from bot.db import AsyncSession
from bot.delivery.render import Renderer
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied
from bot.services.lifecycle import practices
from bot.services.notices import digest
from bot.services.people import access
from bot.services.programmes import curation
from bot.services.reports import programme_stats, programme_xlsx
from bot.services.surveys import completion as survey_completion
from handlers.curator import digest_views as kb
from handlers.curator.lifecycle import send_monitoring_workbook
from handlers.shared.guards import curator_router
from handlers.shared.pressed import editable, in_chat
from handlers.shared.programme_choice import for_curated_programme
from models import Programme, User


async def send_status(message: Message, session: AsyncSession, programme_id: int,
                      t: BoundTranslator, now: datetime) -> None:
    figures = await programme_stats.programme_figures(session, programme_id, now)
    # The same composition the weekly digest stores, rendered now in the curator's language.
    rendered = Renderer(t.translator, t.locale, figures.timezone).render(
        digest.figures_message(figures, "status.heading"), user_locale=t.locale,
        row_locale=None, user_timezone=None)
    await message.answer(rendered.text, reply_markup=rendered.reply_markup)


async def send_report(message: Message, session: AsyncSession, programme: Programme,
                      t: BoundTranslator, now: datetime) -> None:
    figures = await programme_stats.programme_figures(session, programme.id, now)
    registry = await curation.export_rows(session, programme.id)
    pairs = await programme_stats.pair_rows(session, programme.id, figures.timezone)
    meetings = await programme_stats.meeting_rows(session, programme.id, figures.timezone)
    feedback = await programme_stats.feedback_rows(session, programme.id, figures.timezone)
    marked = await practices.marked(session, programme.id)
    content = programme_xlsx.build(figures, registry, pairs, t.as_plain(), meetings=meetings,
                                   feedback=feedback, practices=marked)
    await message.answer_document(
        BufferedInputFile(content, filename=f"report_{programme.id}.xlsx"),
        caption=t("report.caption", title=programme.title,
                  date=figures.today.strftime("%d.%m.%Y")))
    await send_monitoring_workbook(message, session, programme, t)


def create_router() -> Router:
    router = curator_router("digest")

    @router.message(Command("status"))
    async def status(message: Message, session: AsyncSession, user: User,
                     t: BoundTranslator, scheduler: object | None = None) -> None:
        await for_curated_programme(
            message, session, user, t, choose="status.choose",
            button=lambda pid: StatusCallback(programme_id=pid),
            one=lambda programme: send_status(message, session, programme.id, t,
                                              now_of(scheduler)))

    @router.callback_query(StatusCallback.filter())
    async def status_chosen(query: CallbackQuery, callback_data: StatusCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            scheduler: object | None = None) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await send_status(message, session, programme.id, t, now_of(scheduler))

    @router.message(Command("report"))
    async def report(message: Message, session: AsyncSession, user: User,
                     t: BoundTranslator, scheduler: object | None = None) -> None:
        await for_curated_programme(
            message, session, user, t, choose="report.choose",
            button=lambda pid: ReportCallback(programme_id=pid),
            one=lambda programme: send_report(message, session, programme, t,
                                              now_of(scheduler)))

    @router.callback_query(ReportCallback.filter())
    async def report_chosen(query: CallbackQuery, callback_data: ReportCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            scheduler: object | None = None) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await send_report(message, session, programme, t, now_of(scheduler))

    @router.callback_query(NudgeCallback.filter())
    async def nudge(query: CallbackQuery, callback_data: NudgeCallback, session: AsyncSession,
                    user: User, t: BoundTranslator, scheduler: object | None = None) -> None:
        queued, mentor = await digest.nudge_mentor(session, user.id, callback_data.pair_id,
                                                   now_of(scheduler))
        await query.answer(t.plain("digest.nudge.sent" if queued else "digest.nudge.already",
                                   mentor=mentor), show_alert=False)
        if queued:
            wake_after_commit(session, scheduler)

    @router.callback_query(SurveyRemindCallback.filter())
    async def survey_remind(query: CallbackQuery, callback_data: SurveyRemindCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            scheduler: object | None = None) -> None:
        message = in_chat(query)
        queued = await survey_completion.remind(session, user.id, callback_data.programme_id,
                                                callback_data.kind, now_of(scheduler))
        survey = t(f"completion.survey.{callback_data.kind}")
        if queued:
            wake_after_commit(session, scheduler)
            await query.answer()
            await message.answer(t("completion.reminded", survey=survey, n=queued))
        else:
            await query.answer(t.plain("completion.reminded_none",
                                       survey=t.plain(f"completion.survey.{callback_data.kind}")),
                               show_alert=True)

    def digest_button(action: DigestAction):
        return router.callback_query(DigestCallback.filter(F.action == action))

    @digest_button(DigestAction.DAY)
    async def digest_day(query: CallbackQuery, callback_data: DigestCallback,
                         session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        await query.answer()
        await message.answer(t("digest.ask_day"), reply_markup=kb.weekdays(t, programme.id))

    @digest_button(DigestAction.TIME)
    async def digest_time(query: CallbackQuery, callback_data: DigestCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        weekday = callback_data.weekday
        if weekday not in digest.WEEKDAYS:
            raise AccessDenied()
        await query.answer()
        await message.edit_text(
            t("digest.ask_time", day=digest.weekday_label(t, weekday)),
            reply_markup=kb.times(programme.id, weekday))

    @digest_button(DigestAction.NOW)
    async def digest_now(query: CallbackQuery, callback_data: DigestCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         settings: Settings, scheduler: object | None = None) -> None:
        shown = await digest.show_now(session, user.id, callback_data.programme_id,
                                      now_of(scheduler), settings.default_locale)
        if not shown.queued:
            await query.answer(t.plain("digest.now.already"))
            return
        wake_after_commit(session, scheduler)
        if shown.to_group:
            await query.answer(t.plain("digest.now.sent_group"))
            return
        await query.answer()
        await in_chat(query).answer(t("digest.now.sent_private"))

    @digest_button(DigestAction.SET)
    async def digest_set(query: CallbackQuery, callback_data: DigestCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         scheduler: object | None = None) -> None:
        message = editable(query)
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        weekday, slot = callback_data.weekday, callback_data.slot
        if not 0 <= slot < len(digest.DIGEST_TIMES):
            raise AccessDenied()
        at = digest.DIGEST_TIMES[slot]
        now = now_of(scheduler)
        await digest.set_schedule(session, user.id, programme.id, weekday, at, now)
        first = await digest.next_digest(session, programme.id, now)
        await query.answer()
        await message.edit_text(t("digest.saved", title=programme.title,
                                  day=digest.weekday_label(t, weekday), time=at)
                                + "\n" + kb.first_digest(t, first))

    return router
