"""Soft score of one pair, normalised to 0..100.

score = 100 * sum(weight_k * part_k) / sum(weights), every part in 0..1:
  requests     share of the mentee's requests covered by the competencies
  interests    Jaccard similarity of the interests
  format       1 if they share a format (offline/online)
  availability shared slots, saturating at AVAILABILITY_ENOUGH
  preference   0.4 if one side named the other, 1.0 if both did

The vectorised path in `matrix.py` repeats this arithmetic in the same
order (`combine`, the part formulas), so both give bit-identical scores;
keep them in step (tests compare them with ==).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypeVar

from .profiles import (
    DEFAULT_WEIGHTS,
    NO_PREFERENCES,
    MenteeProfile,
    MentorProfile,
    Pair,
    Preferences,
    Weights,
)
from .results import (
    AVAILABILITY,
    FORMAT,
    MENTEE_PREFERENCE,
    MENTOR_PREFERENCE,
    MUTUAL_PREFERENCE,
    REQUESTS_COMPETENCIES,
    SHARED_INTERESTS,
    PairScore,
    Reason,
)
from .rules import hard_rule_failure

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# A part of the score: one pair's (a float) or every pair's (an array, matrix.py).
Part = TypeVar("Part", float, "NDArray[np.float64]")

# Shared slots after which availability counts as fully fitting: a pair needs
# a regular meeting time, not identical calendars.
AVAILABILITY_ENOUGH = 2
# Preference part: one side naming the other gives 0.4, both give 1.0, so a
# mutual choice is worth more than the two one-sided ones added up.
ONE_SIDED_PREFERENCE = 0.4
MUTUAL_EXTRA = 0.2
MAX_REASONS = 3
MAX_SCORE = 100.0


def combine(w: Weights, requests: float, interests: float, fmt: float, availability: float,
            preference: float) -> float:
    """Weighted mean of the parts (each 0..1) scaled to 0..100.

    matrix.py repeats it on arrays; keep the operation order fixed.
    """
    total = w.total
    if total <= 0:
        return requests * 0.0
    weighted = (
        w.requests * requests
        + w.interests * interests
        + w.format * fmt
        + w.availability * availability
        + w.preference * preference
    )
    return weighted * 100.0 / total


def preference_part(by_mentee: Part, by_mentor: Part) -> Part:
    """by_mentee/by_mentor are 0.0/1.0 (floats or arrays)."""
    return (
        ONE_SIDED_PREFERENCE * by_mentee
        + ONE_SIDED_PREFERENCE * by_mentor
        + MUTUAL_EXTRA * (by_mentee * by_mentor)
    )


def availability_part(shared: Part) -> Part:
    import numpy as np  # here, not at import: the bot loads scoring without needing numpy

    part: Part = np.minimum(shared, AVAILABILITY_ENOUGH) / AVAILABILITY_ENOUGH  # float64 for a float
    return part


def _ratio(num: int, den: int) -> float:
    return float(num) / float(den) if den > 0 else 0.0


def soft_score(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    weights: Weights = DEFAULT_WEIGHTS,
    prefs: Preferences = NO_PREFERENCES,
) -> PairScore:
    """Score a pair ignoring the hard rules."""
    matched = mentee.requests & mentor.competencies
    shared_interests = mentee.interests & mentor.interests
    shared_formats = mentee.formats & mentor.formats
    shared_slots = mentee.availability & mentor.availability
    key = (mentor.id, mentee.id)
    by_mentee = 1.0 if key in prefs.by_mentee else 0.0
    by_mentor = 1.0 if key in prefs.by_mentor else 0.0

    # Coverage of the mentee's requests: what they asked for is the main part.
    req = _ratio(len(matched), len(mentee.requests))
    interests_union = len(mentee.interests) + len(mentor.interests) - len(shared_interests)
    inter = _ratio(len(shared_interests), interests_union)  # Jaccard
    fmt = 1.0 if shared_formats else 0.0
    avail = availability_part(float(len(shared_slots)))
    pref = preference_part(by_mentee, by_mentor)
    score = float(combine(weights, req, inter, fmt, avail, pref))

    if by_mentee and by_mentor:
        pref_code = MUTUAL_PREFERENCE
    elif by_mentee:
        pref_code = MENTEE_PREFERENCE
    else:
        pref_code = MENTOR_PREFERENCE
    candidates = [
        (weights.requests * req, Reason(REQUESTS_COMPETENCIES, tuple(sorted(matched)))),
        (weights.interests * inter, Reason(SHARED_INTERESTS, tuple(sorted(shared_interests)))),
        (weights.format * fmt, Reason(FORMAT, tuple(sorted(shared_formats)))),
        (weights.availability * avail, Reason(AVAILABILITY, tuple(sorted(shared_slots)))),
        (weights.preference * pref, Reason(pref_code)),
    ]
    # Stable sort: equal contributions keep the order above.
    strongest = sorted((c for c in candidates if c[0] > 0), key=lambda c: -c[0])
    return PairScore(score=score, reasons=[r for _, r in strongest[:MAX_REASONS]])


def score_pair(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    weights: Weights = DEFAULT_WEIGHTS,
    prefs: Preferences = NO_PREFERENCES,
    excluded: Collection[Pair] = frozenset(),
) -> PairScore | None:
    """Soft score of a pair, or None when a hard rule fails."""
    if hard_rule_failure(mentor, mentee, excluded) is not None:
        return None
    return soft_score(mentor, mentee, weights, prefs)
