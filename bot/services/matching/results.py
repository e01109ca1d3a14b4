"""Output records of the matching engine.

Reasons are codes plus data, never sentences: the bot localises them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

# Reason codes of a pair's score.
REQUESTS_COMPETENCIES = "requests_competencies"
SHARED_INTERESTS = "shared_interests"
FORMAT = "format"
AVAILABILITY = "availability"
MUTUAL_PREFERENCE = "mutual_preference"
MENTEE_PREFERENCE = "mentee_preference"
MENTOR_PREFERENCE = "mentor_preference"

# Hard-rule failure codes (hard_rule_failure, check_manual_pair).
FAIL_FORM = "form"
FAIL_NOT_READY = "not_ready"
FAIL_AGE_GROUP = "age_group"
FAIL_SAME_PERSON = "same_person"
FAIL_EXCLUDED = "excluded"
FAIL_CAPACITY = "capacity"

# Why a mentee stayed unmatched (Unmatched.reason).
UNMATCHED_NOT_READY = "not_ready"
UNMATCHED_NO_MENTOR_FOR_FORM = "no_mentor_for_form"
UNMATCHED_AGE_GROUP = "age_group"
UNMATCHED_SAME_PERSON = "same_person"  # the only age-fitting mentor is the mentee themself
UNMATCHED_EXCLUDED = "excluded"
UNMATCHED_CAPACITY_FULL = "capacity_full"


def shown_score(score: float) -> int:
    """The score people see and a pair keeps: a whole number, rounded half up once, so the
    /match draft, the candidate lists, the manual check and the pair's card show one number
    (rounding a stored 63.5 again gave 64 where the draft had said 63)."""
    return math.floor(score + 0.5)


@dataclass(frozen=True)
class Reason:
    code: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PairScore:
    score: float  # 0..100
    reasons: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class ProposedPair:
    mentor_id: int
    mentee_id: int
    score: float
    reasons: list[Reason]


@dataclass(frozen=True)
class Unmatched:
    mentee_id: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]

    @property
    def total_score(self) -> float:
        return sum(p.score for p in self.pairs)


class RankedMentor(NamedTuple):
    mentor_id: int
    score: float
    reasons: list[Reason]


class ManualPairCheck(NamedTuple):
    failure: str | None
    pair_score: PairScore | None
    low_score: bool
