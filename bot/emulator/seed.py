"""Seeding organisations and programmes straight through the services: for tests, the demo and
the benchmarks, where the curator's own dialogue is not the point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.factory import Application
from bot.services import invitations, programmes


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
        programme = await programmes.create_programme(
            session, app.translator, organisation_id=org.id, title=title,
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
            forms=forms or ["teacher_teacher"])
        mentor = await invitations.create(session, organisation_id=org.id, role="mentor",
                                          programme_id=programme.id)
        mentee = await invitations.create(session, organisation_id=org.id, role="mentee",
                                          programme_id=programme.id)
        return SeededProgramme(org.id, programme.id, mentor.token, mentee.token)
