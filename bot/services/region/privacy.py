"""What a regional coordinator may see of a group of people: counts, shares and averages, with
every group under SMALL_GROUP people shown as «<5» so no one in a small group can be recognised.

Applied to counts of people and of pairs (a pair is two people), to shares whose whole is such
a count and to averages over fewer than SMALL_GROUP answers. Zero stays zero (it names nobody);
counts of things that are not people (meetings, roadmap items, programmes) are shown as they
are. This is primary suppression only: a total and all but one of its parts could still give
that part away, so the figures shown never pair a total with a full breakdown of one small
group (each breakdown is of the whole region, where groups are large)."""

from __future__ import annotations

SMALL_GROUP = 5
SUPPRESSED = "<5"

Shown = int | float | str | None  # a number, «<5», or None (nothing to show: no one at all)


def count(value: int) -> int | str:
    """A number of people (or pairs): «<5» for 1..4."""
    return SUPPRESSED if 0 < value < SMALL_GROUP else value


def share(part: int, whole: int) -> float | str | None:
    """part / whole (0..1); None when the whole is 0; «<5» when the whole or the part is a small
    group (a share of a shown whole would give the part's count away)."""
    if whole <= 0:
        return None
    if whole < SMALL_GROUP or 0 < part < SMALL_GROUP:
        return SUPPRESSED
    return part / whole


def mean(total: float, answers: int, people: int | None = None) -> float | str | None:
    """An average over `answers` answers given by `people` people (default: one answer each);
    «<5» when fewer than SMALL_GROUP people answered."""
    people = answers if people is None else people
    if answers <= 0 or people <= 0:
        return None
    if people < SMALL_GROUP:
        return SUPPRESSED
    return total / answers


def is_suppressed(value: Shown) -> bool:
    return value == SUPPRESSED
