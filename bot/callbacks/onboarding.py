"""CallbackData factories: short prefixes and ids only (Telegram allows 64 bytes).

Every id in a callback is checked on the server against the person pressing it: a forged or
stale button gets the same refusal as a foreign one."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData

from bot.callbacks.fields import Int32


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
    participation_id: Int32


class FormChoiceCallback(CallbackData, prefix="pf"):
    participation_id: Int32
    index: Int32


class SurveyAction(StrEnum):
    OPTION = "o"
    TOGGLE = "t"  # of a multiple choice
    DONE = "d"  # a multiple choice complete
    SKIP = "s"
    BACK = "b"


class SurveyCallback(CallbackData, prefix="sv"):
    response_id: Int32
    question: str
    action: SurveyAction
    index: Int32 = -1


class ForgetCallback(CallbackData, prefix="fg"):
    confirm: bool


def survey_data(response_id: int, question: str, action: SurveyAction, index: int = -1) -> str:
    """`SurveyCallback(...).pack()` without building the model: every button of every question
    shown packs one (six buttons: ~25 µs of the update, issue #21). The same string and the same
    refusals (a separator in a value, over Telegram's 64 bytes); tests/test_callback_actions.py."""
    separator = SurveyCallback.__separator__
    if separator in question:
        raise ValueError(f"Separator symbol can not be used in value question={question!r}")
    packed = separator.join((SurveyCallback.__prefix__, str(int(response_id)), question,
                             action.value, str(int(index))))
    if len(packed.encode()) > MAX_CALLBACK_LENGTH:
        raise ValueError(f"Resulted callback data is too long! len({packed!r}.encode()) > "
                         f"{MAX_CALLBACK_LENGTH}")
    return packed
