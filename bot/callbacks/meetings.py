"""Callback data of meetings: planning pickers, confirmations, the logging card, feedback,
the mentee's alarm. Short prefixes and ids only; every id is re-checked against the presser."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class PlanTargetCallback(CallbackData, prefix="mp"):
    pair: int
    group: bool = False


class PlanKindCallback(CallbackData, prefix="mk"):
    kind: str


class PlanDayCallback(CallbackData, prefix="md"):
    day: str  # YYYYMMDD in the person's timezone


class PlanPageCallback(CallbackData, prefix="mw"):
    page: int  # weeks forward from today


class PlanTimeCallback(CallbackData, prefix="mh"):
    hm: str  # HHMM in the person's timezone


class PlanFormatCallback(CallbackData, prefix="mf"):
    fmt: str  # offline, online


class MeetingActionCallback(CallbackData, prefix="ma"):
    action: str  # ok: confirm, mv: another time / move, cx: cancel
    meeting: int


class LogCallback(CallbackData, prefix="ml"):
    """The logging card carries its whole state, so three taps need no conversation state."""

    action: str  # d: duration, k: kind menu, K: kind chosen, t: date menu, T: date chosen, ok
    pair: int = 0
    group: bool = False
    kind: str = ""
    dur: int = 0
    day: str = ""  # YYYYMMDD; empty: today
    meeting: int = 0  # a planned meeting being logged, or a log being edited


class OverdueCallback(CallbackData, prefix="mo"):
    answer: str  # y: it took place, n: it did not, o: log another one
    meeting: int


class LoggedCallback(CallbackData, prefix="mx"):
    action: str  # note, topics, edit, del, delok
    meeting: int


class TopicCallback(CallbackData, prefix="mtp"):
    meeting: int
    index: int  # -1: done


class FeedbackCallback(CallbackData, prefix="fb"):
    meeting: int


class HelpMeCallback(CallbackData, prefix="hm"):
    pair: int
    confirm: bool = False
