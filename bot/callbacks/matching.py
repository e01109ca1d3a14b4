"""CallbackData of matching, pairs and plans: short prefixes, ids only (64 bytes).

Every id is checked again on press: a draft belongs to the presser, a participant must be a
candidate of that draft's programme, a pair must be the presser's own (or curated by them)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class MatchProgrammeAction(StrEnum):
    OPEN = "open"
    RECOMPUTE = "new"
    ASK_PREFERENCES = "prefs"
    PAIRS = "pairs"  # the list of pairs


class MatchProgrammeCallback(CallbackData, prefix="mpg"):
    programme_id: Int32
    action: MatchProgrammeAction = MatchProgrammeAction.OPEN


class MatchAction(StrEnum):
    PAGE = "pg"
    DROP = "drop"
    SWAP_LIST = "sw"
    SWAP_TO = "swto"  # swap to the mentor chosen
    ADD = "add"  # the mentees one may add by hand
    ADD_MENTEE = "am"  # a mentee picked
    ADD_MENTOR = "amm"  # a mentor picked
    ADD_LOW_SCORE = "amy"  # a low score confirmed
    ASK_APPROVE = "ok"
    APPROVE = "yes"


class MatchCallback(CallbackData, prefix="mdr"):
    action: MatchAction
    draft_id: Int32
    page: Int32 = 0
    mentee_id: Int32 = 0
    mentor_id: Int32 = 0


class PairAction(StrEnum):
    CARD = "card"
    PAUSE = "pause"
    RESUME = "resume"
    DONE = "done"  # asks to confirm
    END = "end"  # end early: asks for a typed reason, then to confirm
    PLAN = "plan"
    DONE_CONFIRMED = "doneok"
    END_CONFIRMED = "endok"
    KEEP = "keep"  # a confirmation cancelled: nothing changes


class PairCallback(CallbackData, prefix="pr"):
    action: PairAction
    pair_id: Int32


class PlanAction(StrEnum):
    SHOW = "show"
    ADD = "add"
    NO_DATE = "nodate"  # a new goal without a target date
    GOAL = "goal"
    STATUS = "st"
    COMMENT = "cm"
    DELETE = "del"  # asks to confirm
    DELETE_CONFIRMED = "delok"
    KEEP = "keep"  # the deletion cancelled


class PlanCallback(CallbackData, prefix="pn"):
    action: PlanAction
    pair_id: Int32
    goal_id: Int32 = 0
    value: str = ""


class PreferenceCallback(CallbackData, prefix="mpf"):
    chooser_id: Int32
    chosen_id: Int32  # 0: done
