"""Keyboards of matching (the curator's draft), pairs and plans."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.curator import ProgrammeAction, ProgrammeCallback
from bot.callbacks.digest import PairListCallback
from bot.callbacks.matching import (
    MatchAction,
    MatchCallback,
    MatchProgrammeAction,
    MatchProgrammeCallback,
    PairAction,
    PairCallback,
    PlanAction,
    PlanCallback,
)
from bot.i18n import BoundTranslator
from bot.services.matching.flow import Candidate, DraftView
from bot.services.pairs.pairs import PairView
from bot.services.pairs.progress import FILTERS
from models import PairState, PlanGoal

STATUS_ICONS = {"not_started": "⚪️", "in_progress": "🟡", "done": "✅"}


def draft_page(t: BoundTranslator, shown: DraftView, page: int, pages: int, first: int
               ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    sizes = []
    for number, pair in enumerate(shown.pairs[first:first + 5], start=first + 1):
        builder.button(text=t.plain("match.btn.drop", number=number), callback_data=MatchCallback(
            action=MatchAction.DROP, draft_id=shown.draft_id, page=page, mentee_id=pair.mentee_id))
        builder.button(text=t.plain("match.btn.swap", number=number), callback_data=MatchCallback(
            action=MatchAction.SWAP_LIST, draft_id=shown.draft_id, page=page, mentee_id=pair.mentee_id))
        sizes.append(2)
    nav = 0
    if page > 0:
        builder.button(text="◀", callback_data=MatchCallback(action=MatchAction.PAGE, draft_id=shown.draft_id,
                                                             page=page - 1))
        nav += 1
    if page + 1 < pages:
        builder.button(text="▶", callback_data=MatchCallback(action=MatchAction.PAGE, draft_id=shown.draft_id,
                                                             page=page + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    builder.button(text=t.plain("match.btn.add"),
                   callback_data=MatchCallback(action=MatchAction.ADD, draft_id=shown.draft_id))
    builder.button(text=t.plain("match.btn.approve"),
                   callback_data=MatchCallback(action=MatchAction.ASK_APPROVE, draft_id=shown.draft_id))
    builder.button(text=t.plain("match.btn.recompute"),
                   callback_data=MatchProgrammeCallback(programme_id=shown.programme_id,
                                                        action=MatchProgrammeAction.RECOMPUTE))
    builder.button(text=t.plain("match.btn.prefs"),
                   callback_data=MatchProgrammeCallback(programme_id=shown.programme_id,
                                                        action=MatchProgrammeAction.ASK_PREFERENCES))
    builder.button(text=t.plain("match.btn.pairs"),
                   callback_data=MatchProgrammeCallback(programme_id=shown.programme_id,
                                                        action=MatchProgrammeAction.PAIRS))
    sizes += [1, 1, 2, 1]
    builder.adjust(*sizes)
    return builder.as_markup()


def candidates(draft_id: int, action: MatchAction, mentee_id: int, found: list[Candidate], page: int,
               back: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for c in found[:20]:
        builder.button(text=f"{c.name[:40]} · {c.score}", callback_data=MatchCallback(
            action=action, draft_id=draft_id, page=page, mentee_id=mentee_id,
            mentor_id=c.mentor_id))
    builder.button(text=back, callback_data=MatchCallback(action=MatchAction.PAGE, draft_id=draft_id,
                                                          page=page))
    builder.adjust(1)
    return builder.as_markup()


def manual_mentees(draft_id: int, found: list[tuple[int, str]], back: str
                   ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mentee_id, name in found[:30]:
        builder.button(text=name[:60], callback_data=MatchCallback(
            action=MatchAction.ADD_MENTEE, draft_id=draft_id, mentee_id=mentee_id))
    builder.button(text=back, callback_data=MatchCallback(action=MatchAction.PAGE, draft_id=draft_id))
    builder.adjust(1)
    return builder.as_markup()


def confirm(t: BoundTranslator, draft_id: int, yes: MatchCallback) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("match.btn.yes"), callback_data=yes)
    builder.button(text=t.plain("match.btn.back"), callback_data=MatchCallback(action=MatchAction.PAGE,
                                                                         draft_id=draft_id))
    builder.adjust(1)
    return builder.as_markup()


def offer_start(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    """«▶️ Запустить программу» under the first approved pairs (the programme card's button)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("cur.card.run"), callback_data=ProgrammeCallback(
        action=ProgrammeAction.RUN, programme_id=programme_id))
    return builder.as_markup()


def pair_list(t: BoundTranslator, shown: list[tuple[int, PairView]], programme_id: int,
              current: str, page: int, pages: int) -> InlineKeyboardMarkup:
    """A page of pairs (a card button each), the filters (all, at risk, stages) and ◀ ▶."""
    builder = InlineKeyboardBuilder()
    sizes = []
    for number, pair in shown:
        builder.button(text=f"{number}. {pair.mentor_name} ↔ {pair.mentee_name}"[:60],
                       callback_data=PairCallback(action=PairAction.CARD, pair_id=pair.id))
        sizes.append(1)
    nav = 0
    for target, label in ((page - 1, "◀"), (page + 1, "▶")):
        if 0 <= target < pages:
            builder.button(text=label, callback_data=PairListCallback(
                programme_id=programme_id, view=current, page=target))
            nav += 1
    if nav:
        sizes.append(nav)
    for name in FILTERS:
        mark = "• " if name == current else ""
        builder.button(text=mark + t.plain(f"pairs.filter.{name}"), callback_data=PairListCallback(
            programme_id=programme_id, view=name))
    sizes += [2, 2, 3]
    builder.adjust(*sizes)
    return builder.as_markup()


def pair_card(t: BoundTranslator, pair: PairView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    actions = {PairState.ACTIVE: (PairAction.PAUSE, PairAction.DONE, PairAction.END),
               PairState.PAUSED: (PairAction.RESUME, PairAction.DONE, PairAction.END)
               }.get(pair.state, ())
    for action in (*actions, PairAction.PLAN):
        builder.button(text=t.plain(f"pair.btn.{action}"),
                       callback_data=PairCallback(action=action, pair_id=pair.id))
    builder.adjust(2)
    return builder.as_markup()


def pick_pair(t: BoundTranslator, found: list[tuple[PairView, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for pair, role in found:
        other = pair.mentee_name if role == "mentor" else pair.mentor_name
        builder.button(text=t.plain("plan.pick_line", other=other, programme=pair.programme_title)[:60],
                       callback_data=PlanCallback(action=PlanAction.SHOW, pair_id=pair.id))
    builder.adjust(1)
    return builder.as_markup()


def plan(t: BoundTranslator, pair_id: int, goals: list[PlanGoal], editable: bool
         ) -> InlineKeyboardMarkup | None:
    if not editable:
        return None
    builder = InlineKeyboardBuilder()
    for number, goal in enumerate(goals, start=1):
        builder.button(text=f"{number}. {STATUS_ICONS.get(goal.status, '')} {goal.title}"[:60],
                       callback_data=PlanCallback(action=PlanAction.GOAL, pair_id=pair_id,
                                                  goal_id=goal.id))
    builder.button(text=t.plain("plan.btn.add"), callback_data=PlanCallback(action=PlanAction.ADD,
                                                                      pair_id=pair_id))
    builder.adjust(1)
    return builder.as_markup()


def goal(t: BoundTranslator, pair_id: int, goal_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for status in STATUS_ICONS:
        builder.button(text=t.plain(f"plan.btn.{status}"), callback_data=PlanCallback(
            action=PlanAction.STATUS, pair_id=pair_id, goal_id=goal_id, value=status))
    builder.button(text=t.plain("plan.btn.comment"), callback_data=PlanCallback(
        action=PlanAction.COMMENT, pair_id=pair_id, goal_id=goal_id))
    builder.button(text=t.plain("plan.btn.delete"), callback_data=PlanCallback(
        action=PlanAction.DELETE, pair_id=pair_id, goal_id=goal_id))
    builder.button(text=t.plain("plan.btn.back"), callback_data=PlanCallback(action=PlanAction.SHOW,
                                                                       pair_id=pair_id))
    builder.adjust(3, 2, 1)
    return builder.as_markup()


def no_date(t: BoundTranslator, pair_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("plan.btn.no_date"), callback_data=PlanCallback(action=PlanAction.NO_DATE,
                                                                          pair_id=pair_id))
    return builder.as_markup()
