"""Builders and a brute-force reference solver for the matching tests."""

from __future__ import annotations

from functools import cache

from bot.services.matching import (
    MenteeProfile,
    MentorProfile,
    Preferences,
    Weights,
    hard_rule_failure,
    soft_score,
)


def mentor(id: int = 1, **kw) -> MentorProfile:
    base = dict(
        form="teacher_student",
        ready=True,
        age_groups=frozenset({"5-9"}),
        capacity=1,
        competencies=frozenset(),
        interests=frozenset(),
        formats=frozenset({"online"}),
        availability=frozenset(),
        person_id=id,
    )
    base.update(kw)
    return MentorProfile(id=id, **base)


def mentee(id: int = 1, **kw) -> MenteeProfile:
    base = dict(
        form="teacher_student",
        ready=True,
        age_group="5-9",
        requests=frozenset(),
        interests=frozenset(),
        formats=frozenset({"online"}),
        availability=frozenset(),
        person_id=10_000 + id,
    )
    base.update(kw)
    return MenteeProfile(id=id, **base)


def brute_force(
    mentors, mentees, weights: Weights, prefs: Preferences, excluded
) -> tuple[int, float]:
    """(max number matched, best total score among maximum matchings), by DP
    over mentees with the remaining capacities as state."""
    options = []
    for e in mentees:
        opts = []
        for j, m in enumerate(mentors):
            if hard_rule_failure(m, e, excluded) is None:
                opts.append((j, soft_score(m, e, weights, prefs).score))
        options.append(opts)

    @cache
    def best(i: int, caps: tuple[int, ...]) -> tuple[int, float]:
        if i == len(mentees):
            return (0, 0.0)
        result = best(i + 1, caps)  # leave mentee i unmatched
        for j, score in options[i]:
            if caps[j] > 0:
                rest = best(i + 1, caps[:j] + (caps[j] - 1,) + caps[j + 1 :])
                cand = (rest[0] + 1, rest[1] + score)
                if cand > result:
                    result = cand
        return result

    return best(0, tuple(max(m.capacity, 0) for m in mentors))


def expected_reason(e: MenteeProfile, mentors, excluded) -> str:
    """Reference unmatched reason, derived from hard_rule_failure alone."""
    if not e.ready:
        return "not_ready"
    same_form = [m for m in mentors if m.ready and m.form == e.form]
    if not same_form:
        return "no_mentor_for_form"
    failures = {hard_rule_failure(m, e, excluded) for m in same_form}
    if failures <= {"age_group"}:
        return "age_group"
    if failures <= {"age_group", "same_person"}:
        return "same_person"
    if failures <= {"age_group", "same_person", "excluded"}:
        return "excluded"
    return "capacity_full"
