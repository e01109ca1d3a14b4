"""A region for the regional centre's tests: organisations with known figures, participants
with names that must never reach a coordinator, one organisation outside the region.

Dates are relative to `now` (the bot's handlers use the real clock, and the outbox sender
drops a reminder past its expiry by the real clock). The organisations, in the order /region
must list them (what needs attention first):

- «Колледж № 2»: 3 mentors, 3 mentees («<5»), 3 active pairs formed in September and never met
  (no meetings for two weeks, all at risk), 2 roadmap items overdue;
- «Гимназия № 3»: a completed programme, 5 mentors and 5 mentees in 5 completed pairs; 2 of the
  10 answered the final survey (monitoring not done), stage 1 and 2 from fewer than 5 people;
- «Школа № 1»: 6 mentors, 7 mentees (one more, a minor, without a pair), 6 active pairs at the
  regular stage that met on Tuesday of last week (6 meetings, usefulness 8 from 6 answers) and
  of the week before (6 meetings), nothing overdue;
- EMPTY more organisations without any programme (between the two above, by name).

«Школа вне региона» reports to no region: its people must not be counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator
from bot.services.people import users
from bot.services.programmes import programmes
from bot.services.region import access as region_access
from handlers.shared.consent import create_programme
from models import (
    Meeting,
    MeetingPair,
    MeetingState,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    RoadmapItem,
    SurveyAnswer,
    SurveyResponse,
)

MOSCOW = ZoneInfo("Europe/Moscow")
REGION = "Кировская область"
EMPTY = 7
# Participants' names: none may appear in anything a coordinator gets.
NAME = "Скрытов Участник"  # + a number
CURATORS = {"Школа № 1": (801, "Иванова Мария"), "Колледж № 2": (802, "Петров Олег"),
            "Гимназия № 3": (803, "Сидорова Анна"), "Школа вне региона": (804, "Чужой Куратор")}


@dataclass
class SeededRegion:
    region_id: int
    organisations: dict[str, int] = field(default_factory=dict)  # name -> id
    programmes: dict[str, int] = field(default_factory=dict)  # organisation name -> programme
    outside_id: int = 0


def this_monday(now: datetime) -> datetime:
    """00:00 Moscow time of the Monday of `now`'s week, in UTC."""
    day = now.astimezone(MOSCOW).date()
    return datetime.combine(day - timedelta(days=day.weekday()), time(0), MOSCOW).astimezone(UTC)


class _People:
    def __init__(self, session: AsyncSession, formed: datetime) -> None:
        self.session = session
        self.formed = formed
        self.number = 0

    async def add(self, programme_id: int, role: str, state: str = ParticipationState.PAIRED,
                  age_group: str = "18_plus") -> Participation:
        self.number += 1
        participation = Participation(
            programme_id=programme_id, role=role, state=state, age_group=age_group,
            form="teacher_teacher", full_name=f"{NAME} {self.number}", created_at=self.formed,
            consent_at=self.formed)
        self.session.add(participation)
        await self.session.flush()
        return participation


async def _organisation(session: AsyncSession, translator: Translator, name: str, today: date,
                        state: str = "running", ends_on: date | None = None
                        ) -> tuple[int, int]:
    organisation = await programmes.create_organisation(session, name, "school", "Europe/Moscow")
    telegram_id, curator_name = CURATORS[name]
    curator = await users.get_or_create(session, telegram_id)
    await programmes.add_curator(session, organisation.id, curator.id, curator_name)
    programme = await create_programme(
        session, translator, organisation_id=organisation.id, title=f"Наставничество {name}",
        starts_on=today - timedelta(days=80), ends_on=ends_on or today + timedelta(days=200),
        forms=["teacher_teacher"])
    programme.state = state
    # As a curator's binding does: no weekly digest of a moment before now (the bot's own minute
    # job runs on the real clock here and would send this real week's to the curators).
    programme.digest_since = datetime.now(UTC)
    return organisation.id, programme.id


async def _pairs(session: AsyncSession, people: _People, programme_id: int, n: int,
                 state: str = PairState.ACTIVE, stage: str = "regular"
                 ) -> list[tuple[Pair, Participation, Participation]]:
    result = []
    for _ in range(n):
        mentor, mentee = (await people.add(programme_id, "mentor"),
                          await people.add(programme_id, "mentee"))
        pair = Pair(programme_id=programme_id, mentor_id=mentor.id, mentee_id=mentee.id,
                    form="teacher_teacher", state=state, stage=stage, created_at=people.formed)
        session.add(pair)
        result.append((pair, mentor, mentee))
    await session.flush()
    return result


async def _meeting(session: AsyncSession, programme_id: int, pair: Pair, mentor_id: int,
                   starts_at: datetime, usefulness: int | None) -> None:
    meeting = Meeting(programme_id=programme_id, mentor_id=mentor_id, kind="regular",
                      starts_at=starts_at, state=MeetingState.DONE, logged_at=starts_at)
    session.add(meeting)
    await session.flush()
    session.add(MeetingPair(meeting_id=meeting.id, pair_id=pair.id))
    if usefulness is not None:
        response = SurveyResponse(participation_id=mentor_id, survey_id="meeting_feedback",
                                  survey_version=1, context=f"meeting:{meeting.id}",
                                  meeting_id=meeting.id,
                                  completed_at=starts_at + timedelta(hours=2))
        session.add(response)
        await session.flush()
        session.add(SurveyAnswer(response_id=response.id, question_id="usefulness",
                                 value=usefulness))


async def _answers(session: AsyncSession, participation_id: int, survey_id: str, context: str,
                   answers: dict[str, object]) -> None:
    response = SurveyResponse(participation_id=participation_id, survey_id=survey_id,
                              survey_version=1, context=context,
                              completed_at=datetime(2026, 6, 1, tzinfo=UTC))  # any moment
    session.add(response)
    await session.flush()
    session.add_all([SurveyAnswer(response_id=response.id, question_id=q, value=v)
                     for q, v in answers.items()])


async def seed_region(session: AsyncSession, translator: Translator, *, now: datetime,
                      empty: int = EMPTY) -> SeededRegion:
    people = _People(session, now - timedelta(days=70))
    today = now.astimezone(MOSCOW).date()
    region = await region_access.create_region(session, REGION, "Europe/Moscow")
    seeded = SeededRegion(region.id)

    school, programme = await _organisation(session, translator, "Школа № 1", today)
    seeded.organisations["Школа № 1"], seeded.programmes["Школа № 1"] = school, programme
    for index, (pair, mentor, _) in enumerate(await _pairs(session, people, programme, 6)):
        last_week = this_monday(now) - timedelta(days=6) + timedelta(hours=12 + index)
        await _meeting(session, programme, pair, mentor.id, last_week, 8)
        await _meeting(session, programme, pair, mentor.id, last_week - timedelta(days=7),
                       None)
    await people.add(programme, "mentee", ParticipationState.GUARDIAN_PENDING, "14_17")
    await people.add(programme, "mentee", ParticipationState.WITHDRAWN)  # not counted

    college, programme = await _organisation(session, translator, "Колледж № 2", today)
    seeded.organisations["Колледж № 2"], seeded.programmes["Колледж № 2"] = college, programme
    await _pairs(session, people, programme, 3, stage="intro")
    session.add_all([RoadmapItem(programme_id=programme, match_key=str(i), position=i,
                                 title=f"Пункт {i}", kind="date",
                                 starts_on=today - timedelta(days=20 - i),
                                 ends_on=today - timedelta(days=20 - i)) for i in (2, 3)]
                    + [RoadmapItem(programme_id=programme, match_key="9", position=9,
                                   title="Позже", kind="date",
                                   starts_on=today + timedelta(days=30),
                                   ends_on=today + timedelta(days=30))])

    gymnasium, programme = await _organisation(session, translator, "Гимназия № 3", today,
                                               state="completed",
                                               ends_on=today - timedelta(days=20))
    seeded.organisations["Гимназия № 3"], seeded.programmes["Гимназия № 3"] = (gymnasium,
                                                                                programme)
    finished = await _pairs(session, people, programme, 5, state=PairState.COMPLETED,
                            stage="final")
    for _, mentor, mentee in finished[:1]:  # one pair answered: 2 of 10
        await _answers(session, mentor.id, "final_satisfaction_mentor", "final",
                       {"usefulness": 9, "support": 7})
        await _answers(session, mentee.id, "final_satisfaction_mentee", "final",
                       {"usefulness": 10, "want_become_mentor": "yes"})
        await _answers(session, mentee.id, "entry_self_assessment_mentee", "entry",
                       {"confidence": 4})
        await _answers(session, mentee.id, "exit_self_assessment_mentee", "exit",
                       {"confidence": 7})

    empties = []
    for i in range(1, empty + 1):
        organisation = await programmes.create_organisation(session, f"Пустая школа {i}",
                                                            "school", "Europe/Moscow")
        empties.append(organisation.id)
        seeded.organisations[f"Пустая школа {i}"] = organisation.id

    outside, programme = await _organisation(session, translator, "Школа вне региона", today)
    seeded.outside_id = outside
    seeded.programmes["Школа вне региона"] = programme
    await _pairs(session, people, programme, 4)

    await region_access.add_organisations(session, region.id, [school, college, gymnasium,
                                                               *empties])
    return seeded
