"""Keyboards of meetings: the persistent button, pair choice, day and time pickers, the
logging card, and the buttons under a logged meeting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from aiogram.types import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date

from bot.callbacks.meetings import (
    HelpMeCallback,
    LogCallback,
    LoggedCallback,
    OverdueCallback,
    PlanDayCallback,
    PlanFormatCallback,
    PlanKindCallback,
    PlanPageCallback,
    PlanTargetCallback,
    PlanTimeCallback,
    TopicCallback,
)
from bot.i18n import BoundTranslator, Translator
from bot.services.meetings.meetings import DURATIONS, PAST_DAYS, TOPICS
from bot.services.meetings.people import PairView
from models import MEETING_KINDS

DAYS_SHOWN = 14
FIRST_SLOT, LAST_SLOT = time(8, 0), time(20, 0)
LOG_BUTTON_KEY = "meetings.button.log"
HELP_BUTTON_KEY = "meetings.button.help_me"


def button_texts(translator: Translator, key: str) -> set[str]:
    """The persistent button's label in every language (a press sends it as text)."""
    return {translator.get(key, locale) for locale in translator.locales}


def persistent_keyboard(t: BoundTranslator, *, mentor: bool, mentee: bool
                        ) -> ReplyKeyboardMarkup | None:
    row = []
    if mentor:
        row.append(KeyboardButton(text=t.plain(LOG_BUTTON_KEY)))
    if mentee:
        row.append(KeyboardButton(text=t.plain(HELP_BUTTON_KEY)))
    if not row:
        return None
    return ReplyKeyboardMarkup(keyboard=[row], resize_keyboard=True, is_persistent=True)


def pair_label(pair: PairView) -> str:
    name = pair.mentee_name if pair.my_role == "mentor" else pair.mentor_name
    return name or "—"


def pairs_keyboard(t: BoundTranslator, pairs: list[PairView], *, plan: bool,
                   with_group: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for pair in pairs:
        data = (PlanTargetCallback(pair=pair.pair_id) if plan
                else LogCallback(action="c", pair=pair.pair_id))
        builder.button(text=pair_label(pair), callback_data=data)
    if with_group:
        data = (PlanTargetCallback(pair=pairs[0].pair_id, group=True) if plan
                else LogCallback(action="c", pair=pairs[0].pair_id, group=True))
        builder.button(text=t.plain("meetings.button.whole_group"), callback_data=data)
    builder.adjust(1)
    return builder.as_markup()


def kinds_keyboard(t: BoundTranslator, preselected: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in MEETING_KINDS:
        mark = "✓ " if kind == preselected else ""
        builder.button(text=mark + t.plain(f"meetings.kind.{kind}"),
                       callback_data=PlanKindCallback(kind=kind))
    builder.adjust(1)
    return builder.as_markup()


def day_label(day: date, locale: str) -> str:
    return format_date(day, "EEE d.MM", locale=locale)


def days_keyboard(t: BoundTranslator, today: date, page: int) -> InlineKeyboardMarkup:
    """The next 14 days from the page's week, with weekday names; «другая неделя» pages."""
    builder = InlineKeyboardBuilder()
    start = today + timedelta(days=7 * page)
    for offset in range(DAYS_SHOWN):
        day = start + timedelta(days=offset)
        builder.button(text=day_label(day, t.locale),
                       callback_data=PlanDayCallback(day=day.strftime("%Y%m%d")))
    builder.adjust(3)
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text=t.plain("meetings.button.prev_week"), callback_data=PlanPageCallback(page=page - 1))
    if page < 8:
        nav.button(text=t.plain("meetings.button.other_week"), callback_data=PlanPageCallback(page=page + 1))
    builder.attach(nav)
    return builder.as_markup()


def time_slots(day: date, now_local: datetime) -> list[str]:
    """08:00–20:00 every 30 minutes; on today only the times still ahead."""
    slots = []
    moment = datetime.combine(day, FIRST_SLOT)
    last = datetime.combine(day, LAST_SLOT)
    while moment <= last:
        if day != now_local.date() or moment.time() > now_local.time():
            slots.append(moment.strftime("%H%M"))
        moment += timedelta(minutes=30)
    return slots


def times_keyboard(t: BoundTranslator, slots: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for hm in slots:
        builder.button(text=f"{hm[:2]}:{hm[2:]}", callback_data=PlanTimeCallback(hm=hm))
    builder.adjust(5)
    nav = InlineKeyboardBuilder()
    nav.button(text=t.plain("meetings.button.other_day"), callback_data=PlanPageCallback(page=0))
    builder.attach(nav)
    return builder.as_markup()


def format_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meetings.format.offline"), callback_data=PlanFormatCallback(fmt="offline"))
    builder.button(text=t.plain("meetings.format.online"), callback_data=PlanFormatCallback(fmt="online"))
    return builder.as_markup()


def log_card_keyboard(t: BoundTranslator, card: LogCallback) -> InlineKeyboardMarkup:
    """Durations (one tap), then «Готово»; changing kind or date are optional extra taps."""
    builder = InlineKeyboardBuilder()
    for minutes in DURATIONS:
        mark = "✓ " if minutes == card.dur else ""
        builder.button(text=mark + t.plain("meetings.log.minutes", minutes=minutes),
                       callback_data=card.model_copy(update={"action": "d", "dur": minutes}))
    builder.adjust(4)
    extra = InlineKeyboardBuilder()
    extra.button(text=t.plain("meetings.button.change_kind"),
                 callback_data=card.model_copy(update={"action": "k"}))
    extra.button(text=t.plain("meetings.button.change_day"),
                 callback_data=card.model_copy(update={"action": "t"}))
    builder.attach(extra)
    if card.dur:
        done = InlineKeyboardBuilder()
        done.button(text=t.plain("meetings.button.done"),
                    callback_data=card.model_copy(update={"action": "ok"}))
        builder.attach(done)
    return builder.as_markup()


def log_kinds_keyboard(t: BoundTranslator, card: LogCallback) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for kind in MEETING_KINDS:
        mark = "✓ " if kind == card.kind else ""
        builder.button(text=mark + t.plain(f"meetings.kind.{kind}"),
                       callback_data=card.model_copy(update={"action": "K", "kind": kind}))
    builder.adjust(1)
    return builder.as_markup()


def log_days_keyboard(t: BoundTranslator, card: LogCallback, today: date) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for back in range(PAST_DAYS + 1):
        day = today - timedelta(days=back)
        label = (t.plain("meetings.log.today") if back == 0 else
                 t.plain("meetings.log.yesterday") if back == 1 else day_label(day, t.locale))
        builder.button(text=label, callback_data=card.model_copy(
            update={"action": "T", "day": day.strftime("%Y%m%d")}))
    builder.adjust(3)
    return builder.as_markup()


def overdue_keyboard(t: BoundTranslator, meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meetings.button.took_place"),
                   callback_data=OverdueCallback(answer="y", meeting=meeting_id))
    builder.button(text=t.plain("meetings.button.did_not"),
                   callback_data=OverdueCallback(answer="n", meeting=meeting_id))
    builder.button(text=t.plain("meetings.button.another"),
                   callback_data=OverdueCallback(answer="o", meeting=meeting_id))
    builder.adjust(2, 1)
    return builder.as_markup()


def logged_keyboard(t: BoundTranslator, meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for action in ("note", "topics", "edit", "del"):
        builder.button(text=t.plain(f"meetings.button.{action}"),
                       callback_data=LoggedCallback(action=action, meeting=meeting_id))
    builder.adjust(2)
    return builder.as_markup()


def delete_keyboard(t: BoundTranslator, meeting_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("meetings.button.delete_confirm"),
                   callback_data=LoggedCallback(action="delok", meeting=meeting_id))
    builder.button(text=t.plain("meetings.button.keep"),
                   callback_data=LoggedCallback(action="back", meeting=meeting_id))
    return builder.as_markup()


def topics_keyboard(t: BoundTranslator, meeting_id: int, chosen: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, topic in enumerate(TOPICS):
        mark = "✓ " if topic in chosen else ""
        builder.button(text=mark + t.plain(f"meetings.topic.{topic}"),
                       callback_data=TopicCallback(meeting=meeting_id, index=index))
    builder.adjust(2)
    done = InlineKeyboardBuilder()
    done.button(text=t.plain("meetings.button.done"), callback_data=TopicCallback(meeting=meeting_id,
                                                                           index=-1))
    builder.attach(done)
    return builder.as_markup()


def help_me_keyboard(t: BoundTranslator, pairs: list[PairView], confirm: bool
                     ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if confirm:
        builder.button(text=t.plain("meetings.help.confirm"),
                       callback_data=HelpMeCallback(pair=pairs[0].pair_id, confirm=True))
    else:
        for pair in pairs:
            builder.button(text=pair_label(pair), callback_data=HelpMeCallback(pair=pair.pair_id))
    builder.adjust(1)
    return builder.as_markup()
