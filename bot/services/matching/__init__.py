"""Matching engine: proposes mentor-mentee pairs for a whole cohort.

Pure service: plain dataclasses in, plain dataclasses out; no Telegram, no DB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .profiles import MenteeProfile, MentorProfile, Preferences, Weights
from .results import (
    ManualPairCheck,
    PairScore,
    Proposal,
    ProposedPair,
    RankedMentor,
    Reason,
    Unmatched,
    shown_score,
)
from .rules import hard_rule_failure

if TYPE_CHECKING:
    from .curator import LOW_SCORE, check_manual_pair, rank_mentors_for
    from .matrix import score_matrix
    from .scoring import score_pair, soft_score
    from .solver import propose

# The scoring needs numpy (~16 MB of memory): loaded when first used, not with the bot.
_LAZY = {"LOW_SCORE": "curator", "check_manual_pair": "curator", "rank_mentors_for": "curator",
         "score_matrix": "matrix", "score_pair": "scoring", "soft_score": "scoring",
         "propose": "solver"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

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
    "shown_score",
    "score_pair",
    "soft_score",
]
