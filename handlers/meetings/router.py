"""Meetings from the phone: /meet plans one (pickers, no typed dates), the other side confirms
or proposes another time; /meeting (or the persistent button) logs one in three taps; feedback
after it; /help_me lets a mentee alert the curator."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from babel.dates import format_date, format_datetime

from bot.callbacks.meetings import (
    FeedbackCallback,
    HelpMeCallback,
    LogAction,
    LogCallback,
    LoggedAction,
    LoggedCallback,
    MeetingAction,
    MeetingActionCallback,
    OverdueAction,
    OverdueCallback,
    PlanDayCallback,
    PlanFormatCallback,
    PlanKindCallback,
    PlanPageCallback,
    PlanTargetCallback,
    PlanTimeCallback,
    TopicCallback,
)
from bot.clock import now_of
from bot.config import Settings
from bot.db import AsyncSession
from bot.delivery.wake import wake_after_commit
from bot.i18n import BoundTranslator, Translator
from bot.services import lookup
from bot.services.errors import AccessDenied, DomainError, StaleButton
from bot.services.meetings import cadence as meetings_status
from bot.services.meetings import meetings
from bot.services.meetings.people import (
    meeting_pair_ids,
    my_pairs,
    require_meeting,
    timezone_of,
)
from bot.services.programmes import states as programme_states
from bot.services.surveys import questionnaire
from handlers.meetings import views as kb
from handlers.surveys.router import show_step
from models import Meeting, MeetingState, User


class MeetingFlow(StatesGroup):
    place = State()
    note = State()


def _day(raw: str) -> date:
    try:
        return datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise AccessDenied() from None


async def _edit_or_send(query: CallbackQuery, text: str, markup=None) -> None:
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=markup)
    elif query.bot is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


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
            await programme_states.explain_no_pairs(session, user.id)
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
        today = now_of(scheduler).astimezone(ZoneInfo(zone)).date()
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
        now_local = now_of(scheduler).astimezone(ZoneInfo(zone))
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
            meeting = await meetings.move(session, user_id=user.id,
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
            session, user_id=user.id, pair_id=plan["pair"], group=plan["group"],
            kind=plan["kind"], starts_at=datetime.fromisoformat(plan["starts_at"]),
            fmt=plan["fmt"], place=message.text or "", now=now_of(scheduler),
            default_timezone=settings.default_timezone)
        await state.clear()
        wake_after_commit(session, scheduler)
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        await message.answer(t("meetings.plan.sent", kind=t(f"meetings.kind.{meeting.kind}"),
                               when=_when(meeting, zone, t)))

    def meeting_button(action: MeetingAction):
        return router.callback_query(MeetingActionCallback.filter(F.action == action))

    async def answered(query: CallbackQuery, session: AsyncSession, scheduler: object | None,
                       toast: str) -> None:
        """A proposal confirmed or cancelled: the notices go out after the commit, the press
        is answered and the proposal's buttons removed."""
        wake_after_commit(session, scheduler)
        await query.answer(toast)
        if isinstance(query.message, Message):
            await query.message.edit_reply_markup(reply_markup=None)

    @meeting_button(MeetingAction.CONFIRM)
    async def meeting_confirm(query: CallbackQuery, callback_data: MeetingActionCallback,
                              session: AsyncSession, user: User, t: BoundTranslator,
                              settings: Settings, scheduler=None) -> None:
        await meetings.confirm(session, user_id=user.id,
                               meeting_id=callback_data.meeting, now=now_of(scheduler),
                               default_timezone=settings.default_timezone)
        await answered(query, session, scheduler, t.plain("meetings.plan.confirmed_toast"))

    @meeting_button(MeetingAction.MOVE)
    async def meeting_move(query: CallbackQuery, callback_data: MeetingActionCallback,
                           session: AsyncSession, user: User, state: FSMContext,
                           t: BoundTranslator, settings: Settings, bot: Bot,
                           scheduler=None) -> None:
        meeting, _ = await require_meeting(session, user.id, callback_data.meeting)
        if meeting.state not in (MeetingState.PROPOSED, MeetingState.CONFIRMED):
            raise DomainError("meetings.plan.not_open")
        await state.set_state(None)
        await state.set_data({"plan": {"move": meeting.id}})
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        today = now_of(scheduler).astimezone(ZoneInfo(zone)).date()
        await bot.send_message(query.from_user.id, t("meetings.plan.choose_day", zone=zone),
                               reply_markup=kb.days_keyboard(t, today, 0))
        await query.answer()

    @meeting_button(MeetingAction.CANCEL)
    async def meeting_cancel(query: CallbackQuery, callback_data: MeetingActionCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             settings: Settings, scheduler=None) -> None:
        await meetings.cancel(session, user_id=user.id,
                              meeting_id=callback_data.meeting, now=now_of(scheduler),
                              default_timezone=settings.default_timezone)
        await answered(query, session, scheduler, t.plain("meetings.plan.cancelled_toast"))

    # -- logging --------------------------------------------------------------------------

    async def card_text(session: AsyncSession, user: User, card: LogCallback,
                        t: BoundTranslator, zone: str, now: datetime) -> str:
        target = await meetings.target(session, user.id, card.pair, card.group)
        who = ", ".join(kb.pair_label(p) for p in target.pairs)
        day = _day(card.day) if card.day else now.astimezone(ZoneInfo(zone)).date()
        today = now.astimezone(ZoneInfo(zone)).date()
        day_text = t("meetings.log.today") if day == today else kb.day_label(day, t.locale)
        duration = t("meetings.log.minutes", minutes=card.dur) if card.dur else "—"
        meeting = await lookup.meeting(session, card.meeting) if card.meeting else None
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
        return LogCallback(action=LogAction.CARD, pair=pair_id, group=group,
                           kind=meetings.group_next_kind(target))

    async def start_logging(message: Message, session: AsyncSession, user: User,
                            t: BoundTranslator, settings: Settings, now: datetime,
                            offer_overdue: bool = True) -> None:
        pairs = await my_pairs(session, user.id, role="mentor")
        if not pairs:
            await programme_states.explain_no_pairs(session, user.id)
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

    # «Did the planned meeting take place?»: only the mentor of its pair answers.
    def overdue_button(action: OverdueAction):
        return router.callback_query(OverdueCallback.filter(F.action == action))

    async def overdue_meeting(session: AsyncSession, user: User,
                              callback_data: OverdueCallback) -> Meeting:
        meeting, me = await require_meeting(session, user.id, callback_data.meeting)
        if me.role != "mentor":
            raise AccessDenied()
        return meeting

    @overdue_button(OverdueAction.MISSED)
    async def overdue_missed(query: CallbackQuery, callback_data: OverdueCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             scheduler=None) -> None:
        meeting = await overdue_meeting(session, user, callback_data)
        await meetings.mark_missed(session, user_id=user.id, meeting_id=meeting.id,
                                   now=now_of(scheduler))
        await _edit_or_send(query, t("meetings.log.marked_missed"))
        await query.answer()

    @overdue_button(OverdueAction.TOOK_PLACE)
    async def overdue_took_place(query: CallbackQuery, callback_data: OverdueCallback,
                                 session: AsyncSession, user: User, t: BoundTranslator,
                                 settings: Settings, scheduler=None) -> None:
        meeting = await overdue_meeting(session, user, callback_data)
        pair_ids = await meeting_pair_ids(session, meeting.id)
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        local_day = meeting.starts_at.astimezone(ZoneInfo(zone)).date()
        card = LogCallback(action=LogAction.CARD, pair=pair_ids[0], group=len(pair_ids) > 1,
                           kind=meeting.kind, day=local_day.strftime("%Y%m%d"),
                           meeting=meeting.id)
        await show_card(query, session, user, card, t, zone, now_of(scheduler))

    @overdue_button(OverdueAction.ANOTHER)
    async def overdue_another(query: CallbackQuery, callback_data: OverdueCallback,
                              session: AsyncSession, user: User, t: BoundTranslator,
                              settings: Settings, scheduler=None) -> None:
        await overdue_meeting(session, user, callback_data)
        if isinstance(query.message, Message):
            await query.message.delete()
            await start_logging(query.message, session, user, t, settings, now_of(scheduler),
                                offer_overdue=False)
        await query.answer()

    # The logging card: every press carries the whole card; each is checked again.
    def card_button(action: LogAction):
        return router.callback_query(LogCallback.filter(F.action == action))

    async def checked_zone(session: AsyncSession, user: User, card: LogCallback,
                           settings: Settings) -> str:
        """The mentor's zone, once the card is checked: only a mentor of the pair, and only
        their own planned meeting or log."""
        zone = await card_zone(session, user, card, settings)
        if card.meeting:
            await require_meeting(session, user.id, card.meeting)
        return zone

    async def show_card(query: CallbackQuery, session: AsyncSession, user: User,
                        card: LogCallback, t: BoundTranslator, zone: str, now: datetime) -> None:
        await _edit_or_send(query, await card_text(session, user, card, t, zone, now),
                            kb.log_card_keyboard(t, card))
        await query.answer()

    @card_button(LogAction.CARD)
    async def card_shown(query: CallbackQuery, callback_data: LogCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         settings: Settings, scheduler=None) -> None:
        card = callback_data
        if not card.kind:  # a bare «log a meeting» button: a fresh card
            card = await new_card(session, user, card.pair, card.group)
        zone = await checked_zone(session, user, card, settings)
        await show_card(query, session, user, card, t, zone, now_of(scheduler))

    @card_button(LogAction.DURATION)
    async def card_duration(query: CallbackQuery, callback_data: LogCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            settings: Settings, scheduler=None) -> None:
        card = callback_data
        zone = await checked_zone(session, user, card, settings)
        if card.dur not in meetings.DURATIONS:
            raise AccessDenied()
        await show_card(query, session, user, card, t, zone, now_of(scheduler))

    @card_button(LogAction.KIND)
    async def card_kind(query: CallbackQuery, callback_data: LogCallback,
                        session: AsyncSession, user: User, t: BoundTranslator,
                        settings: Settings, scheduler=None) -> None:
        card = callback_data
        zone = await checked_zone(session, user, card, settings)
        meetings.check_kind(card.kind)
        await show_card(query, session, user, card, t, zone, now_of(scheduler))

    @card_button(LogAction.DAY)
    async def card_day(query: CallbackQuery, callback_data: LogCallback,
                       session: AsyncSession, user: User, t: BoundTranslator,
                       settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        card = callback_data
        zone = await checked_zone(session, user, card, settings)
        meetings.check_log_day(_day(card.day), zone, now)
        await show_card(query, session, user, card, t, zone, now)

    @card_button(LogAction.KIND_MENU)
    async def card_kind_menu(query: CallbackQuery, callback_data: LogCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             settings: Settings) -> None:
        card = callback_data
        await checked_zone(session, user, card, settings)
        await _edit_or_send(query, t("meetings.plan.choose_kind"),
                            kb.log_kinds_keyboard(t, card))
        await query.answer()

    @card_button(LogAction.DAY_MENU)
    async def card_day_menu(query: CallbackQuery, callback_data: LogCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            settings: Settings, scheduler=None) -> None:
        card = callback_data
        zone = await checked_zone(session, user, card, settings)
        today = now_of(scheduler).astimezone(ZoneInfo(zone)).date()
        await _edit_or_send(query, t("meetings.log.choose_day"),
                            kb.log_days_keyboard(t, card, today))
        await query.answer()

    @card_button(LogAction.SAVE)
    async def card_saved(query: CallbackQuery, callback_data: LogCallback,
                         session: AsyncSession, user: User, t: BoundTranslator,
                         settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        card = callback_data
        zone = await checked_zone(session, user, card, settings)
        message = query.message if isinstance(query.message, Message) else None
        log_key = f"card:{user.id}:{message.message_id if message else query.id}"
        day = _day(card.day) if card.day else now.astimezone(ZoneInfo(zone)).date()
        result = await meetings.log(
            session, user_id=user.id, pair_id=card.pair, group=card.group,
            kind=card.kind, duration=card.dur, day=day, meeting_id=card.meeting,
            log_key=log_key, zone=zone, now=now, default_timezone=settings.default_timezone)
        wake_after_commit(session, scheduler)
        await _edit_or_send(query, await logged_text(session, result.meeting, t, zone),
                            kb.logged_keyboard(t, result.meeting.id))
        await query.answer(t.plain("meetings.log.saved_toast"))

    async def logged_text(session: AsyncSession, meeting: Meeting, t: BoundTranslator,
                          zone: str) -> str:
        topics = ", ".join(t(f"meetings.topic.{x}") for x in meeting.topics or []) or "—"
        return t("meetings.log.saved", kind=t(f"meetings.kind.{meeting.kind}"),
                 when=_when(meeting, zone, t), duration=t("meetings.log.minutes",
                                                          minutes=meeting.duration_minutes),
                 note=meeting.note or "—", topics=topics)

    # A logged meeting's buttons: only the mentor's own log.
    def logged_button(action: LoggedAction):
        return router.callback_query(LoggedCallback.filter(F.action == action))

    async def pressed_log(session: AsyncSession, user: User, callback_data: LoggedCallback,
                          settings: Settings, now: datetime) -> tuple[Meeting, str]:
        meeting = await meetings.own_log(session, user.id, callback_data.meeting, now)
        zone = await timezone_of(session, user, meeting.programme_id, settings.default_timezone)
        return meeting, zone

    @logged_button(LoggedAction.NOTE)
    async def logged_note(query: CallbackQuery, callback_data: LoggedCallback,
                          session: AsyncSession, user: User, state: FSMContext,
                          t: BoundTranslator, settings: Settings, bot: Bot,
                          scheduler=None) -> None:
        meeting, _ = await pressed_log(session, user, callback_data, settings, now_of(scheduler))
        await state.set_state(MeetingFlow.note)
        await state.set_data({"note_for": meeting.id})
        await bot.send_message(query.from_user.id,
                               t("meetings.log.ask_note", limit=meetings.MAX_NOTE))
        await query.answer()

    @logged_button(LoggedAction.TOPICS)
    async def logged_topics(query: CallbackQuery, callback_data: LoggedCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            settings: Settings, scheduler=None) -> None:
        meeting, _ = await pressed_log(session, user, callback_data, settings, now_of(scheduler))
        await _edit_or_send(query, t("meetings.log.choose_topics"),
                            kb.topics_keyboard(t, meeting.id, list(meeting.topics or [])))
        await query.answer()

    @logged_button(LoggedAction.EDIT)
    async def logged_edit(query: CallbackQuery, callback_data: LoggedCallback,
                          session: AsyncSession, user: User, t: BoundTranslator,
                          settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        meeting, zone = await pressed_log(session, user, callback_data, settings, now)
        pair_ids = await meeting_pair_ids(session, meeting.id)
        local_day = meeting.starts_at.astimezone(ZoneInfo(zone)).date()
        card = LogCallback(action=LogAction.CARD, pair=pair_ids[0], group=len(pair_ids) > 1,
                           kind=meeting.kind, dur=meeting.duration_minutes,
                           day=local_day.strftime("%Y%m%d"), meeting=meeting.id)
        await show_card(query, session, user, card, t, zone, now)

    @logged_button(LoggedAction.DELETE)
    async def logged_delete(query: CallbackQuery, callback_data: LoggedCallback,
                            session: AsyncSession, user: User, t: BoundTranslator,
                            settings: Settings, scheduler=None) -> None:
        meeting, _ = await pressed_log(session, user, callback_data, settings, now_of(scheduler))
        await _edit_or_send(query, t("meetings.log.delete_question"),
                            kb.delete_keyboard(t, meeting.id))
        await query.answer()

    @logged_button(LoggedAction.DELETE_CONFIRMED)
    async def logged_deleted(query: CallbackQuery, callback_data: LoggedCallback,
                             session: AsyncSession, user: User, t: BoundTranslator,
                             settings: Settings, scheduler=None) -> None:
        now = now_of(scheduler)
        meeting, _ = await pressed_log(session, user, callback_data, settings, now)
        await meetings.delete_log(session, user_id=user.id, meeting_id=meeting.id, now=now)
        await _edit_or_send(query, t("meetings.log.deleted"))
        await query.answer()

    @logged_button(LoggedAction.BACK)
    async def logged_back(query: CallbackQuery, callback_data: LoggedCallback,
                          session: AsyncSession, user: User, t: BoundTranslator,
                          settings: Settings, scheduler=None) -> None:
        meeting, zone = await pressed_log(session, user, callback_data, settings,
                                          now_of(scheduler))
        await _edit_or_send(query, await logged_text(session, meeting, t, zone),
                            kb.logged_keyboard(t, meeting.id))
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
        participation = await lookup.participation(session, me.participation_id)
        if participation is None:
            raise AccessDenied()
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
    """«5 декабря, 13:27»; «5 декабря» when only the day was given (a logged meeting)."""
    moment = meeting.starts_at.astimezone(ZoneInfo(zone))
    if not meeting.time_given:
        return format_date(moment.date(), "d MMMM", locale=t.locale)
    return format_datetime(moment, "d MMMM, HH:mm", tzinfo=moment.tzinfo, locale=t.locale)

