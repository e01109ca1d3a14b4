"""Vectorised scoring: sets become boolean matrices, overlaps become matmuls.

Rows are mentees, columns are mentors. Scores match `soft_score` exactly
because both apply the formulas of `scoring.py` in the same operation order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

import numpy as np

from .profiles import (
    DEFAULT_WEIGHTS,
    NO_PREFERENCES,
    MenteeProfile,
    MentorProfile,
    Pair,
    Preferences,
    Weights,
)
from .scoring import availability_part, preference_part

L = TypeVar("L")
R = TypeVar("R")


def _encode(
    left: Sequence[L],
    right: Sequence[R],
    left_sets: Callable[[L], frozenset[str]],
    right_sets: Callable[[R], frozenset[str]],
) -> tuple[np.ndarray, np.ndarray]:
    """One-hot encode two families of sets over their joint vocabulary."""
    sides = ([left_sets(item) for item in left], [right_sets(item) for item in right])
    vocab: dict[str, int] = {}
    for side in sides:
        for words in side:
            for word in words:
                vocab.setdefault(word, len(vocab))
    out = []
    for side in sides:
        mat = np.zeros((len(side), max(len(vocab), 1)), dtype=np.float64)
        for i, words in enumerate(side):
            idx = [vocab[w] for w in words]
            mat[i, idx] = 1.0
        out.append(mat)
    return out[0], out[1]


def _overlap(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    mentee_sets: Callable[[MenteeProfile], frozenset[str]],
    mentor_sets: Callable[[MentorProfile], frozenset[str]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shared-item counts (n_mentees x n_mentors) and both sides' set sizes."""
    a, b = _encode(mentees, mentors, mentee_sets, mentor_sets)
    # Counts are small integers, exact in float64.
    return a @ b.T, a.sum(axis=1), b.sum(axis=1)


def _pair_mask(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    pairs: Collection[Pair],
) -> np.ndarray:
    mask = np.zeros((len(mentees), len(mentors)), dtype=bool)
    if not pairs:
        return mask
    row = {m.id: i for i, m in enumerate(mentees)}
    col = {m.id: j for j, m in enumerate(mentors)}
    for mentor_id, mentee_id in pairs:
        i, j = row.get(mentee_id), col.get(mentor_id)
        if i is not None and j is not None:
            mask[i, j] = True
    return mask


def score_matrix(
    mentors: Sequence[MentorProfile],
    mentees: Sequence[MenteeProfile],
    weights: Weights = DEFAULT_WEIGHTS,
    prefs: Preferences = NO_PREFERENCES,
) -> np.ndarray:
    """Soft scores (hard rules ignored), shape (len(mentees), len(mentors))."""
    shape = (len(mentees), len(mentors))
    if 0 in shape or weights.total <= 0:
        return np.zeros(shape)
    # Accumulate the weighted sum part by part so only a few n x m arrays are
    # alive at once. The operations and their order are those of
    # `scoring.combine`, hence bit-identical results.
    matched, n_req, _ = _overlap(mentees, mentors, lambda e: e.requests, lambda m: m.competencies)
    req = np.divide(matched, n_req[:, None], out=np.zeros(shape), where=n_req[:, None] > 0)
    acc: np.ndarray = weights.requests * req
    del matched, req

    shared, n_a, n_b = _overlap(mentees, mentors, lambda e: e.interests, lambda m: m.interests)
    union = n_a[:, None] + n_b[None, :] - shared
    inter = np.divide(shared, union, out=np.zeros(shape), where=union > 0)
    acc += weights.interests * inter
    del shared, union, inter

    fmt_shared, _, _ = _overlap(mentees, mentors, lambda e: e.formats, lambda m: m.formats)
    acc += weights.format * (fmt_shared > 0).astype(np.float64)
    del fmt_shared

    slots, _, _ = _overlap(mentees, mentors, lambda e: e.availability, lambda m: m.availability)
    acc += weights.availability * availability_part(slots)
    del slots

    by_mentee = _pair_mask(mentees, mentors, prefs.by_mentee).astype(np.float64)
    by_mentor = _pair_mask(mentees, mentors, prefs.by_mentor).astype(np.float64)
    acc += weights.preference * preference_part(by_mentee, by_mentor)
    del by_mentee, by_mentor

    acc *= 100.0
    acc /= weights.total
    return acc


def rule_matrices(
    mentors: Sequence[MentorProfile],
    mentees: Sequence[MenteeProfile],
    excluded: Collection[Pair] = frozenset(),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean (age_ok, other_person, excluded) matrices for one form.

    Callers pass ready mentors and mentees of a single form; capacity is
    handled separately because it is a column property.
    """
    groups = {g: k for k, g in enumerate({e.age_group for e in mentees})}
    accepts = np.zeros((len(mentors), max(len(groups), 1)), dtype=bool)
    for j, m in enumerate(mentors):
        idx = [groups[g] for g in m.age_groups if g in groups]
        accepts[j, idx] = True
    mentee_group = np.array([groups[e.age_group] for e in mentees], dtype=np.intp)
    age_ok = accepts[:, mentee_group].T if len(mentees) else np.zeros((0, len(mentors)), bool)

    mentee_person = np.array([e.person_id for e in mentees], dtype=np.int64)
    mentor_person = np.array([m.person_id for m in mentors], dtype=np.int64)
    other_person = mentee_person[:, None] != mentor_person[None, :]
    return age_ok, other_person, _pair_mask(mentees, mentors, excluded)
