"""Matching engine: proposes mentor-mentee pairs for a whole cohort.

Pure service: plain dataclasses in, plain dataclasses out; no Telegram, no DB.
"""

from .curator import LOW_SCORE, check_manual_pair, rank_mentors_for
from .matrix import score_matrix
from .profiles import MenteeProfile, MentorProfile, Preferences, Weights
from .results import (
    ManualPairCheck,
    PairScore,
    Proposal,
    ProposedPair,
    RankedMentor,
    Reason,
    Unmatched,
)
from .rules import hard_rule_failure
from .scoring import score_pair, soft_score
from .solver import propose

__all__ = [
    "LOW_SCORE",
    "ManualPairCheck",
    "MenteeProfile",
    "MentorProfile",
    "PairScore",
    "Preferences",
    "Proposal",
    "ProposedPair",
    "RankedMentor",
    "Reason",
    "Unmatched",
    "Weights",
    "check_manual_pair",
    "hard_rule_failure",
    "propose",
    "rank_mentors_for",
    "score_matrix",
    "score_pair",
    "soft_score",
]
