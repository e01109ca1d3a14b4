"""A seeded running programme for the digest tests: a curator, mentors and mentees in every
state, pairs at several stages, one participant the bot cannot reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services import programmes, users
from models import Pair, Participation, ParticipationState

CREATED = datetime(2026, 9, 10, 9, 0, tzinfo=UTC)


@dataclass
class Seeded:
    organisation_id: int
    programme_id: int
    curator_user_id: int
    people: dict[str, int] = field(default_factory=dict)  # name -> participation id
    users: dict[str, int] = field(default_factory=dict)  # name -> user id


async def person(session: AsyncSession, programme_id: int, name: str, role: str, state: str,
                 telegram_id: int | None, *, unreachable: bool = False,
                 age_group: str = "18_plus", form: str = "teacher_teacher") -> Participation:
    user_id = None
    if telegram_id is not None:
        user = await users.get_or_create(session, telegram_id)
        user.unreachable = unreachable
        user_id = user.id
    participation = Participation(
        programme_id=programme_id, user_id=user_id, role=role, state=state, age_group=age_group,
        form=form, full_name=None if state == ParticipationState.WITHDRAWN else name,
        created_at=CREATED, consent_at=CREATED)
    session.add(participation)
    await session.flush()
    return participation


async def seed(session: AsyncSession, translator: Translator, *, curator_telegram_id: int,
               chat_id: int | None = None, title: str = "Наставничество 2026",
               people_base: int = 1000) -> Seeded:
    organisation = await programmes.create_organisation(session, "Школа № 5", "school",
                                                        "Europe/Moscow")
    curator = await users.get_or_create(session, curator_telegram_id)
    await programmes.add_curator(session, organisation.id, curator.id, "Куратор")
    programme = await programmes.create_programme(
        session, translator, organisation_id=organisation.id, title=title,
        starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])
    programme.state = "running"
    programme.curator_chat_id = chat_id
    result = Seeded(organisation.id, programme.id, curator.id)
    n = people_base
    specs = [
        ("Иванова Анна", "mentor", ParticipationState.PAIRED, False),
        ("Сидоров Олег", "mentor", ParticipationState.PAIRED, False),
        ("Кузнецова Вера", "mentor", ParticipationState.READY, True),  # unreachable
        ("Орлов Глеб", "mentee", ParticipationState.PAIRED, False),
        ("Лебедева Ия", "mentee", ParticipationState.PAIRED, False),
        ("Соколов Ян", "mentee", ParticipationState.QUESTIONNAIRE, False),
        ("Волков Лев", "mentee", ParticipationState.GUARDIAN_PENDING, False),
        ("Ушедший", "mentee", ParticipationState.WITHDRAWN, False),
    ]
    for name, role, state, unreachable in specs:
        n += 1
        age = "14_17" if state == ParticipationState.GUARDIAN_PENDING else "18_plus"
        p = await person(session, programme.id, name, role, state, n, unreachable=unreachable,
                         age_group=age)
        result.people[name] = p.id
        result.users[name] = p.user_id
    session.add_all([
        Pair(programme_id=programme.id, mentor_id=result.people["Иванова Анна"],
             mentee_id=result.people["Орлов Глеб"], form="teacher_teacher", stage="intro",
             created_at=CREATED),
        Pair(programme_id=programme.id, mentor_id=result.people["Сидоров Олег"],
             mentee_id=result.people["Лебедева Ия"], form="teacher_teacher", stage="regular",
             created_at=CREATED),
    ])
    await session.flush()
    return result
