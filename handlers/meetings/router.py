"""Meetings from the phone: /meet plans one (pickers, no typed dates), the other side confirms
or proposes another time; /meeting (or the persistent button) logs one in three taps; feedback
after it; /help_me lets a mentee alert the curator."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from babel.dates import format_datetime
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.meetings import (
    FeedbackCallback,
    HelpMeCallback,
    LogCallback,
    LoggedCallback,
    MeetingActionCallback,
    OverdueCallback,
    PlanDayCallback,
    PlanFormatCallback,
    PlanKindCallback,
    PlanPageCallback,
    PlanTargetCallback,
    PlanTimeCallback,
    TopicCallback,
)
from bot.config import Settings
from bot.delivery.render import register_generator
from bot.i18n import BoundTranslator, Translator
from bot.services.errors import AccessDenied, DomainError, StaleButton
from bot.services.meetings import cadence as meetings_status
from bot.services.meetings import meetings
from bot.services.meetings.ics import GENERATOR, ics_generator
from bot.services.meetings.people import (
    meeting_pair_ids,
    my_pairs,
    require_meeting,
    timezone_of,
)
from bot.services.surveys import questionnaire
from handlers.meetings import views as kb
from handlers.surveys.router import show_step
from models import Meeting, MeetingState, Participation, User
from scheduler import meetings_jobs  # noqa: F401  (registers the cadence job)

register_generator(GENERATOR, ics_generator)


class MeetingFlow(StatesGroup):
    place = State()
    note = State()


def now_of(scheduler: object | None) -> datetime:
    """The scheduler's clock is the bot's one clock (tests set a ManualClock there)."""
    clock = getattr(scheduler, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def wake_after_commit(session: AsyncSession, scheduler: object | None) -> None:
    """Rows due now go out right after the update's commit, not at the next tick."""
    wake = getattr(scheduler, "wake", None)
    if wake is None:
        return

    def _wake(_session: object) -> None:
        try:
            wake()
        except RuntimeError:  # no running loop (shutting down): the next tick sends
            pass

    event.listen(session.sync_session, "after_commit", _wake, once=True)


def _day(raw: str) -> date:
    try:
        return datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise AccessDenied() from None


async def _edit_or_send(query: CallbackQuery, text: str, markup=None) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)
    elif query.from_user is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def send_persistent_keyboard(message: Message, session: AsyncSession, user: User | None,
                                   t: BoundTranslator) -> None:
    """Mentors get «📝 Отметить встречу», mentees «🆘 Наставник не отвечает»: once paired."""
    if user is None:
        return
    pairs = await my_pairs(session, user.id)
    markup = kb.persistent_keyboard(t, mentor=any(p.my_role == "mentor" for p in pairs),
                                    mentee=any(p.my_role == "mentee" for p in pairs))
    if markup is not None:
        await message.answer(t("meetings.keyboard_hint"), reply_markup=markup)


def create_router(translator: Translator) -> Router:
    router = Router(name="meetings")
    router.message.filter(F.chat.type == "private")

    # -- planning -------------------------------------------------------------------------

    async def show_kinds(query_or_message, session: AsyncSession, user: User, state: FSMContext,
                         t: BoundTranslator, pair_id: int, group: bool) -> None:
        target = await meetings.target(session, user.id, pair_id, group)
        await state.set_state(None)
        await state.set_data({"plan": {"pair": pair_id, "group": group}})
        text = t("meetings.plan.choose_kind")
        markup = kb.kinds_keyboard(t, meetings.group_next_kind(target))
        if isinstance(query_or_message, CallbackQuery):
            await _edit_or_send(query_or_message, text, markup)
        else:
            await query_or_message.answer(text, reply_markup=markup)

    @router.message(Command("meet"))
    async def meet(message: Message, session: AsyncSession, user: User, state: FSMContext,
                   t: BoundTranslator) -> None:
        pairs = await my_pairs(session, user.id)
        if not pairs:
            await message.answer(t("meetings.no_pairs"))
            return
        if len(pairs) == 1:
            await show_kinds(message, session, user, state, t, pairs[0].pair_id, False)
            return
        mentor_pairs = [p for p in pairs if p.my_role == "mentor"]
        with_group = len({p.mentor_id for p in mentor_pairs}) == 1 and len(mentor_pairs) > 1
        await message.answer(t("meetings.choose_pair"),
                             reply_markup=kb.pairs_keyboard(t, pairs, plan=True,
                                                            with_group=with_group))

    @router.callback_query(PlanTargetCallback.filter())
    async def plan_target(query: CallbackQuery, callback_data: PlanTargetCallback,
                          session: AsyncSession, user: User, state: FSMContext,
                          t: BoundTranslator) -> None:
        await show_kinds(query, session, user, state, t, callback_data.pair, callback_data.group)
        await query.answer()

    async def plan_data(state: FSMContext) -> dict:
        plan = (await state.get_data()).get("plan")
        if not plan:
            raise StaleButton()
        return plan

    async def plan_zone(session: AsyncSession, user: User, plan: dict, settings: Settings
                        ) -> str:
        if plan.get("move"):
            meeting, _ = await require_meeting(session, user.id, plan["move"])
            programme_id = meeting.programme_id
        else:
            target = await meetings.target(session, user.id, plan["pair"], plan["group"])
            programme_id = target.programme_id
        return await timezone_of(session, user, programme_id, settings.default_timezone)

    async def show_days(query: CallbackQuery, session: AsyncSession, user: User, plan: dict,
                        t: BoundTranslator, settings: Settings, scheduler, page: int) -> None:
        zone = await plan_zone(session, user, plan, settings)
        today = now_of(scheduler).astimezone(meetings.ZoneInfo(zone)).date()
        await _edit_or_send(query, t("meetings.plan.choose_day", zone=zone),
                            kb.days_keyboard(t, today, max(0, min(page, 8))))

    @router.callback_query(PlanKindCallback.filter())
    async def plan_kind(query: CallbackQuery, callback_data: PlanKindCallback,
                        session: AsyncSession, user: User, state: FSMContext, t: BoundTranslator,
                        settings: Settings, scheduler=None) -> None:
        plan = await plan_data(state)
        plan["kind"] = meetings.check_kind(callback_data.kind)
        await state.update_data(plan=plan)
        await show_days(query, session, user, plan, t, settings, scheduler, 0)
        await query.answer()

    @router.callback_query(PlanPageCallback.filter())
    async def plan_page(query: CallbackQuery, callback_data: PlanPageCallback,
                        session: AsyncSession, user: User, state: FSMContext, t: BoundTranslator,
                        settings: Settings, scheduler=None) -> None:
        plan = await plan_data(state)
        await show_days(query, session, user, plan, t, settings, scheduler, callback_data.page)
        await query.answer()

    @router.callback_query(PlanDayCallback.filter())
    async def plan_day(query: CallbackQuery, callback_data: PlanDayCallback,
                       session: AsyncSession, user: User, state: FSMContext, t: BoundTranslator,
                       settings: Settings, scheduler=None) -> None:
        plan = await plan_data(state)
        day = _day(callback_data.day)
        zone = await plan_zone(session, user, plan, settings)
        plan["day"] = callback_data.day
        await state.update_data(plan=plan)
        now_local = now_of(scheduler).astimezone(meetings.ZoneInfo(zone))
        slots = kb.time_slots(day, now_local)
        await _edit_or_send(query, t("meetings.plan.choose_time", day=kb.day_label(day, t.locale),
                                     zone=zone), kb.times_keyboard(t, slots))
        await query.answer()

    @router.callback_query(PlanTimeCallback.filter())
    async def plan_time(query: CallbackQuery, callback_data: PlanTimeCallback,
                        session: AsyncSession, user: User, state: FSMContext, t: BoundTranslator,
                        settings: Settings, scheduler=None) -> None:
        plan = await plan_data(state)
        if not plan.get("day"):
            raise StaleButton()
        zone = await plan_zone(session, user, plan, settings)
        starts_at = meetings.local_moment(_day(plan["day"]), callback_data.hm, zone)
        if plan.get("move"):
            meeting = await meetings.move(session, translator, user_id=user.id,
                                          meeting_id=plan["move"], starts_at=starts_at,
                                          now=now_of(scheduler),
                                          default_timezone=settings.default_timezone)
            await state.clear()
            wake_after_commit(session, scheduler)
            key = ("meetings.plan.moved" if meeting.state == MeetingState.CONFIRMED
                   else "meetings.plan.counter_sent")
            await _edit_or_send(query, t(key, when=_when(meeting, zone, t)))
            await query.answer()
            return
        plan["starts_at"] = starts_at.isoformat()
        await state.update_data(plan=plan)
        await _edit_or_send(query, t("meetings.plan.choose_format"), kb.format_keyboard(t))
        await query.answer()

    @router.callback_query(PlanFormatCallback.filter(F.fmt.in_({"offline", "online"})))
    async def plan_format(query: CallbackQuery, callback_data: PlanFormatCallback,
                          state: FSMContext, t: BoundTranslator) -> None:
        plan = await plan_data(state)
        if not plan.get("starts_at"):
            raise StaleButton()
        plan["fmt"] = callback_data.fmt
        await state.update_data(plan=plan)
        await state.set_state(MeetingFlow.place)
        await _edit_or_send(query, t(f"meetings.plan.ask_{callback_data.fmt}",
                                     limit=meetings.MAX_PLACE))
        await query.answer()

    @router.message(MeetingFlow.place, F.text)
    async def plan_place(message: Message, session: AsyncSession, user: User,
                         state: FSMContext, t: BoundTranslator, settings: Settings,
                         scheduler=None) -> None:
        plan = await plan_data(state)
        meeting = await meetings.propose(
            session, translator, user_id=user.id, pair_id=plan["pair"], group=plan["group"],
            kind=plan["kind"], starts_at=datetime.fromisoformat(plan["starts_at"]),
            fmt=plan["fmt"], place=message.text or "", now=now_of(scheduler),
            default_timezone=settings.default_timezone)
        await state.clear()
        wake_after_commit(session, scheduler)
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        await message.answer(t("meetings.plan.sent", kind=t(f"meetings.kind.{meeting.kind}"),
                               when=_when(meeting, zone, t)))

    @router.callback_query(MeetingActionCallback.filter())
    async def meeting_action(query: CallbackQuery, callback_data: MeetingActionCallback,
                             session: AsyncSession, user: User, state: FSMContext,
                             t: BoundTranslator, settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        options = {"user_id": user.id, "meeting_id": callback_data.meeting, "now": now,
                   "default_timezone": settings.default_timezone}
        if callback_data.action == "ok":
            meeting = await meetings.confirm(session, translator, **options)
            wake_after_commit(session, scheduler)
            await query.answer(t.plain("meetings.plan.confirmed_toast"))
            if isinstance(query.message, Message):
                await query.message.edit_reply_markup(reply_markup=None)
            return
        if callback_data.action == "mv":
            meeting, _ = await require_meeting(session, user.id, callback_data.meeting)
            if meeting.state not in (MeetingState.PROPOSED, MeetingState.CONFIRMED):
                raise DomainError("meetings.plan.not_open")
            await state.set_state(None)
            await state.set_data({"plan": {"move": meeting.id}})
            zone = await timezone_of(session, user, meeting.programme_id,
                                     settings.default_timezone)
            today = now.astimezone(meetings.ZoneInfo(zone)).date()
            await query.bot.send_message(query.from_user.id,
                                         t("meetings.plan.choose_day", zone=zone),
                                         reply_markup=kb.days_keyboard(t, today, 0))
            await query.answer()
            return
        if callback_data.action == "cx":
            meeting = await meetings.cancel(session, translator, **options)
            wake_after_commit(session, scheduler)
            await query.answer(t.plain("meetings.plan.cancelled_toast"))
            if isinstance(query.message, Message):
                await query.message.edit_reply_markup(reply_markup=None)
            return
        raise AccessDenied()

    # -- logging --------------------------------------------------------------------------

    async def card_text(session: AsyncSession, user: User, card: LogCallback,
                        t: BoundTranslator, zone: str, now: datetime) -> str:
        target = await meetings.target(session, user.id, card.pair, card.group)
        who = ", ".join(kb.pair_label(p) for p in target.pairs)
        day = _day(card.day) if card.day else now.astimezone(meetings.ZoneInfo(zone)).date()
        today = now.astimezone(meetings.ZoneInfo(zone)).date()
        day_text = t("meetings.log.today") if day == today else kb.day_label(day, t.locale)
        duration = t("meetings.log.minutes", minutes=card.dur) if card.dur else "—"
        meeting = await session.get(Meeting, card.meeting) if card.meeting else None
        editing = meeting is not None and meeting.state == MeetingState.DONE
        key = "meetings.log.card_edit" if editing else "meetings.log.card"
        return t(key, who=who, day=day_text, kind=t(f"meetings.kind.{card.kind}"),
                 duration=duration)

    async def card_zone(session: AsyncSession, user: User, card: LogCallback,
                        settings: Settings) -> str:
        target = await meetings.target(session, user.id, card.pair, card.group)
        if target.me.my_role != "mentor":
            raise AccessDenied()
        return await timezone_of(session, user, target.programme_id, settings.default_timezone)

    async def new_card(session: AsyncSession, user: User, pair_id: int, group: bool
                       ) -> LogCallback:
        target = await meetings.target(session, user.id, pair_id, group)
        if target.me.my_role != "mentor":
            raise AccessDenied()
        return LogCallback(action="c", pair=pair_id, group=group,
                           kind=meetings.group_next_kind(target))

    async def start_logging(message: Message, session: AsyncSession, user: User,
                            t: BoundTranslator, settings: Settings, now: datetime,
                            offer_overdue: bool = True) -> None:
        pairs = await my_pairs(session, user.id, role="mentor")
        if not pairs:
            has_mentee_side = bool(await my_pairs(session, user.id, role="mentee"))
            await message.answer(t("meetings.log.mentee_hint" if has_mentee_side
                                   else "meetings.no_pairs"))
            return
        if offer_overdue:
            overdue = await meetings.overdue(session, user.id, {p.mentor_id for p in pairs}, now)
            if overdue is not None:
                zone = await timezone_of(session, user, overdue.programme_id,
                                         settings.default_timezone)
                await message.answer(
                    t("meetings.log.overdue_question", when=_when(overdue, zone, t),
                      kind=t(f"meetings.kind.{overdue.kind}")),
                    reply_markup=kb.overdue_keyboard(t, overdue.id))
                return
        if len(pairs) > 1:
            with_group = len({p.mentor_id for p in pairs}) == 1
            await message.answer(t("meetings.choose_pair"),
                                 reply_markup=kb.pairs_keyboard(t, pairs, plan=False,
                                                                with_group=with_group))
            return
        card = await new_card(session, user, pairs[0].pair_id, False)
        zone = await card_zone(session, user, card, settings)
        await message.answer(await card_text(session, user, card, t, zone, now),
                             reply_markup=kb.log_card_keyboard(t, card))

    log_texts = kb.button_texts(translator, kb.LOG_BUTTON_KEY)

    @router.message(Command("meeting"))
    @router.message(F.text.in_(log_texts))
    async def log_command(message: Message, session: AsyncSession, user: User,
                          state: FSMContext, t: BoundTranslator, settings: Settings,
                          scheduler=None) -> None:
        await state.clear()
        await start_logging(message, session, user, t, settings, now_of(scheduler))

    @router.callback_query(OverdueCallback.filter())
    async def overdue_answer(query: CallbackQuery, callback_data: OverdueCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        meeting, me = await require_meeting(session, user.id, callback_data.meeting)
        if me.role != "mentor":
            raise AccessDenied()
        if callback_data.answer == "n":
            await meetings.mark_missed(session, user_id=user.id, meeting_id=meeting.id, now=now)
            await _edit_or_send(query, t("meetings.log.marked_missed"))
        elif callback_data.answer == "y":
            pair_ids = await meeting_pair_ids(session, meeting.id)
            zone = await timezone_of(session, user, meeting.programme_id,
                                     settings.default_timezone)
            local_day = meeting.starts_at.astimezone(meetings.ZoneInfo(zone)).date()
            card = LogCallback(action="c", pair=pair_ids[0], group=len(pair_ids) > 1,
                               kind=meeting.kind, day=local_day.strftime("%Y%m%d"),
                               meeting=meeting.id)
            await _edit_or_send(query, await card_text(session, user, card, t, zone, now),
                                kb.log_card_keyboard(t, card))
        elif isinstance(query.message, Message):
            await query.message.delete()
            await start_logging(query.message, session, user, t, settings, now,
                                offer_overdue=False)
        await query.answer()

    @router.callback_query(LogCallback.filter())
    async def log_card(query: CallbackQuery, callback_data: LogCallback, session: AsyncSession,
                       user: User, t: BoundTranslator, settings: Settings,
                       scheduler=None) -> None:
        now = now_of(scheduler)
        card = callback_data
        if card.action == "c" and not card.kind:
            card = await new_card(session, user, card.pair, card.group)
        zone = await card_zone(session, user, card, settings)
        if card.meeting:  # a planned meeting or a log: only one's own
            await require_meeting(session, user.id, card.meeting)
        if card.action == "k":
            await _edit_or_send(query, t("meetings.plan.choose_kind"),
                                kb.log_kinds_keyboard(t, card))
        elif card.action == "t":
            today = now.astimezone(meetings.ZoneInfo(zone)).date()
            await _edit_or_send(query, t("meetings.log.choose_day"),
                                kb.log_days_keyboard(t, card, today))
        elif card.action == "ok":
            message = query.message if isinstance(query.message, Message) else None
            log_key = f"card:{user.id}:{message.message_id if message else query.id}"
            day = _day(card.day) if card.day else now.astimezone(meetings.ZoneInfo(zone)).date()
            result = await meetings.log(
                session, translator, user_id=user.id, pair_id=card.pair, group=card.group,
                kind=card.kind, duration=card.dur, day=day, meeting_id=card.meeting,
                log_key=log_key, zone=zone, now=now, default_timezone=settings.default_timezone)
            wake_after_commit(session, scheduler)
            await _edit_or_send(query, await logged_text(session, result.meeting, t, zone),
                                kb.logged_keyboard(t, result.meeting.id))
            await query.answer(t.plain("meetings.log.saved_toast"))
            return
        else:  # c, d, K, T: the card with the choice applied
            if card.action == "d" and card.dur not in meetings.DURATIONS:
                raise AccessDenied()
            if card.action == "K":
                meetings.check_kind(card.kind)
            if card.action == "T":
                meetings.check_log_day(_day(card.day), zone, now)
            await _edit_or_send(query, await card_text(session, user, card, t, zone, now),
                                kb.log_card_keyboard(t, card))
        await query.answer()

    async def logged_text(session: AsyncSession, meeting: Meeting, t: BoundTranslator,
                          zone: str) -> str:
        topics = ", ".join(t(f"meetings.topic.{x}") for x in meeting.topics or []) or "—"
        return t("meetings.log.saved", kind=t(f"meetings.kind.{meeting.kind}"),
                 when=_when(meeting, zone, t), duration=t("meetings.log.minutes",
                                                          minutes=meeting.duration_minutes),
                 note=meeting.note or "—", topics=topics)

    @router.callback_query(LoggedCallback.filter())
    async def logged_action(query: CallbackQuery, callback_data: LoggedCallback,
                            session: AsyncSession, user: User, state: FSMContext,
                            t: BoundTranslator, settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        meeting = await meetings.own_log(session, user.id, callback_data.meeting, now)
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        action = callback_data.action
        if action == "note":
            await state.set_state(MeetingFlow.note)
            await state.set_data({"note_for": meeting.id})
            await query.bot.send_message(query.from_user.id,
                                         t("meetings.log.ask_note", limit=meetings.MAX_NOTE))
        elif action == "topics":
            await _edit_or_send(query, t("meetings.log.choose_topics"),
                                kb.topics_keyboard(t, meeting.id, list(meeting.topics or [])))
        elif action == "edit":
            pair_ids = await meeting_pair_ids(session, meeting.id)
            local_day = meeting.starts_at.astimezone(meetings.ZoneInfo(zone)).date()
            card = LogCallback(action="c", pair=pair_ids[0], group=len(pair_ids) > 1,
                               kind=meeting.kind, dur=meeting.duration_minutes,
                               day=local_day.strftime("%Y%m%d"), meeting=meeting.id)
            await _edit_or_send(query, await card_text(session, user, card, t, zone, now),
                                kb.log_card_keyboard(t, card))
        elif action == "del":
            await _edit_or_send(query, t("meetings.log.delete_question"),
                                kb.delete_keyboard(t, meeting.id))
        elif action == "delok":
            await meetings.delete_log(session, user_id=user.id, meeting_id=meeting.id, now=now)
            await _edit_or_send(query, t("meetings.log.deleted"))
        elif action == "back":
            await _edit_or_send(query, await logged_text(session, meeting, t, zone),
                                kb.logged_keyboard(t, meeting.id))
        else:
            raise AccessDenied()
        await query.answer()

    @router.callback_query(TopicCallback.filter())
    async def topic(query: CallbackQuery, callback_data: TopicCallback, session: AsyncSession,
                    user: User, t: BoundTranslator, settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        if callback_data.index < 0:
            meeting = await meetings.own_log(session, user.id, callback_data.meeting, now)
            zone = await timezone_of(session, user, meeting.programme_id,
                                     settings.default_timezone)
            await _edit_or_send(query, await logged_text(session, meeting, t, zone),
                                kb.logged_keyboard(t, meeting.id))
        else:
            meeting = await meetings.toggle_topic(session, user_id=user.id,
                                                  meeting_id=callback_data.meeting,
                                                  index=callback_data.index, now=now)
            await _edit_or_send(query, t("meetings.log.choose_topics"),
                                kb.topics_keyboard(t, meeting.id, list(meeting.topics)))
        await query.answer()

    @router.message(MeetingFlow.note, F.text)
    async def note(message: Message, session: AsyncSession, user: User, state: FSMContext,
                   t: BoundTranslator, scheduler=None) -> None:
        meeting_id = (await state.get_data()).get("note_for")
        if not meeting_id:
            await state.clear()
            raise DomainError("meetings.stale")
        await meetings.set_note(session, user_id=user.id, meeting_id=meeting_id,
                                text=message.text or "", now=now_of(scheduler))
        await state.clear()
        await message.answer(t("meetings.log.note_saved"))

    # -- feedback ---------------------------------------------------------------------------

    @router.callback_query(FeedbackCallback.filter())
    async def feedback(query: CallbackQuery, callback_data: FeedbackCallback,
                       session: AsyncSession, user: User, state: FSMContext,
                       t: BoundTranslator, bot: Bot) -> None:
        meeting, me = await require_meeting(session, user.id, callback_data.meeting)
        if meeting.state != MeetingState.DONE:
            raise DomainError("meetings.feedback.not_logged")
        participation = await session.get(Participation, me.participation_id)
        step = await questionnaire.start(session, participation, "meeting_feedback",
                                         context=f"meeting:{meeting.id}")
        await query.answer()
        if step.question is None:
            await bot.send_message(query.from_user.id, t("meetings.feedback.already"))
            return
        await show_step(bot, query.from_user.id, step, state, t)

    # -- the mentee's alarm -----------------------------------------------------------------

    help_texts = kb.button_texts(translator, kb.HELP_BUTTON_KEY)

    @router.message(Command("help_me"))
    @router.message(F.text.in_(help_texts))
    async def help_me(message: Message, session: AsyncSession, user: User, state: FSMContext,
                      t: BoundTranslator) -> None:
        await state.clear()
        pairs = await my_pairs(session, user.id, role="mentee")
        if not pairs:
            await message.answer(t("meetings.help.no_pairs"))
            return
        if len(pairs) == 1:
            await message.answer(t("meetings.help.question", mentor=kb.pair_label(pairs[0])),
                                 reply_markup=kb.help_me_keyboard(t, pairs, confirm=True))
            return
        await message.answer(t("meetings.choose_pair"),
                             reply_markup=kb.help_me_keyboard(t, pairs, confirm=False))

    @router.callback_query(HelpMeCallback.filter())
    async def help_me_pressed(query: CallbackQuery, callback_data: HelpMeCallback,
                              session: AsyncSession, user: User, t: BoundTranslator,
                              scheduler=None) -> None:
        if not callback_data.confirm:
            pairs = [p for p in await my_pairs(session, user.id, role="mentee")
                     if p.pair_id == callback_data.pair]
            if not pairs:
                raise AccessDenied()
            await _edit_or_send(query, t("meetings.help.question", mentor=kb.pair_label(pairs[0])),
                                kb.help_me_keyboard(t, pairs, confirm=True))
        else:
            await meetings_status.report_no_answer(session, user_id=user.id,
                                                   pair_id=callback_data.pair,
                                                   now=now_of(scheduler))
            wake_after_commit(session, scheduler)
            await _edit_or_send(query, t("meetings.help.sent"))
        await query.answer()

    return router


def _when(meeting: Meeting, zone: str, t: BoundTranslator) -> str:
    moment = meeting.starts_at.astimezone(meetings.ZoneInfo(zone))
    return format_datetime(moment, "d MMMM, HH:mm", tzinfo=moment.tzinfo, locale=t.locale)

