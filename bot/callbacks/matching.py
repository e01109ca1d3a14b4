"""CallbackData of matching, pairs and plans: short prefixes, ids only (64 bytes).

Every id is checked again on press: a draft belongs to the presser, a participant must be a
candidate of that draft's programme, a pair must be the presser's own (or curated by them)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MatchProgrammeCallback(CallbackData, prefix="mpg"):
    programme_id: int
    action: str = "open"  # open, new (recompute), prefs (ask preferences), pairs (list)


class MatchCallback(CallbackData, prefix="mdr"):
    # pg page, ok ask to approve, yes approve, drop, sw swap list, swto swap to mentor,
    # add mentees to add, am mentee picked, amm mentor picked, amy low score confirmed
    action: str
    draft_id: int
    page: int = 0
    mentee_id: int = 0
    mentor_id: int = 0


class PairCallback(CallbackData, prefix="pr"):
    action: str  # card, pause, resume, done, end, plan
    pair_id: int


class PlanCallback(CallbackData, prefix="pn"):
    # show, add, nodate, goal, st (status), cm (comment), del, pick (which pair)
    action: str
    pair_id: int
    goal_id: int = 0
    value: str = ""


class PreferenceCallback(CallbackData, prefix="mpf"):
    chooser_id: int
    chosen_id: int  # 0: done
