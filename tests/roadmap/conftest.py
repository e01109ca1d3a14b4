"""The roadmaps the tests read: the project's own fixtures (tests/roadmap/fixtures/, always
there) and, as an extra when a checkout has them beside it, the real seed roadmaps of
../shared/seeds. Each own fixture has the shapes of one seed: `college` of 000 (page breaks
splitting rows, deadlines «до …», «в течение года», «ежеквартально»), `school` of 001 (an
approval block, a content column, a row spilling over a page break in three columns, no result
column) and `village` of 002 (it starts mid-table without a header, HTML lists in cells, nested
sections, people named with initials after the surname). A test of a seed is skipped, with the
reason, when ../shared/seeds is not there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
# The CI clone keeps shared/ next to the repository root; so does /work for the worktrees.
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@dataclass(frozen=True)
class Roadmap:
    path: Path
    period: tuple[date, date]


ROADMAPS = {
    "college": Roadmap(FIXTURES_DIR / "college_2024.txt", (date(2024, 1, 1), date(2024, 12, 31))),
    "school": Roadmap(FIXTURES_DIR / "school_2024_25.txt", (date(2024, 8, 1), date(2025, 6, 30))),
    "village": Roadmap(FIXTURES_DIR / "village_2023_24.txt",
                       (date(2023, 9, 1), date(2024, 8, 31))),
    "000": Roadmap(SEEDS_DIR / "000_8096842a37d82f7a.txt", (date(2021, 1, 1), date(2021, 12, 31))),
    "001": Roadmap(SEEDS_DIR / "001_acd0a0d736455b51.txt", (date(2022, 8, 1), date(2023, 6, 30))),
    "002": Roadmap(SEEDS_DIR / "002_16509732483f33d4.txt", (date(2020, 9, 1), date(2021, 8, 31))),
}
OWN = ("college", "school", "village")
SEEDS = ("000", "001", "002")
ALL = (*OWN, *SEEDS)


def roadmap_path(key: str) -> Path:
    path = ROADMAPS[key].path
    if not path.is_file():
        pytest.skip(f"seed roadmap {path.name} not found in {SEEDS_DIR} (an optional extra: the "
                    "project's own fixtures cover the same shapes)")
    return path


@pytest.fixture(scope="session")
def seed():
    """seed("001") -> (file name, bytes, period); skips when a seed is not there."""

    def load(key: str) -> tuple[str, bytes, tuple[date, date]]:
        path = roadmap_path(key)
        return path.name, path.read_bytes(), ROADMAPS[key].period

    return load
