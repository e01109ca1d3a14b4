"""Callback data of meetings: planning pickers, confirmations, the logging card, feedback,
the mentee's alarm. Short prefixes and ids only; every id is re-checked against the presser."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class PlanTargetCallback(CallbackData, prefix="mp"):
    pair: Int32
    group: bool = False


class PlanKindCallback(CallbackData, prefix="mk"):
    kind: str


class PlanDayCallback(CallbackData, prefix="md"):
    day: str  # YYYYMMDD in the person's timezone


class PlanPageCallback(CallbackData, prefix="mw"):
    page: Int32  # weeks forward from today


class PlanTimeCallback(CallbackData, prefix="mh"):
    hm: str  # HHMM in the person's timezone


class PlanFormatCallback(CallbackData, prefix="mf"):
    fmt: str  # offline, online


class MeetingAction(StrEnum):
    CONFIRM = "ok"
    MOVE = "mv"  # another time
    CANCEL = "cx"


class MeetingActionCallback(CallbackData, prefix="ma"):
    action: MeetingAction
    meeting: Int32


class LogAction(StrEnum):
    CARD = "c"  # the card as it is
    DURATION = "d"  # a duration chosen
    KIND_MENU = "k"
    KIND = "K"  # a kind chosen
    DAY_MENU = "t"
    DAY = "T"  # a day chosen
    SAVE = "ok"


class LogCallback(CallbackData, prefix="ml"):
    """The logging card carries its whole state, so three taps need no conversation state."""

    action: LogAction
    pair: Int32 = 0
    group: bool = False
    kind: str = ""
    dur: Int32 = 0
    day: str = ""  # YYYYMMDD; empty: today
    meeting: Int32 = 0  # a planned meeting being logged, or a log being edited


class OverdueAction(StrEnum):
    TOOK_PLACE = "y"
    MISSED = "n"
    ANOTHER = "o"  # log another meeting


class OverdueCallback(CallbackData, prefix="mo"):
    action: OverdueAction
    meeting: Int32


class LoggedAction(StrEnum):
    NOTE = "note"
    TOPICS = "topics"
    EDIT = "edit"
    DELETE = "del"  # ask
    DELETE_CONFIRMED = "delok"
    BACK = "back"


class LoggedCallback(CallbackData, prefix="mx"):
    action: LoggedAction
    meeting: Int32


class TopicCallback(CallbackData, prefix="mtp"):
    meeting: Int32
    index: Int32  # -1: done


class FeedbackCallback(CallbackData, prefix="fb"):
    meeting: Int32


class HelpMeCallback(CallbackData, prefix="hm"):
    pair: Int32
    confirm: bool = False
