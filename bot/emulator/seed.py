"""Seeding organisations and programmes straight through the services: for tests, the demo and
the benchmarks, where the curator's own dialogue is not the point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.runtime.factory import Application
from bot.services.people import invitations
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme


@dataclass(frozen=True)
class SeededProgramme:
    organisation_id: int
    programme_id: int
    mentor_token: str
    mentee_token: str


async def seed_programme(app: Application, *, forms: list[str] | None = None,
                         organisation: str = "МБОУ СОШ № 1", title: str = "Наставничество 2026"
                         ) -> SeededProgramme:
    async with app.sessionmaker() as session, session.begin():
        org = await programmes.create_organisation(session, organisation, "school", "Europe/Moscow")
        programme = await create_programme(
            session, app.translator, organisation_id=org.id, title=title,
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
            forms=forms or ["teacher_teacher"])
        mentor = await invitations.create(session, organisation_id=org.id, role="mentor",
                                          programme_id=programme.id)
        mentee = await invitations.create(session, organisation_id=org.id, role="mentee",
                                          programme_id=programme.id)
        return SeededProgramme(org.id, programme.id, mentor.token, mentee.token)


async def seed_pair(app: Application, *, mentor_participation_id: int,
                    mentee_participation_ids: list[int], form: str | None = None,
                    stage: str = "intro") -> list[int]:
    """Pair a mentor with one or more mentees directly (what the curator's matching does):
    one active Pair row per mentee, participations marked "paired". Returns the pair ids."""
    from models import Pair, Participation, ParticipationState

    async with app.sessionmaker() as session, session.begin():
        mentor = await session.get(Participation, mentor_participation_id)
        if mentor is None:
            raise ValueError("no such mentor participation")
        mentor.state = ParticipationState.PAIRED
        pair_ids = []
        for mentee_id in mentee_participation_ids:
            mentee = await session.get(Participation, mentee_id)
            if mentee is None or mentee.programme_id != mentor.programme_id:
                raise ValueError("the mentee is not in the mentor's programme")
            mentee.state = ParticipationState.PAIRED
            pair = Pair(programme_id=mentor.programme_id, mentor_id=mentor.id,
                        mentee_id=mentee.id, form=form or mentor.form or mentee.form or "",
                        stage=stage, reasons=[])
            session.add(pair)
            await session.flush()
            pair_ids.append(pair.id)
        return pair_ids
