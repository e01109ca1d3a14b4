"""Profiles built from stored questionnaire answers, with a fixed number of queries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from bot.services.matching import MenteeProfile, MentorProfile, Weights
from bot.services.matching.data import ANY_AUDIENCE, build_cohort, weights_of
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import Pair, Participation, SurveyAnswer, SurveyResponse


async def _programme(session, translator):
    org = await programmes.create_organisation(session, "Школа", "school", "Europe/Moscow")
    programme = await create_programme(
        session, translator, organisation_id=org.id, title="P", starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31), forms=["teacher_student"])
    return programme


async def _person(session, programme_id, telegram_id, role, state, survey, answers, version=2):
    user = await users.get_or_create(session, telegram_id)
    p = Participation(programme_id=programme_id, user_id=user.id, role=role, state=state,
                      age_group="18_plus", form="teacher_student", full_name=f"P{telegram_id}")
    session.add(p)
    await session.flush()
    if answers is not None:
        response = SurveyResponse(participation_id=p.id, survey_id=survey,
                                  survey_version=version, context="profile")
        session.add(response)
        await session.flush()
        for question, value in answers.items():
            session.add(SurveyAnswer(response_id=response.id, question_id=question, value=value))
    await session.flush()
    return p, user


MENTOR_ANSWERS = {"position": "Учитель", "competencies": ["teaching_methods", "project_work"],
                  "interests": ["music", "sport"], "age_groups": ["high_school", "students"],
                  "max_mentees": 3, "meeting_format": ["online"],
                  "availability": ["saturday", "weekday_evening"], "hours_per_month": 6}
MENTEE_ANSWERS = {"grade_or_position": "10 класс", "requests": ["project_work", "exam_prep"],
                  "interests": ["music"], "meeting_format": ["online", "offline"],
                  "availability": ["saturday"], "audience": "high_school"}


async def test_profiles_from_stored_answers(app, translator):
    async with app.sessionmaker() as session:
        programme = await _programme(session, translator)
        mentor, mentor_user = await _person(session, programme.id, 1, "mentor", "paired",
                                            "mentor_profile", MENTOR_ANSWERS)
        mentee, mentee_user = await _person(session, programme.id, 2, "mentee", "ready",
                                            "mentee_profile", MENTEE_ANSWERS)
        old = dict(MENTEE_ANSWERS)
        del old["audience"]
        v1, _ = await _person(session, programme.id, 3, "mentee", "ready", "mentee_profile",
                              old, version=1)
        waiting, _ = await _person(session, programme.id, 4, "mentee", "questionnaire",
                                   "mentee_profile", None)
        paired, _ = await _person(session, programme.id, 5, "mentee", "paired",
                                  "mentee_profile", MENTEE_ANSWERS)
        session.add(Pair(programme_id=programme.id, mentor_id=mentor.id, mentee_id=paired.id,
                         form="teacher_student"))
        await session.commit()

        cohort = await build_cohort(session, programme.id)

    assert cohort.mentors == [MentorProfile(
        id=mentor.id, form="teacher_student", ready=True,
        age_groups=frozenset({"high_school", "students", ANY_AUDIENCE}), capacity=2,
        competencies=frozenset({"teaching_methods", "project_work"}),
        interests=frozenset({"music", "sport"}), formats=frozenset({"online"}),
        availability=frozenset({"saturday", "weekday_evening"}), person_id=mentor_user.id)]
    assert cohort.mentees[0] == MenteeProfile(
        id=mentee.id, form="teacher_student", ready=True, age_group="high_school",
        requests=frozenset({"project_work", "exam_prep"}), interests=frozenset({"music"}),
        formats=frozenset({"online", "offline"}), availability=frozenset({"saturday"}),
        person_id=mentee_user.id)
    # Version 1 without the audience question: any mentor's groups fit.
    assert cohort.mentees[1].id == v1.id and cohort.mentees[1].age_group == ANY_AUDIENCE
    assert cohort.any_audience == {v1.id}
    # Still answering: listed, not ready. Already paired: left out.
    assert [(e.id, e.ready) for e in cohort.mentees[2:]] == [(waiting.id, False)]


async def test_weights_fall_back_to_defaults(app, translator):
    async with app.sessionmaker() as session:
        programme = await _programme(session, translator)
        assert weights_of(programme) == Weights()
        programme.match_weights = {"requests": 9, "interests": -1, "format": "x"}
        assert weights_of(programme) == Weights(requests=9.0)


async def test_building_profiles_takes_a_fixed_number_of_queries(app, translator):
    async with app.sessionmaker() as session:
        programme = await _programme(session, translator)
        for i in range(50):
            role = "mentor" if i % 5 == 0 else "mentee"
            p, _ = await _person(session, programme.id, 100 + i, role, "ready",
                                 f"{role}_profile",
                                 MENTOR_ANSWERS if role == "mentor" else MENTEE_ANSWERS)
            if role == "mentee" and i % 7 == 0:
                session.add(Pair(programme_id=programme.id, mentor_id=p.id - 1 if i else p.id,
                                 mentee_id=p.id, form="teacher_student"))
        await session.commit()

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with app.sessionmaker() as session:
            cohort = await build_cohort(session, programme.id)
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", count)
    assert len(cohort.mentors) + len(cohort.mentees) == 50
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects
