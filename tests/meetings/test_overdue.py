"""«Did the meeting take place?»: a confirmed meeting whose time has passed is asked about when
its mentor starts logging; each of the three answers (yes: its card, no: marked missed, another:
a new card) over the emulator, and the question's buttons refused to the mentee."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from handlers.meetings.views import day_label
from models import Meeting, MeetingState
from tests.e2e.helpers import press as pressed
from tests.e2e.helpers import pressed_data
from tests.e2e.world import DENIED, T0
from tests.meetings.test_meetings_e2e import plan

QUESTION = "Состоялась ли встреча"


async def ask(world, anna):
    await anna.send("/meeting")
    await world.live.handled()
    question = anna.last_message
    assert QUESTION in question.text, question.text
    assert question.buttons == ["Да, состоялась", "Нет", "Отметить другую встречу"]
    return question


async def test_the_three_answers_to_an_overdue_meeting(world):
    live, clock = world.live, world.clock
    anna, anna_pid = await world.person(301, "mentor", "Анна Смирнова")
    misha, misha_pid = await world.person(302, "mentee", "Миша Иванов")
    await world.pair(anna_pid, misha_pid)
    await plan(world, misha, date(2026, 11, 25), "15:00")
    await world.deliver()
    await pressed(live, anna, "✅ Подтвердить")
    await world.deliver()
    clock.set(T0.replace(day=26))  # the day after

    # another: the question goes, a fresh card for today instead
    question = await ask(world, anna)
    await pressed(live, anna, "Отметить другую встречу")
    card = anna.last_message
    assert card.text.startswith("📝 Встреча с Миша Иванов\n📅 сегодня\n"), card.text

    # yes: the card of that meeting, its day and kind filled in
    question = await ask(world, anna)
    await pressed(live, anna, "Да, состоялась")
    card = next(m for m in anna.messages if m.message_id == question.message_id)
    assert card.text.startswith(f"📝 Встреча с Миша Иванов\n📅 {day_label(date(2026, 11, 25), 'ru')}"
                                "\n🏷 встреча-знакомство\n⏱ Длительность: —"), card.text

    # the mentee may not answer it
    question = await ask(world, anna)
    for button in question.buttons:
        assert await pressed_data(live, misha, question.button_data(button)) == DENIED

    # no: marked missed, and not asked about again
    await pressed(live, anna, "Нет")
    assert "встреча не состоялась" in anna.last_message.text
    async with live.app.sessionmaker() as session:
        [meeting] = (await session.scalars(select(Meeting))).all()
    assert meeting.state == MeetingState.MISSED
    await anna.send("/meeting")
    await live.handled()
    assert QUESTION not in anna.last_message.text
