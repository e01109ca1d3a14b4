"""Input records for the matching engine; the database layer builds them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MentorProfile:
    id: int
    form: str
    ready: bool
    age_groups: frozenset[str]  # age groups of mentees the mentor accepts
    capacity: int  # remaining capacity, current mentees already subtracted
    competencies: frozenset[str]
    interests: frozenset[str]
    formats: frozenset[str]  # "offline", "online"
    availability: frozenset[str]  # slots such as "mon_pm", "sat_am"
    person_id: int  # the human behind the role; nobody mentors themselves


@dataclass(frozen=True)
class MenteeProfile:
    id: int
    form: str
    ready: bool
    age_group: str
    requests: frozenset[str]
    interests: frozenset[str]
    formats: frozenset[str]
    availability: frozenset[str]
    person_id: int


@dataclass(frozen=True)
class Weights:
    """Relative weights of the soft-score parts; only their ratios matter."""

    requests: float = 5.0
    interests: float = 2.0
    format: float = 1.5
    availability: float = 1.5
    preference: float = 3.0

    def __post_init__(self) -> None:
        for name in ("requests", "interests", "format", "availability", "preference"):
            if getattr(self, name) < 0:
                raise ValueError(f"weight {name!r} must be non-negative")

    @property
    def total(self) -> float:
        return self.requests + self.interests + self.format + self.availability + self.preference


Pair = tuple[int, int]  # (mentor_id, mentee_id)


@dataclass(frozen=True)
class Preferences:
    """Pairs (mentor_id, mentee_id) named by the mentee and by the mentor."""

    by_mentee: frozenset[Pair] = field(default_factory=frozenset)
    by_mentor: frozenset[Pair] = field(default_factory=frozenset)


DEFAULT_WEIGHTS = Weights()
NO_PREFERENCES = Preferences()
