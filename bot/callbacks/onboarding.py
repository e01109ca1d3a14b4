"""CallbackData factories: short prefixes and ids only (Telegram allows 64 bytes).

Every id in a callback is checked on the server against the person pressing it: a forged or
stale button gets the same refusal as a foreign one."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageCallback(CallbackData, prefix="lang"):
    code: str


class TimezoneCallback(CallbackData, prefix="tz"):
    zone: str


class AgeGroupCallback(CallbackData, prefix="age"):
    group: str


class ConsentCallback(CallbackData, prefix="cs"):
    accept: bool


class ReconsiderCallback(CallbackData, prefix="rc"):
    token: str


class GuardianCallback(CallbackData, prefix="gd"):
    accept: bool


class StartProfileCallback(CallbackData, prefix="sp"):
    participation_id: int


class FormChoiceCallback(CallbackData, prefix="pf"):
    participation_id: int
    index: int


class SurveyCallback(CallbackData, prefix="sv"):
    response_id: int
    question: str
    action: str  # o: option, t: toggle, d: done (multi), s: skip, b: back
    index: int = -1


class ForgetCallback(CallbackData, prefix="fg"):
    confirm: bool
