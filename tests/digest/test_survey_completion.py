"""Monitoring surveys answered / sent in the digest figures, and the curator's «remind those
who have not answered»: counted right, once per person and day, only for the programme's
curators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from bot.services.lifecycle import monitoring_surveys as lifecycle
from bot.services.notices import digest
from bot.services.people import users
from bot.services.reports import programme_stats
from bot.services.surveys import completion as survey_completion
from bot.services.surveys.completion import SurveyLine
from models import OutboxMessage, Pair, SurveyResponse
from tests.digest.seed import Seeded, seed

NOW = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


async def seed_surveys(session: AsyncSession, seeded: Seeded) -> list[Pair]:
    """The midterm to both pairs (Орлов Глеб answered, Лебедева Ия only started), the entry
    self-assessment to the first pair (both answered)."""
    pair_list = list(await session.scalars(select(Pair).where(
        Pair.programme_id == seeded.programme_id).order_by(Pair.id)))
    assert await lifecycle.send(session, ("mid",), pair_list, NOW) == 4
    assert await lifecycle.send(session, ("entry",), pair_list[:1], NOW) == 2
    done = [("midterm_control", f"pair:{pair_list[0].id}:midterm", "Орлов Глеб", True),
            ("midterm_control", f"pair:{pair_list[1].id}:midterm", "Лебедева Ия", False),
            # answered in the context of the other pair: not this prompt's answer
            ("midterm_control", f"pair:{pair_list[0].id}:midterm", "Сидоров Олег", True),
            ("entry_self_assessment_mentor", f"pair:{pair_list[0].id}:entry", "Иванова Анна",
             True),
            ("entry_self_assessment_mentee", f"pair:{pair_list[0].id}:entry", "Орлов Глеб",
             True)]
    for survey_id, context, name, completed in done:
        session.add(SurveyResponse(participation_id=seeded.people[name], survey_id=survey_id,
                                   survey_version=1, context=context, started_at=NOW,
                                   completed_at=NOW if completed else None))
    await session.flush()
    return pair_list


async def check_surveys(session: AsyncSession, seeded: Seeded, translator) -> None:
    """What the curator sees and what the reminder does (shared with the PostgreSQL test)."""
    figures = await programme_stats.programme_figures(session, seeded.programme_id, NOW)
    assert figures.surveys == [SurveyLine("entry", 2, 2), SurveyLine("mid", 4, 1)]

    def t(key, /, count=None, **params):
        return translator.get(key, "ru", count=count, **params)

    text = digest.render_figures(figures, t, heading="H")
    assert "📋 Промежуточный опрос: ответили 1 из 4" in text
    assert "📋 Входная самооценка: ответили 2 из 2" in text
    # a button only where someone has not answered
    assert [label for label, _ in digest.survey_buttons(figures, t)] == [
        "🔔 Напомнить не ответившим: Промежуточный опрос"]

    curator = seeded.curator_user_id
    assert await survey_completion.remind(session, curator, seeded.programme_id, "mid", NOW) == 3
    # pressed again the same day (or by another curator): nobody twice
    later = NOW + timedelta(hours=3)
    assert await survey_completion.remind(session, curator, seeded.programme_id, "mid",
                                          later) == 0
    keys = set(await session.scalars(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like("survey:midterm_control:%:rc%"))))
    assert {k.rsplit(":", 2)[1] for k in keys} == {
        str(seeded.people[n]) for n in ("Иванова Анна", "Сидоров Олег", "Лебедева Ия")}
    # the reminders are counted neither as sent surveys nor twice
    figures = await programme_stats.programme_figures(session, seeded.programme_id, later)
    assert figures.surveys == [SurveyLine("entry", 2, 2), SurveyLine("mid", 4, 1)]
    # the next day: one more each
    assert await survey_completion.remind(session, curator, seeded.programme_id, "mid",
                                          NOW + timedelta(days=1)) == 3


async def test_answered_of_sent_and_reminders(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        await seed_surveys(session, seeded)
        await check_surveys(session, seeded, app.translator)


async def test_only_the_programmes_curator_may_remind(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        other = await seed(session, app.translator, curator_telegram_id=2, people_base=5000,
                           title="Другая программа")
        await seed_surveys(session, seeded)
        before = await session.scalar(select(func.count()).select_from(OutboxMessage))
        stranger = (await users.get_or_create(session, 3)).id
        for user_id in (stranger, other.curator_user_id, seeded.users["Орлов Глеб"]):
            with pytest.raises(AccessDenied):
                await survey_completion.remind(session, user_id, seeded.programme_id, "mid",
                                               NOW)
        with pytest.raises(AccessDenied):  # a forged survey kind
            await survey_completion.remind(session, seeded.curator_user_id,
                                           seeded.programme_id, "meeting_feedback", NOW)
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == before
        # the other programme sees none of these surveys
        figures = await programme_stats.programme_figures(session, other.programme_id, NOW)
        assert figures.surveys == []


async def test_a_survey_past_its_answer_window_is_not_shown(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        await seed_surveys(session, seeded)
        # the prompts expire 14 days after the programme's end (31 May 2027)
        late = datetime(2027, 6, 15, 6, 0, tzinfo=UTC)
        figures = await programme_stats.programme_figures(session, seeded.programme_id, late)
        assert figures.surveys == []
        assert await survey_completion.remind(session, seeded.curator_user_id,
                                              seeded.programme_id, "mid", late) == 0
