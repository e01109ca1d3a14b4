"""What people type, read one way everywhere: a calendar date as dd.mm.yyyy."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.errors import DomainError

FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_date(text: str | None, error_key: str) -> date:
    """dd.mm.yyyy (also d.m.yyyy), years 2000–2100; anything else, or a day that does not exist,
    raises DomainError(error_key)."""
    try:
        value = datetime.strptime((text or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        raise DomainError(error_key) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise DomainError(error_key)
    return value
