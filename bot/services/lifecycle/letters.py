"""Letters of appreciation for a programme's mentors: who may get one, and sending them.

Each selected mentor gets their PDF through the outbox (the attachment is drawn at sending time
by the `letter_pdf` generator of bot/delivery/generators.py, so the outbox row keeps only plain
values); the curator gets a ZIP of all of them in the conversation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notices import outbox
from bot.services.programmes import programmes
from models import Curator, Organisation, Pair, PairState, Participation, Programme, User

GENERATOR = "letter_pdf"
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)


@dataclass(frozen=True)
class Letter:
    """What one letter says, as plain values; drawn as a PDF by bot/delivery/letters_pdf.py."""

    organisation: str
    full_name: str
    programme: str
    starts_on: date
    ends_on: date
    curator_name: str
    issued_on: date
    locale: str = "ru"
    # How the organisation reads after «Администрация …» in the letter's language: the
    # genitive in Russian («Лицея «Вектор»»), the name as it is in English. Empty (letters
    # queued before it existed): the name.
    organisation_genitive: str = ""

    @property
    def organisation_after_administration(self) -> str:
        return self.organisation_genitive or self.organisation


def filename(index: int, letter: Letter) -> str:
    """`01_Смирнова_Анна_Петровна.pdf`: sorted as printed, found by name, safe on any disk."""
    name = _UNSAFE.sub("_", letter.full_name).strip("_.") or "letter"
    return f"{index:02d}_{name[:80]}.pdf"


@dataclass(frozen=True)
class MentorChoice:
    participation_id: int
    name: str
    completed_pair: bool


async def mentors(session: AsyncSession, programme_id: int) -> list[MentorChoice]:
    """The programme's mentors (not withdrawn); those with a completed pair are the default."""
    done = select(Pair.mentor_id).where(Pair.programme_id == programme_id,
                                        Pair.state == PairState.COMPLETED)
    rows = (await session.execute(
        select(Participation.id, Participation.full_name, Participation.id.in_(done))
        .where(Participation.programme_id == programme_id, Participation.role == "mentor",
               Participation.state != "withdrawn")
        .order_by(Participation.full_name, Participation.id))).all()
    return [MentorChoice(pid, name or f"#{pid}", bool(completed)) for pid, name, completed in rows]


async def _curator_name(session: AsyncSession, organisation_id: int, user_id: int) -> str:
    name = await session.scalar(select(Curator.full_name).where(
        Curator.organisation_id == organisation_id, Curator.user_id == user_id))
    return name or ""


async def prepare(session: AsyncSession, programme: Programme, participation_ids: Sequence[int],
                  curator_user_id: int, issued_on: date, locale: str = "ru"
                  ) -> list[tuple[Participation, User | None, Letter]]:
    organisation = await session.get_one(Organisation, programme.organisation_id)
    # Russian declines the name after «Администрация»; English and others use it as it is.
    in_letter = programmes.name_in_genitive(organisation) if locale == "ru" else organisation.name
    curator_name = await _curator_name(session, programme.organisation_id, curator_user_id)
    rows = (await session.execute(
        select(Participation, User).outerjoin(User, User.id == Participation.user_id)
        .where(Participation.id.in_(participation_ids),
               Participation.programme_id == programme.id, Participation.role == "mentor",
               Participation.state != "withdrawn")
        .order_by(Participation.full_name, Participation.id))).all()
    return [(participation, user, Letter(
        organisation=organisation.name, full_name=participation.full_name or "",
        programme=programme.title, starts_on=programme.starts_on, ends_on=programme.ends_on,
        curator_name=curator_name, issued_on=issued_on, locale=locale,
        organisation_genitive=in_letter))
        for participation, user in rows]


def letter_args(letter: Letter) -> dict[str, Any]:
    values = asdict(letter)
    for key in ("starts_on", "ends_on", "issued_on"):
        values[key] = values[key].isoformat()
    return values


def letter_of(args: Mapping[str, Any]) -> Letter:
    values = dict(args)
    for key in ("starts_on", "ends_on", "issued_on"):
        values[key] = date.fromisoformat(values[key])
    return Letter(**values)


async def send(session: AsyncSession, programme: Programme,
               prepared: Sequence[tuple[Participation, User | None, Letter]],
               now: datetime, curator_user_id: int | None = None) -> int:
    """Each mentor's letter through the outbox; returns how many were queued. The letter
    carries the signing curator's name: it is about them too."""
    queued = 0
    for participation, user, letter in prepared:
        if user is None:
            continue
        queued += await outbox.enqueue(
            session, chat_id=user.telegram_id, user_id=user.id, kind="announcement", due_at=now,
            dedupe_key=f"letter:{programme.id}:{participation.id}:{now.date().isoformat()}",
            text_key="lifecycle.letters.for_mentor", params={"programme": programme.title},
            attachment={"type": "document", "generator": GENERATOR, "args": letter_args(letter)},
            now=now, about=outbox.about(users=[curator_user_id]))
    return queued
