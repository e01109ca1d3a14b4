"""Helpers for curator actions: swapping a mentor, adding a pair by hand."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .profiles import (
    DEFAULT_WEIGHTS,
    MenteeProfile,
    MentorProfile,
    Pair,
    Preferences,
    Weights,
)
from .results import ManualPairCheck, RankedMentor
from .rules import hard_rule_failure
from .scoring import soft_score

# Below this score a manual pair is flagged to the curator as a weak fit.
LOW_SCORE = 30.0


def rank_mentors_for(
    mentee: MenteeProfile,
    mentors: Sequence[MentorProfile],
    weights: Weights = DEFAULT_WEIGHTS,
    mentee_prefs: Collection[Pair] = frozenset(),
    mentor_prefs: Collection[Pair] = frozenset(),
    excluded: Collection[Pair] = frozenset(),
) -> list[RankedMentor]:
    """Mentors passing the hard rules for this mentee, best score first."""
    prefs = Preferences(frozenset(mentee_prefs), frozenset(mentor_prefs))
    ranked = []
    for m in mentors:
        if hard_rule_failure(m, mentee, excluded) is None:
            ps = soft_score(m, mentee, weights, prefs)
            ranked.append(RankedMentor(m.id, ps.score, ps.reasons))
    ranked.sort(key=lambda r: (-r.score, r.mentor_id))
    return ranked


def check_manual_pair(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    weights: Weights = DEFAULT_WEIGHTS,
    mentee_prefs: Collection[Pair] = frozenset(),
    mentor_prefs: Collection[Pair] = frozenset(),
    excluded: Collection[Pair] = frozenset(),
) -> ManualPairCheck:
    """(failure code, score, low_score) for a pair the curator adds by hand.

    Hard rules still apply: on failure there is no score to show.
    """
    failure = hard_rule_failure(mentor, mentee, excluded)
    if failure is not None:
        return ManualPairCheck(failure, None, False)
    ps = soft_score(
        mentor, mentee, weights, Preferences(frozenset(mentee_prefs), frozenset(mentor_prefs))
    )
    return ManualPairCheck(None, ps, ps.score < LOW_SCORE)
