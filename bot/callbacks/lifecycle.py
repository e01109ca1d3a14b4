"""Callback data of the programme life cycle: survey buttons, the curator's letters and next
cycle. Short prefixes and ids only; every id is re-checked against the presser."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class LifecycleSurveyCallback(CallbackData, prefix="ls"):
    kind: str  # entry, mid, exit, fin, refl (bot.services.lifecycle.monitoring_surveys.KINDS)
    pair: Int32


class LifecycleCardAction(StrEnum):
    MIDTERM = "mid"  # the midterm date
    FINAL_SURVEYS = "fin"  # the final surveys' days before the end
    LETTERS = "let"
    NEXT_CYCLE = "new"
    MONITORING = "mon"  # the monitoring chart
    CONDITIONS = "cond"  # the curator's conditions questionnaire


class LifecycleCardCallback(CallbackData, prefix="lc"):
    action: LifecycleCardAction
    programme_id: Int32


class LetterPickAction(StrEnum):
    TOGGLE = "t"  # a mentor
    SEND = "go"


class LetterPickCallback(CallbackData, prefix="lf"):
    action: LetterPickAction
    programme_id: Int32
    participation: Int32 = 0


class PracticeAction(StrEnum):
    LIST = "l"  # open the programme's stories
    PAGE = "p"  # turn a page
    TOGGLE = "t"  # the mark of one story


class PracticeCallback(CallbackData, prefix="pb"):
    action: PracticeAction
    programme_id: Int32
    page: Int32 = 0
    response: Int32 = 0
