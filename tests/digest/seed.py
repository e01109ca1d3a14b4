"""A seeded running programme for the digest tests: a curator, mentors and mentees in every
state, pairs at several stages, one participant the bot cannot reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import (
    Meeting,
    MeetingPair,
    Pair,
    Participation,
    ParticipationState,
    RoadmapItem,
    SurveyAnswer,
    SurveyResponse,
)

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
    programme = await create_programme(
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


# Monday 16 November 2026 09:00 in Moscow (06:00 UTC): the digest moment of the tests. The local
# week starts on Monday 16 November 00:00 Moscow (15 November 21:00 UTC).
MEETINGS_NOW = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


async def feedback(session: AsyncSession, meeting_id: int, participation_id: int,
                   usefulness: int | None, *, valuable: list[str] | None = None,
                   to_change: str | None = None, completed: bool = True) -> None:
    response = SurveyResponse(participation_id=participation_id, survey_id="meeting_feedback",
                              survey_version=1, context=f"meeting:{meeting_id}",
                              meeting_id=meeting_id,
                              started_at=MEETINGS_NOW,
                              completed_at=MEETINGS_NOW if completed else None)
    session.add(response)
    await session.flush()
    answers = {"usefulness": usefulness, "most_valuable": valuable or ["support"],
               "what_to_change": to_change}
    session.add_all([SurveyAnswer(response_id=response.id, question_id=key, value=value)
                     for key, value in answers.items() if value is not None])


async def meeting(session: AsyncSession, seeded: Seeded, mentor: str, pair_ids: list[int],
                  starts_at: datetime, *, state: str = "done", kind: str = "regular") -> int:
    row = Meeting(programme_id=seeded.programme_id, mentor_id=seeded.people[mentor], kind=kind,
                  starts_at=starts_at, duration_minutes=45, state=state)
    session.add(row)
    await session.flush()
    session.add_all([MeetingPair(meeting_id=row.id, pair_id=pair_id) for pair_id in pair_ids])
    await session.flush()
    return row.id


async def seed_meetings(session: AsyncSession, seeded: Seeded) -> None:
    """Сидоров — Лебедева meets (the week before last without feedback, last week scored 8 and 9,
    this Monday morning scored 10 by the mentor only); Иванова — Орлов never met (at risk);
    one overdue and one upcoming roadmap item."""
    pair_ids = dict((await session.execute(
        select(Pair.mentor_id, Pair.id).where(Pair.programme_id == seeded.programme_id))).all())
    oleg = pair_ids[seeded.people["Сидоров Олег"]]
    await meeting(session, seeded, "Сидоров Олег", [oleg], datetime(2026, 11, 3, 12, 0, tzinfo=UTC))
    last = await meeting(session, seeded, "Сидоров Олег", [oleg],
                         datetime(2026, 11, 10, 12, 0, tzinfo=UTC))
    await feedback(session, last, seeded.people["Сидоров Олег"], 8, to_change="Больше практики")
    await feedback(session, last, seeded.people["Лебедева Ия"], 9,
                   valuable=["practical_advice", "support"])
    this = await meeting(session, seeded, "Сидоров Олег", [oleg],
                         datetime(2026, 11, 16, 4, 0, tzinfo=UTC))
    await feedback(session, this, seeded.people["Сидоров Олег"], 10)
    await feedback(session, this, seeded.people["Лебедева Ия"], 3, completed=False)
    await meeting(session, seeded, "Сидоров Олег", [oleg], datetime(2026, 11, 12, 12, 0, tzinfo=UTC),
                  state="cancelled")
    session.add_all([
        RoadmapItem(programme_id=seeded.programme_id, match_key="1", position=1, number="1.1",
                    title="Приказ о наставничестве", kind="date", starts_on=date(2026, 11, 2),
                    ends_on=date(2026, 11, 2)),
        RoadmapItem(programme_id=seeded.programme_id, match_key="2", position=2, number="2.3",
                    title="Промежуточный опрос", kind="date", starts_on=date(2026, 11, 25),
                    ends_on=date(2026, 11, 25)),
        RoadmapItem(programme_id=seeded.programme_id, match_key="3", position=3, number="4.1",
                    title="Итоговая конференция", kind="date", starts_on=date(2027, 5, 20),
                    ends_on=date(2027, 5, 20)),
    ])
    await session.flush()
