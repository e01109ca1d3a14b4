"""Callback data of the programme life cycle: survey buttons, the curator's letters and next
cycle. Short prefixes and ids only; every id is re-checked against the presser."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LifecycleSurveyCallback(CallbackData, prefix="ls"):
    kind: str  # entry, mid, exit, fin, refl (bot.services.lifecycle.monitoring_surveys.KINDS)
    pair: int


class LifecycleCardCallback(CallbackData, prefix="lc"):
    # mid (midterm date), fin (final surveys' days before the end), let (letters), new (next
    # cycle), mon (monitoring chart), cond (the curator's conditions questionnaire), prac (the
    # base of good practices)
    action: str
    programme_id: int


class LetterPickCallback(CallbackData, prefix="lf"):
    # t: toggle a mentor, go: send
    action: str
    programme_id: int
    participation: int = 0


class PracticeCallback(CallbackData, prefix="pb"):
    # l: open the programme's stories, p: turn a page, t: toggle the mark of one story
    action: str
    programme_id: int
    page: int = 0
    response: int = 0
