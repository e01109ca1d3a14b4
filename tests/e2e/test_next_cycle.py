"""A returning mentor opens the personal link of the next cycle and consents again to the new
programme's text; the link then is used up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.emulator.seed import seed_programme
from bot.services.lifecycle import next_cycle
from handlers.shared.consent import render_consent
from models import ConsentRecord, Participation, User
from tests.e2e.helpers import join_as_adult
from tests.texts import t


async def test_returning_mentor_joins_the_next_cycle_with_a_new_consent(live, emulator):
    seeded = await seed_programme(live.app)
    mentor = emulator.user(3101, first_name="Анна", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    async with live.app.sessionmaker() as session:
        old = await session.scalar(select(Participation).join(User, Participation.user_id == User.id)
                                   .where(User.telegram_id == 3101))
        consent = await render_consent(
            session, live.app.translator, organisation_id=seeded.organisation_id,
            title="Наставничество 2027", starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31))
        cycle = await next_cycle.clone_programme(
            session, consent, seeded.programme_id, title="Наставничество 2027",
            starts_on=date(2027, 9, 1), ends_on=date(2028, 5, 31),
            mentor_participation_ids=[old.id])
        await session.commit()
    token = cycle.invitations[0].invitation.token

    mentor.mark_read()
    await mentor.send(f"/start {token}")
    welcome, _ = await mentor.wait_messages(2)
    assert "Наставничество 2027" in welcome.text
    await mentor.press(t("age_group.18_plus"))
    (consent,) = await mentor.wait_messages(1)
    assert "Наставничество 2027" in consent.text and "01.09.2027" in consent.text
    await mentor.press(t("consent.accept"))
    await mentor.wait_messages(2)
    await live.handled()

    async with live.app.sessionmaker() as session:
        new = await session.scalar(select(Participation).where(
            Participation.programme_id == cycle.programme.id))
        assert new.role == "mentor" and new.user_id == old.user_id and new.id != old.id
        record = await session.scalar(select(ConsentRecord).where(
            ConsentRecord.participation_id == new.id))
        assert record.decision == "accepted"

    stranger = emulator.user(3102, first_name="Гость", language_code="ru")
    await stranger.send(f"/start {token}")
    (refusal,) = await stranger.wait_messages(1)
    assert "Наставничество 2027" not in refusal.text
