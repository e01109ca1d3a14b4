"""The registry of a programme as the dashboard's table: every participant in one query, then
searched, filtered and sorted here (a programme has a few thousand people at most; a search by
name must fold Cyrillic case, which SQLite's LIKE does not)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.people.participants import nameless
from models import Participation, SurveyResponse, User

SORTS = ("name", "role", "state", "form", "created")
MAX_ROWS = 500  # rows sent to the page at once; the total says how many matched


@dataclass(frozen=True)
class RegistryEntry:
    id: int
    name: str | None
    role: str
    state: str
    form: str | None
    age_group: str
    created_on: date
    profile_complete: bool
    unreachable: bool
    nameless: str = "pending"  # why there is no name (bot.services.people.participants.nameless)


@dataclass(frozen=True)
class RegistryTable:
    rows: list[RegistryEntry]
    matched: int  # rows matching the search and filters (rows holds at most MAX_ROWS of them)
    total: int  # everyone in the programme
    forms: list[str]  # the forms present, for the filter


@dataclass(frozen=True)
class RegistryQuery:
    search: str = ""
    role: str = ""
    state: str = ""
    form: str = ""
    sort: str = "name"
    descending: bool = False

    def sort_key(self) -> Callable[[Sequence[Any]], tuple[str, str, int]]:
        """A key over the query's rows: (id, name, role, state, form, age, created, ...)."""
        column = {"role": 2, "state": 3, "form": 4, "created": 6}.get(self.sort)

        def key(row: Sequence[Any]) -> tuple[str, str, int]:
            name = str(row[1] or "").casefold()
            first = str(row[column] or "") if column is not None else name
            return (first, name, int(row[0]))
        return key


async def registry_table(session: AsyncSession, programme_id: int, timezone: str,
                         query: RegistryQuery) -> RegistryTable:
    zone = ZoneInfo(timezone)
    completed = (select(SurveyResponse.participation_id)
                 .where(SurveyResponse.context == "profile",
                        SurveyResponse.completed_at.is_not(None)).scalar_subquery())
    rows = await session.execute(
        select(Participation.id, Participation.full_name, Participation.role,
               Participation.state, Participation.form, Participation.age_group,
               Participation.created_at, Participation.id.in_(completed), User.unreachable,
               Participation.consent_at.is_not(None))
        .outerjoin(User, User.id == Participation.user_id)
        .where(Participation.programme_id == programme_id))
    everyone = rows.all()
    needle = query.search.strip().casefold()
    # Filter and sort the plain rows; only the rows sent are built (10,000 people, 500 shown).
    found = [row for row in everyone
             if (not needle or needle in (row[1] or "").casefold() or needle == f"#{row[0]}")
             and (not query.role or row[2] == query.role)
             and (not query.state or row[3] == query.state)
             and (not query.form or (row[4] or "") == query.form)]
    found.sort(key=query.sort_key(), reverse=query.descending)
    shown = [RegistryEntry(pid, name, role, state, form, age_group,
                           created.astimezone(zone).date(), bool(done), bool(unreachable),
                           nameless(state, bool(consented)))
             for pid, name, role, state, form, age_group, created, done, unreachable, consented
             in found[:MAX_ROWS]]
    return RegistryTable(shown, len(found), len(everyone),
                         sorted({row[4] for row in everyone if row[4]}))
