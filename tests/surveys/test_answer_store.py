"""Answers stored without the ORM (bot/services/surveys/store.py, bot.db.defer_write), on each
backend: written with the transaction's next statement or at its commit, an answer given again
replaces the first, a skipped question is kept as JSON null, a rolled back answer is gone."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from bot.services.people import users
from bot.services.programmes import programmes
from bot.services.surveys import SKIPPED
from bot.services.surveys import store as survey_store
from handlers.shared.consent import create_programme
from models import Participation, SurveyResponse


async def _response(session, translator) -> int:
    organisation = await programmes.create_organisation(session, "Школа", "school",
                                                        "Europe/Moscow")
    curator = await users.get_or_create(session, 1)
    await programmes.add_curator(session, organisation.id, curator.id, "Алиса")
    programme = await create_programme(
        session, translator, organisation_id=organisation.id, title="П",
        starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])
    participation = Participation(programme_id=programme.id, role="mentor", state="profile",
                                  age_group="18_plus", full_name="Иванов Иван")
    session.add(participation)
    await session.flush()
    response = SurveyResponse(participation_id=participation.id, survey_id="mentor_profile",
                              survey_version=1, context="profile")
    session.add(response)
    await session.flush()
    return response.id


async def test_answers_are_written_late_replaced_and_rolled_back(app, translator):
    writes: list[str] = []

    def statement(conn, cursor, sql, parameters, context, executemany):
        if "survey_answers" in sql and not sql.lstrip().upper().startswith("SELECT"):
            writes.append(sql)

    async with app.sessionmaker() as session:
        response_id = await _response(session, translator)
        await session.commit()
    event.listen(app.engine.sync_engine, "before_cursor_execute", statement)
    try:
        async with app.sessionmaker() as session:
            await survey_store.save_answer(session, response_id, "position", "учитель")
            await survey_store.save_answer(session, response_id, "hours_per_month", 6)
            assert writes == []  # nothing yet: the update may still talk to Telegram first
            # The transaction's next statement sees them (as the ORM's autoflush would).
            assert await survey_store.answers(session, response_id) == {
                "position": "учитель", "hours_per_month": 6}
            assert len(writes) == 2
            await survey_store.save_answer(session, response_id, "position", "директор")
            await survey_store.save_answer(session, response_id, "max_mentees", SKIPPED)
            await session.commit()  # the commit writes what is still waiting
        assert len(writes) == 4
        async with app.sessionmaker() as session:
            assert await survey_store.answers(session, response_id) == {
                "position": "директор", "hours_per_month": 6, "max_mentees": None}
            await survey_store.save_answer(session, response_id, "position", "завуч")
            await survey_store.answers(session, response_id)  # written, then rolled back
            await session.rollback()
        async with app.sessionmaker() as session:
            await survey_store.save_answer(session, response_id, "hours_per_month", 9)
            await session.rollback()  # never written
        async with app.sessionmaker() as session:
            assert await survey_store.answers(session, response_id) == {
                "position": "директор", "hours_per_month": 6, "max_mentees": None}
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", statement)
    assert len(writes) == 5
