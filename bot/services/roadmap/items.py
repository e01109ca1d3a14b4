"""A programme's roadmap in the database: drafts of an import, confirming them (re-import
updates items instead of duplicating them), lists by status, a person's own items and the
queries of the curator's digest.

Drafts hold the parsed document and the proposed mapping of people as JSON, so a preview
survives a restart and is only written into items when the curator confirms."""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.notices import outbox
from bot.services.roadmap import RoadmapFormatError, notes, parse_deadline
from bot.services.roadmap.isolation import parse_isolated
from bot.services.roadmap.limits import RoadmapLimitError
from bot.services.roadmap.people import HELD_ROLES, Person, match_all
from bot.services.roadmap.schedule import NEVER_REMIND, next_occurrence
from models import (
    Curator,
    Participation,
    ParticipationState,
    Programme,
    RoadmapDraft,
    RoadmapItem,
    RoadmapResponsible,
    RoadmapSettings,
    RoadmapStatus,
)
from models.base import utcnow

logger = logging.getLogger("mentorbot.roadmap")

MAX_FILE_BYTES = 2 * 1024 * 1024
EXTENSIONS = (".docx", ".xlsx", ".csv", ".txt", ".tsv")
MAX_ITEMS = 300
DEFAULT_OFFSETS = [7, 1, 0]
BUCKETS = ("upcoming", "overdue", "done", "undated")


def normalise_title(title: str) -> str:
    text = title.lower().replace("ё", "е")
    return re.sub(r"[^\w]+", " ", text).strip()[:200]


def _key(number: str | None, title: str) -> str:
    return f"n:{number}" if number else f"t:{normalise_title(title)}"


# --- drafts -----------------------------------------------------------------------------------


def check_upload(filename: str | None, size: int | None) -> str:
    name = filename or "roadmap.txt"
    if not name.lower().endswith(EXTENSIONS):
        raise DomainError("roadmap.error.format", formats=", ".join(EXTENSIONS))
    if size is not None and size > MAX_FILE_BYTES:
        raise DomainError("roadmap.error.too_big", mb=MAX_FILE_BYTES // (1024 * 1024))
    return name


async def programme_people(session: AsyncSession, programme: Programme) -> list[Person]:
    participants = await session.scalars(select(Participation).where(
        Participation.programme_id == programme.id,
        Participation.state != ParticipationState.WITHDRAWN,
        Participation.full_name.is_not(None)))
    curators = await session.scalars(select(Curator).where(
        Curator.organisation_id == programme.organisation_id, Curator.full_name.is_not(None)))
    return ([Person("participation", p.id, p.full_name or "") for p in participants]
            + [Person("curator", c.id, c.full_name or "") for c in curators])


async def create_draft(session: AsyncSession, programme: Programme, user_id: int,
                       content: bytes, filename: str) -> RoadmapDraft:
    """Parse a document (or pasted text) into a draft; nothing is written into items yet."""
    if len(content) > MAX_FILE_BYTES:
        raise DomainError("roadmap.error.too_big", mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        # In a worker process with limits on size, rows, time and memory: a hostile or huge
        # file must not freeze the bot for everybody (bot/services/roadmap/isolation.py).
        parsed = await parse_isolated(content, filename,
                                      (programme.starts_on, programme.ends_on))
    except RoadmapLimitError as exc:
        logger.info("roadmap upload refused: over the %s limit", exc.kind)
        raise DomainError(f"roadmap.limit.{exc.kind}", **exc.params) from exc
    except (RoadmapFormatError, ValueError) as exc:
        raise DomainError("roadmap.error.unreadable") from exc
    if not parsed.items:
        raise DomainError("roadmap.error.no_items")
    if len(parsed.items) > MAX_ITEMS:
        raise DomainError("roadmap.error.too_many", max=MAX_ITEMS)
    items: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for item in parsed.items:
        data = item.to_json()
        data["kind"] = item.deadline.kind
        data["warnings"] = [notes.stored(w) for w in item.warnings]  # codes, translated when shown
        key = _key(item.number, item.title)
        seen[key] = seen.get(key, 0) + 1
        data["match_key"] = key if seen[key] == 1 else f"{key}#{seen[key]}"
        items.append(data)
    entries = [r for item in parsed.items for r in item.responsible]
    matches = match_all(entries, await programme_people(session, programme))
    people = []
    for raw, match in matches.items():
        people.append({
            "raw": raw, "kind": match.kind, "role": match.role,
            "candidates": [[p.kind, p.id, p.full_name] for p in match.candidates],
            # A single candidate or a role is proposed; the curator confirms by saving.
            "choice": 0 if match.confident and match.kind == "person" else None,
        })
    await session.execute(delete(RoadmapDraft).where(RoadmapDraft.user_id == user_id,
                                                     RoadmapDraft.programme_id == programme.id))
    draft = RoadmapDraft(programme_id=programme.id, user_id=user_id, filename=filename[:255],
                         payload={"items": items, "people": people,
                                  "warnings": [notes.stored(w) for w in parsed.warnings]})
    session.add(draft)
    await session.flush()
    return draft


async def require_draft(session: AsyncSession, user_id: int | None, draft_id: int) -> RoadmapDraft:
    from bot.services.people import access

    draft = await session.get(RoadmapDraft, draft_id)
    if draft is None or draft.user_id != user_id:
        raise AccessDenied()
    await access.require_curator(session, user_id, draft.programme_id)
    return draft


def _save_payload(draft: RoadmapDraft, payload: dict[str, Any]) -> None:
    # A new object (the caller deep-copied): a JSON column only notices reassignment, and an
    # in-place change would compare equal to the loaded value and never be written.
    draft.payload = payload


def fix_deadline(draft: RoadmapDraft, programme: Programme, index: int, text: str) -> dict:
    payload = copy.deepcopy(draft.payload)
    if not 0 <= index < len(payload["items"]):
        raise AccessDenied()
    deadline = parse_deadline(text, (programme.starts_on, programme.ends_on))
    if not deadline.is_dated:
        raise DomainError("roadmap.error.deadline")
    item = dict(payload["items"][index])
    item.update(deadline_text=deadline.text, start=deadline.start.isoformat(),
                end=deadline.end.isoformat(), kind=deadline.kind,
                recurrence=deadline.recurrence, fixed=True)
    payload["items"][index] = item
    _save_payload(draft, payload)
    return item


def choose_person(draft: RoadmapDraft, index: int, choice: int | None) -> dict:
    payload = copy.deepcopy(draft.payload)
    if not 0 <= index < len(payload["people"]):
        raise AccessDenied()
    entry = dict(payload["people"][index])
    if choice is not None and not 0 <= choice < len(entry["candidates"]):
        raise AccessDenied()
    entry["choice"] = choice
    payload["people"][index] = entry
    _save_payload(draft, payload)
    return entry


@dataclass(frozen=True)
class DraftDiff:
    new: int
    updated: int
    removed: list[tuple[str | None, str]]  # (number, title) of items gone from the document


async def _current(session: AsyncSession, programme_id: int) -> list[RoadmapItem]:
    return list((await session.scalars(select(RoadmapItem).where(
        RoadmapItem.programme_id == programme_id,
        RoadmapItem.status != RoadmapStatus.REMOVED).order_by(RoadmapItem.position))).all())


def _pair(existing: list[RoadmapItem], items: list[dict[str, Any]]
          ) -> tuple[list[RoadmapItem | None], list[RoadmapItem]]:
    """For each new item the existing row it updates (by number, else by title)."""
    free = list(existing)
    by_key = {row.match_key: row for row in existing}
    result: list[RoadmapItem | None] = []
    for item in items:
        row = by_key.get(item["match_key"])
        if row is None or row not in free:
            title = normalise_title(item["title"])
            row = next((r for r in free if normalise_title(r.title) == title), None)
        if row is not None:
            free.remove(row)
        result.append(row)
    return result, free


async def diff(session: AsyncSession, draft: RoadmapDraft) -> DraftDiff:
    existing = await _current(session, draft.programme_id)
    pairs, gone = _pair(existing, draft.payload["items"])
    updated = sum(1 for p in pairs if p is not None)
    return DraftDiff(len(pairs) - updated, updated, [(r.number, r.title) for r in gone])


def _responsibles(item: dict[str, Any], people: dict[str, dict[str, Any]]
                  ) -> list[RoadmapResponsible]:
    rows = []
    for raw in item["responsible"]:
        entry = people.get(raw, {"kind": "unknown"})
        row = RoadmapResponsible(raw=raw[:255], confirmed=False)
        if entry["kind"] == "role":
            row.role, row.confirmed = entry["role"], True
        elif entry["kind"] == "person" and entry.get("choice") is not None:
            kind, person_id, _ = entry["candidates"][entry["choice"]]
            if kind == "participation":
                row.participation_id = person_id
            else:
                row.curator_id = person_id
            row.confirmed = True
        rows.append(row)
    return rows


async def confirm_draft(session: AsyncSession, draft: RoadmapDraft,
                        now: datetime | None = None) -> DraftDiff:
    """Write the draft into items: update matched ones, add new ones, mark missing ones
    removed (and stop their reminders)."""
    now = now or utcnow()
    existing = await _current(session, draft.programme_id)
    items = draft.payload["items"]
    pairs, gone = _pair(existing, items)
    for row in gone:
        row.status = RoadmapStatus.REMOVED
        row.match_key = f"x{row.id}:{row.match_key}"[:255]  # frees the key for new items
        await outbox.cancel(session, dedupe_prefix=f"roadmap:{row.id}:")
    await session.flush()
    people = {p["raw"]: p for p in draft.payload["people"]}
    new = 0
    for position, (item, row) in enumerate(zip(items, pairs, strict=True)):
        if row is None:
            row = RoadmapItem(programme_id=draft.programme_id, status=RoadmapStatus.UPCOMING)
            session.add(row)
            new += 1
        else:
            await session.execute(delete(RoadmapResponsible).where(
                RoadmapResponsible.item_id == row.id))
            if (row.ends_on, row.kind) != (_day(item["end"]), item["kind"]):
                await outbox.cancel(session, dedupe_prefix=f"roadmap:{row.id}:")
        row.match_key = item["match_key"]
        row.position = position
        row.number = item["number"]
        row.section = item["section"]
        row.title = item["title"]
        row.content = item["content"]
        row.deadline_text = item["deadline_text"] or ""
        row.starts_on, row.ends_on = _day(item["start"]), _day(item["end"])
        row.kind = item["kind"]
        row.recurrence = item["recurrence"]
        row.result = item["result"]
        row.responsible_text = ", ".join(item["responsible"])
        await session.flush()
        for responsible in _responsibles(item, people):
            responsible.item_id = row.id
            session.add(responsible)
    settings = await session.get(RoadmapSettings, draft.programme_id)
    if settings is None:
        settings = RoadmapSettings(programme_id=draft.programme_id,
                                   reminder_offsets=list(DEFAULT_OFFSETS))
        session.add(settings)
    settings.imported_at = now
    result = DraftDiff(new, len(items) - new, [(r.number, r.title) for r in gone])
    await session.delete(draft)
    await session.flush()
    return result


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- views ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    id: int
    programme_id: int
    number: str | None
    title: str
    deadline_text: str
    starts_on: date | None
    ends_on: date | None
    kind: str
    recurrence: str | None
    status: str
    responsible_text: str
    done_comment: str | None
    has_file: bool
    next_date: date | None  # the next deadline (next occurrence of a recurring item)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


def view(row: RoadmapItem, period: tuple[date, date] | None, today: date | None = None
         ) -> ItemView:
    next_date = next_occurrence(row.kind, row.recurrence, row.starts_on, row.ends_on, period,
                                today) if today else row.ends_on
    return ItemView(row.id, row.programme_id, row.number, row.title, row.deadline_text,
                    row.starts_on, row.ends_on, row.kind, row.recurrence, row.status,
                    row.responsible_text, row.done_comment, bool(row.done_file_id), next_date)


def bucket_of(item: ItemView, today: date) -> str:
    if item.status == RoadmapStatus.DONE:
        return "done"
    if item.kind in NEVER_REMIND or item.ends_on is None:
        return "undated"
    if item.next_date is None or item.next_date < today:
        return "overdue"
    return "upcoming"


async def programme_items(session: AsyncSession, programme: Programme, today: date
                          ) -> list[ItemView]:
    period = (programme.starts_on, programme.ends_on)
    return [view(r, period, today) for r in await _current(session, programme.id)]


async def by_bucket(session: AsyncSession, programme: Programme, today: date
                    ) -> dict[str, list[ItemView]]:
    result: dict[str, list[ItemView]] = {b: [] for b in BUCKETS}
    for item in await programme_items(session, programme, today):
        result[bucket_of(item, today)].append(item)
    result["upcoming"].sort(key=lambda i: (i.next_date or date.max))
    result["overdue"].sort(key=lambda i: (i.next_date or date.min))
    return result


async def overdue_items(session: AsyncSession, programme_id: int, today: date) -> list[ItemView]:
    """Items whose (last) deadline passed without being marked done; one query."""
    rows = await session.execute(
        select(RoadmapItem, Programme.starts_on, Programme.ends_on)
        .join(Programme, Programme.id == RoadmapItem.programme_id)
        .where(RoadmapItem.programme_id == programme_id,
               RoadmapItem.status == RoadmapStatus.UPCOMING,
               RoadmapItem.kind.not_in(NEVER_REMIND), RoadmapItem.ends_on < today)
        .order_by(RoadmapItem.ends_on, RoadmapItem.position))
    return [view(row, (start, end), today) for row, start, end in rows]


async def upcoming_items(session: AsyncSession, programme_id: int, today: date,
                         days: int = 14) -> list[ItemView]:
    """Items with a deadline (or a recurring item's next occurrence) within `days`; one query."""
    horizon = today + timedelta(days=days)
    rows = await session.execute(
        select(RoadmapItem, Programme.starts_on, Programme.ends_on)
        .join(Programme, Programme.id == RoadmapItem.programme_id)
        .where(RoadmapItem.programme_id == programme_id,
               RoadmapItem.status == RoadmapStatus.UPCOMING,
               RoadmapItem.kind.not_in(NEVER_REMIND), RoadmapItem.ends_on >= today,
               or_(RoadmapItem.ends_on <= horizon, RoadmapItem.kind == "recurring"))
        .order_by(RoadmapItem.ends_on, RoadmapItem.position))
    result = [view(row, (start, end), today) for row, start, end in rows]
    return sorted((i for i in result if i.next_date is not None and i.next_date <= horizon),
                  key=lambda i: i.next_date or date.max)


def held_role(role: str | None) -> bool:
    return role in HELD_ROLES
