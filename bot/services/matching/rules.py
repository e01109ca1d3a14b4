"""Hard rules: a pair breaking any of them is never proposed."""

from __future__ import annotations

from collections.abc import Collection

from .profiles import MenteeProfile, MentorProfile, Pair
from .results import (
    FAIL_AGE_GROUP,
    FAIL_CAPACITY,
    FAIL_EXCLUDED,
    FAIL_FORM,
    FAIL_NOT_READY,
    FAIL_SAME_PERSON,
)


def hard_rule_failure(
    mentor: MentorProfile,
    mentee: MenteeProfile,
    excluded: Collection[Pair] = frozenset(),
) -> str | None:
    """Return the code of the first hard rule the pair breaks, or None."""
    if mentor.form != mentee.form:
        return FAIL_FORM
    if not (mentor.ready and mentee.ready):
        return FAIL_NOT_READY
    if mentee.age_group not in mentor.age_groups:
        return FAIL_AGE_GROUP
    if mentor.person_id == mentee.person_id:
        return FAIL_SAME_PERSON
    if (mentor.id, mentee.id) in excluded:
        return FAIL_EXCLUDED
    if mentor.capacity <= 0:
        return FAIL_CAPACITY
    return None
