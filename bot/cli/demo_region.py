"""The demo's regional centre scene (issue #22): two more organisations with figures to show,
the owner making a region of three and inviting a coordinator, who reads /region, gets the
digest and the workbook and reminds a curator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.emulator import BotAPIEmulator
from bot.emulator.live import LiveBot
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import (
    Meeting,
    MeetingPair,
    MeetingState,
    Pair,
    Participation,
    ParticipationState,
    RoadmapItem,
    SurveyAnswer,
    SurveyResponse,
)

OWNER = 100
COORDINATOR = 109
COLLEGE_CURATOR = 110
SCHOOL_CURATOR = 111


async def _organisation(session, translator, name: str, curator_id: int, curator_name: str,
                        pairs: int, met: bool, today: date, now: datetime) -> None:
    organisation = await programmes.create_organisation(session, name, "school", "Europe/Moscow")
    curator = await users.get_or_create(session, curator_id)
    await programmes.add_curator(session, organisation.id, curator.id, curator_name)
    programme = await create_programme(
        session, translator, organisation_id=organisation.id, title="Наставничество 2026/27",
        starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=200),
        forms=["student_student"])
    # Started as a curator starts it: its first weekly digest is next week's (started
    # programmes once got this week's a minute later, to a curator the demo had not met).
    await programmes.set_state(session, programme, "running", now)
    formed = now - timedelta(days=50)
    for n in range(pairs):
        mentor, mentee = (Participation(
            programme_id=programme.id, role=role, state=ParticipationState.PAIRED,
            age_group="18_plus" if role == "mentor" else "14_17", form="student_student",
            full_name=f"{role} {n}", created_at=formed, consent_at=formed)
            for role in ("mentor", "mentee"))
        session.add_all([mentor, mentee])
        await session.flush()
        pair = Pair(programme_id=programme.id, mentor_id=mentor.id, mentee_id=mentee.id,
                    form="student_student", stage="regular", created_at=formed)
        session.add(pair)
        await session.flush()
        if not met:
            continue
        for week in range(1, 5):
            starts = now - timedelta(days=7 * week - n % 5)
            meeting = Meeting(programme_id=programme.id, mentor_id=mentor.id, kind="regular",
                              starts_at=starts, state=MeetingState.DONE, logged_at=starts)
            session.add(meeting)
            await session.flush()
            session.add(MeetingPair(meeting_id=meeting.id, pair_id=pair.id))
            response = SurveyResponse(participation_id=mentee.id, survey_id="meeting_feedback",
                                      survey_version=1, context=f"meeting:{meeting.id}",
                                      meeting_id=meeting.id,
                                      completed_at=starts)
            session.add(response)
            await session.flush()
            session.add(SurveyAnswer(response_id=response.id, question_id="usefulness",
                                     value=7 + (n + week) % 4))
    if not met:
        session.add(RoadmapItem(programme_id=programme.id, match_key="1", position=1,
                                title="Положение о наставничестве", kind="date",
                                starts_on=today - timedelta(days=10),
                                ends_on=today - timedelta(days=10)))


async def region_scene(live: LiveBot, emulator: BotAPIEmulator, narrator) -> None:
    narrator.scene("12. The regional centre: a region of three organisations, numbers only")
    now = datetime.now(UTC)
    today = now.date()
    async with live.app.sessionmaker() as session, session.begin():
        await _organisation(session, live.app.translator, "Кировский колледж", COLLEGE_CURATOR,
                            "Лебедева Ирина", 12, True, today, now)
        await _organisation(session, live.app.translator, "МКОУ ООШ с. Верхошижемье",
                            SCHOOL_CURATOR, "Зайцев Павел", 3, False, today, now)
    narrator.note("two more organisations report to the region: a college whose 12 pairs meet "
                  "every week, a village school whose 3 pairs never met and a deadline passed")
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    await narrator.says(owner, "/newregion")
    await narrator.says(owner, "Кировская область")
    await narrator.presses(owner, "Москва UTC+3")
    for name in ("МБОУ СОШ № 1", "Кировский колледж", "МКОУ ООШ с. Верхошижемье"):
        await narrator.presses(owner, f"▫️ {name}")
    await narrator.presses(owner, "🔗 Ссылка для координатора")
    link = owner.last_message
    if link is None or not link.text:
        raise RuntimeError("demo: the owner got no coordinator's link")
    token = link.text.split("start=", 1)[1].split()[0]
    coordinator = emulator.user(COORDINATOR, first_name="Татьяна", language_code="ru")
    await narrator.says(coordinator, f"/start {token}")
    await narrator.says(coordinator, "/region")
    await narrator.presses(coordinator, "📨 Показать сейчас")
    await narrator.arrives(coordinator, "Дайджест региона")
    await narrator.arrives(coordinator, "встречи по неделям")  # the chart
    await narrator.presses(coordinator, "📊 Отчёт XLSX")
    curator = emulator.user(SCHOOL_CURATOR, first_name="Павел", language_code="ru")
    curator.chat.known = True
    await narrator.presses(coordinator, "🔔 1. Напомнить куратору: МКОУ ООШ с. Верхошижемье")
    narrator.out(f"   ({coordinator.callback_answers[-1].text})")
    await narrator.arrives(curator, "Региональный центр наставничества")
    await narrator.says(curator, "/help")
