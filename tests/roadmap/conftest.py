"""Shared fixtures: the real seed roadmaps and their programme periods."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

# The CI clone keeps shared/ next to the repository root; so does /work for the worktrees.
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

SEEDS = {
    "000": ("000_8096842a37d82f7a.txt", (date(2021, 1, 1), date(2021, 12, 31))),
    "001": ("001_acd0a0d736455b51.txt", (date(2022, 8, 1), date(2023, 6, 30))),
    "002": ("002_16509732483f33d4.txt", (date(2020, 9, 1), date(2021, 8, 31))),
}


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS_DIR.is_dir(), f"seed roadmaps not found at {SEEDS_DIR}"
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed(seeds_dir: Path):
    """seed("001") -> (file name, bytes, period)."""

    def load(key: str) -> tuple[str, bytes, tuple[date, date]]:
        name, period = SEEDS[key]
        return name, (seeds_dir / name).read_bytes(), period

    return load
