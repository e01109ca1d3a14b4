"""Programme states mean something (issue #19, item 3; docs/programme-states.md), through the
live bot: a programme in preparation takes people in and matches them, and approving its first
pairs offers to start it; a completed one takes nobody in (its old links say it has ended and
whom to contact), forms no pairs and logs no meetings."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.callbacks.curator import ProgrammeCallback
from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from bot.services.people import invitations, users
from bot.services.programmes import programmes
from models import Meeting, Pair, Participation, Programme
from tests.e2e.helpers import join_as_adult, press, pressed_data
from tests.e2e.world import World
from tests.lifecycle.test_lifecycle_e2e import curator_of
from tests.texts import t

CURATOR = 7801
TITLE = "Наставничество 2026"


async def test_preparing_takes_people_in_matches_and_offers_to_start(live, emulator):
    seeded = await seed_programme(live.app)
    async with live.app.sessionmaker() as session, session.begin():
        account = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, seeded.organisation_id, account.id, "Кураторова")
    # Joining and the questionnaires work while the programme is in preparation.
    mentor = emulator.user(7802, first_name="Мария", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live, name="Наставникова Мария")
    await answer_survey(mentor, "mentor_profile", live, texts={"max_mentees": "2"})
    mentee = emulator.user(7803, first_name="Лиза", language_code="ru")
    await join_as_adult(mentee, seeded.mentee_token, live, name="Ученикова Лиза")
    await answer_survey(mentee, "mentee_profile", live)

    # So does matching; the question counts the people introduced.
    curator = emulator.user(CURATOR, first_name="Ольга", language_code="ru")
    await curator.send("/match")
    (draft,) = await curator.wait_messages(1)
    assert "Предложено пар: 1" in draft.text
    await press(live, curator, t("match.btn.approve"))
    (question,) = await curator.wait_messages(1)
    assert "Утвердить 1 пару программы «Наставничество 2026»?" in question.text
    assert "Знакомство с парой получат 2 участника." in question.text

    # Approved with a double tap: one pair; the second tap is told the draft is gone. The
    # answer offers to start the programme.
    before = len(curator.callback_answers)
    await curator.press(t("match.btn.yes"))
    await curator.press(t("match.btn.yes"))
    await live.handled()
    assert curator.callback_answers[before + 1].text == t("match.gone")
    approved = next(m for m in curator.messages if m.message_id == question.message_id)
    assert "создана 1 пара" in approved.text and "ещё в подготовке" in approved.text
    assert approved.buttons == [t("cur.card.run")]
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Pair)) == 1
        assert (await session.get(Programme, seeded.programme_id)).state == "preparing"
    await press(live, curator, t("cur.card.run"))
    async with live.app.sessionmaker() as session:
        assert (await session.get(Programme, seeded.programme_id)).state == "running"


async def test_a_completed_programme_takes_nobody_in_and_logs_no_meetings(world: World):
    curator = await curator_of(world)  # «Куратор Ольга»
    mentor, mentor_pid = await world.person(7811, "mentor", "Смирнова Анна")
    mentee, mentee_pid = await world.person(7812, "mentee", "Иванов Миша")
    await world.pair(mentor_pid, mentee_pid)
    await world.programme(state="running")
    async with world.live.app.sessionmaker() as session, session.begin():
        link = await invitations.create(session, organisation_id=world.organisation_id,
                                        role="mentee", programme_id=world.programme_id)
    # Someone opened the link before the end and is mid-way (the age question).
    late = world.emulator.user(7813, first_name="Поздний", language_code="ru")
    await late.send(f"/start {link.token}")
    await late.wait_messages(2)
    # A mentor's logging card from before the end.
    await mentor.send(t("meetings.button.log"))
    await world.live.handled()
    mentor.mark_read()

    await pressed_data(world.live, curator, ProgrammeCallback(
        action="doneok", programme_id=world.programme_id).pack())
    await world.deliver()
    for who in (mentor, mentee, late, curator):
        who.mark_read()

    # The old link: the programme has ended, and whom to contact; nothing is stored.
    newcomer = world.emulator.user(7814, first_name="Новый", language_code="ru")
    await newcomer.send(f"/start {link.token}")
    (reply,) = await newcomer.wait_messages(1)
    assert reply.text == t("programme.closed.join", title=TITLE, organisation="МБОУ СОШ № 1",
                           contact="Куратор Ольга")
    # The one mid-way cannot finish joining either.
    await press(world.live, late, t("age_group.18_plus"))  # the question becomes the answer
    assert "завершилась и новых участников не принимает" in late.last_message.text
    assert not late.last_message.buttons
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Participation)) == 2

    # No new meetings: the button, /meet and the old card's «done» all say why.
    closed = t("programme.closed.meet", title=TITLE)
    await mentor.send(t("meetings.button.log"))
    (reply,) = await mentor.wait_messages(1)
    assert reply.text == closed
    await mentor.send("/meet")
    (reply,) = await mentor.wait_messages(1)
    assert reply.text == closed
    before = len(mentor.callback_answers)
    await press(world.live, mentor, "60 мин")  # on the logging card from before the end
    assert [a.text for a in mentor.callback_answers[before:]] == [closed]
    async with world.live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Meeting)) == 0

    # No new pairs: /match says so; reports stay (the card still opens).
    await curator.send("/match")
    (reply,) = await curator.wait_messages(1)
    assert reply.text == t("programme.closed.match", title=TITLE)
    await curator.send("/programmes")
    (listing,) = await curator.wait_messages(1)
    assert t("cur.state.completed") in listing.text
