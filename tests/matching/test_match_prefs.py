"""The preference round: questions go through the outbox, picks are limited to three and only
to people on the chooser's list, and a named pair scores higher."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.services.errors import AccessDenied, DomainError
from bot.services.matching import prefs as match_prefs
from bot.services.matching import score_pair
from bot.services.matching.data import build_cohort, preferences, weights_of
from bot.services.people import users
from bot.services.programmes import programmes
from models import OutboxMessage
from tests.matching.test_matching_data import (
    MENTEE_ANSWERS,
    MENTOR_ANSWERS,
    _person,
    _programme,
)


async def test_preference_round(app, translator):
    async with app.sessionmaker() as session:
        programme = await _programme(session, translator)
        curator = await users.get_or_create(session, 900)
        await programmes.add_curator(session, programme.organisation_id, curator.id, "К")
        mentors = [(await _person(session, programme.id, 10 + i, "mentor", "ready",
                                  "mentor_profile", MENTOR_ANSWERS))[0] for i in range(2)]
        mentees = [await _person(session, programme.id, 20 + i, "mentee", "ready",
                                 "mentee_profile", MENTEE_ANSWERS) for i in range(4)]
        stranger = await users.get_or_create(session, 999)

        assert await match_prefs.open_round(session, curator.id, programme.id) == 6
        rows = (await session.scalars(select(OutboxMessage))).all()
        assert {r.payload["text_key"] for r in rows} == {"match.prefs.ask_mentor",
                                                         "match.prefs.ask_mentee"}
        with pytest.raises(AccessDenied):
            await match_prefs.open_round(session, stranger.id, programme.id)

        mentee, mentee_user = mentees[0]
        await match_prefs.toggle(session, mentee_user.id, mentee.id, mentors[1].id)
        with pytest.raises(AccessDenied):  # not on their list: same side
            await match_prefs.toggle(session, mentee_user.id, mentee.id, mentees[1][0].id)
        with pytest.raises(AccessDenied):  # somebody else's chooser
            await match_prefs.toggle(session, stranger.id, mentee.id, mentors[0].id)

        mentor_user_id = (await users.get_or_create(session, 10)).id
        for other, _ in mentees[:3]:
            await match_prefs.toggle(session, mentor_user_id, mentors[0].id, other.id)
        with pytest.raises(DomainError) as refused:
            await match_prefs.toggle(session, mentor_user_id, mentors[0].id, mentees[3][0].id)
        assert refused.value.key == "match.prefs.limit"

        cohort = await build_cohort(session, programme.id)
        prefs = await preferences(session, cohort)
        weights = weights_of(programme)
        by_id = {m.id: m for m in cohort.mentors}
        e = cohort.mentee(mentee.id)
        chosen = score_pair(by_id[mentors[1].id], e, weights, prefs)
        plain = score_pair(by_id[mentors[1].id], cohort.mentee(mentees[3][0].id), weights, prefs)
        assert chosen.score > plain.score
        assert any(r.code == "mentee_preference" for r in chosen.reasons)
