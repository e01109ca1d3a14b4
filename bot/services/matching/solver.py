"""Cohort-wide optimal assignment.

Each mentor is expanded into `capacity` identical slot columns and the
mentee x slot matrix is solved with `scipy.optimize.linear_sum_assignment`
(a shortest-augmenting-path Hungarian variant, exact). Pairs never cross
forms, so every form is solved on its own, smaller matrix.

Objective: first the number of matched mentees, then the total score. Every
eligible pair is worth `match_bonus + score` and an ineligible one 0, where
match_bonus = 100 * (max possible matches + 1). Since a score is at most 100,
k matches can add at most 100 * k < match_bonus, so one extra match always
outweighs any score gain: no eligible mentee is dropped to raise the total.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from .matrix import rule_matrices, score_matrix
from .profiles import (
    DEFAULT_WEIGHTS,
    MenteeProfile,
    MentorProfile,
    Pair,
    Preferences,
    Weights,
)
from .results import (
    UNMATCHED_AGE_GROUP,
    UNMATCHED_CAPACITY_FULL,
    UNMATCHED_EXCLUDED,
    UNMATCHED_NO_MENTOR_FOR_FORM,
    UNMATCHED_NOT_READY,
    UNMATCHED_SAME_PERSON,
    Proposal,
    ProposedPair,
    Unmatched,
)
from .scoring import MAX_SCORE, soft_score


def _check_unique(items: Iterable[MentorProfile | MenteeProfile], what: str) -> None:
    ids = [x.id for x in items]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate {what} ids")


def assign(eligible: np.ndarray, scores: np.ndarray, capacity: np.ndarray) -> list[tuple[int, int]]:
    """Optimal (mentee_row, mentor_col) pairs: max cardinality, then max score."""
    # Drop rows/columns without any eligible pair; cap slots at the number of
    # mentees a mentor could take at all. Both shrink the matrix for free.
    rows = np.flatnonzero(eligible.any(axis=1))
    cols = np.flatnonzero(eligible.any(axis=0) & (capacity > 0))
    if rows.size == 0 or cols.size == 0:
        return []
    elig = eligible[np.ix_(rows, cols)]
    slots = np.minimum(capacity[cols], elig.sum(axis=0))
    slot_col = np.repeat(np.arange(cols.size), slots)
    max_matches = min(rows.size, slot_col.size)
    match_bonus = MAX_SCORE * (max_matches + 1)
    value = scores[np.ix_(rows, cols)]  # a copy: safe to edit in place
    value += match_bonus
    value[~elig] = 0.0
    value = value[:, slot_col]
    from scipy.optimize import linear_sum_assignment  # heavy (~60 MB): only when matching

    r, s = linear_sum_assignment(value, maximize=True)
    c = slot_col[s]
    keep = elig[r, c]
    return list(zip(rows[r[keep]].tolist(), cols[c[keep]].tolist(), strict=True))


def _unmatched_reason(age_ok: np.ndarray, other: np.ndarray, not_excl: np.ndarray) -> str:
    """Why a ready mentee with ready mentors of its form stayed unmatched."""
    if not age_ok.any():
        return UNMATCHED_AGE_GROUP
    fits = age_ok & other
    if not fits.any():
        return UNMATCHED_SAME_PERSON
    if not (fits & not_excl).any():
        return UNMATCHED_EXCLUDED
    # Eligible mentors exist; a maximum matching only leaves this mentee out
    # when all of them are full (or had no capacity to begin with).
    return UNMATCHED_CAPACITY_FULL


def propose(
    mentors: Sequence[MentorProfile],
    mentees: Sequence[MenteeProfile],
    weights: Weights = DEFAULT_WEIGHTS,
    mentee_prefs: Collection[Pair] = frozenset(),
    mentor_prefs: Collection[Pair] = frozenset(),
    excluded: Collection[Pair] = frozenset(),
) -> Proposal:
    """Propose pairs for the whole cohort at once."""
    _check_unique(mentors, "mentor")
    _check_unique(mentees, "mentee")
    prefs = Preferences(frozenset(mentee_prefs), frozenset(mentor_prefs))
    excluded = frozenset(excluded)

    mentor_of: dict[int, int] = {}  # mentee_id -> mentor_id
    reason_of: dict[int, str] = {}
    by_form_mentors: dict[str, list[MentorProfile]] = {}
    for m in mentors:
        if m.ready:
            by_form_mentors.setdefault(m.form, []).append(m)
    by_form_mentees: dict[str, list[MenteeProfile]] = {}
    for e in mentees:
        if not e.ready:
            reason_of[e.id] = UNMATCHED_NOT_READY
        elif e.form not in by_form_mentors:
            reason_of[e.id] = UNMATCHED_NO_MENTOR_FOR_FORM
        else:
            by_form_mentees.setdefault(e.form, []).append(e)

    for form, form_mentees in by_form_mentees.items():
        form_mentors = by_form_mentors[form]
        age_ok, other, excl = rule_matrices(form_mentors, form_mentees, excluded)
        capacity = np.array([m.capacity for m in form_mentors], dtype=np.int64)
        eligible = age_ok & other & ~excl & (capacity > 0)[None, :]
        scores = score_matrix(form_mentors, form_mentees, weights, prefs)
        for i, j in assign(eligible, scores, capacity):
            mentor_of[form_mentees[i].id] = form_mentors[j].id
        for i, e in enumerate(form_mentees):
            if e.id not in mentor_of:
                reason_of[e.id] = _unmatched_reason(age_ok[i], other[i], ~excl[i])

    mentor_by_id = {m.id: m for m in mentors}
    pairs: list[ProposedPair] = []
    unmatched: list[Unmatched] = []
    for e in mentees:  # keep the caller's mentee order
        if e.id in mentor_of:
            # Only the chosen pairs need reasons; the scalar path is cheap here
            # and agrees with the matrix scores.
            ps = soft_score(mentor_by_id[mentor_of[e.id]], e, weights, prefs)
            pairs.append(ProposedPair(mentor_of[e.id], e.id, ps.score, ps.reasons))
        else:
            unmatched.append(Unmatched(e.id, reason_of[e.id]))
    return Proposal(pairs=pairs, unmatched=unmatched)
