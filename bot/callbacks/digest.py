"""CallbackData of the curator's digest setting, /status, /report and /announce: short
prefixes, ids only; every id is checked again against the presser (bot.services.people.access)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class DigestAction(StrEnum):
    DAY = "day"  # choose the weekday
    TIME = "time"  # choose the time
    SET = "set"
    NOW = "now"  # «show the digest now» on the programme card


class DigestCallback(CallbackData, prefix="dg"):
    action: DigestAction
    programme_id: Int32
    weekday: Int32 = 0
    slot: Int32 = 0  # index into bot.services.notices.digest.DIGEST_TIMES


class StatusCallback(CallbackData, prefix="sta"):
    programme_id: Int32


class ReportCallback(CallbackData, prefix="rpt"):
    programme_id: Int32


class AnnounceAction(StrEnum):
    PICK = "pick"  # the programme
    AUDIENCE = "aud"
    SEND = "send"
    DROP = "drop"


class AnnounceCallback(CallbackData, prefix="an"):
    action: AnnounceAction
    programme_id: Int32
    audience: str = ""


class NudgeCallback(CallbackData, prefix="dgn"):
    """«Nudge the mentor» of a pair at risk, under the digest and /status."""
    pair_id: Int32


class SurveyRemindCallback(CallbackData, prefix="dsr"):
    """«Remind those who have not answered» a monitoring survey, under the digest and /status."""
    programme_id: Int32
    kind: str  # entry, mid, fin, exit, refl (bot.services.surveys.completion.CONTEXTS)


class PairListCallback(CallbackData, prefix="pl"):
    """/pairs filtered (all, risk, a stage) and paged."""
    programme_id: Int32
    view: str = "all"  # all, risk or a stage
    page: Int32 = 0
