"""Issue 11, duplicates: the final tap of logging a meeting («✅ Готово»), delivered again with the
same update_id, makes one meeting log and no second reply: handed out again by getUpdates to
the running polling loop, fed to the Dispatcher again (what a restart between handling and
confirming the offset does), and posted again to the webhook (Telegram retrying a delivery
whose answer it did not get)."""

from __future__ import annotations

import aiohttp
from aiogram.types import Update
from sqlalchemy import func, select

from bot.emulator.live_webhook import TEST_SECRET, live_webhook_bot
from bot.emulator.seed import seed_pair, seed_programme
from bot.runtime.webhook import SECRET_HEADER
from models import Meeting, MeetingState, Participation, ParticipationState, User
from tests.e2e.helpers import press
from tests.texts import t

LOG = t("meetings.button.log")
LOGGED = "Встреча отмечена"


async def log_a_meeting(live, mentor) -> int:
    """/meeting, 60 minutes, «Готово»; returns the update id of the final tap."""
    await mentor.send(LOG)
    await live.handled()
    assert t("meetings.kind.intro") in mentor.last_message.text
    await press(live, mentor, "60 мин")
    await press(live, mentor, t("meetings.button.done"))
    update_id = live.emulator.state.queue.accepted_ids[-1]
    assert "callback_query" in live.emulator.state.delivered_update(update_id)
    assert sum(LOGGED in (m.text or "") for m in mentor.messages) == 1
    # What the outbox sends for the logged meeting is not a reply: let it go out first.
    await live.outbox_sent()
    return update_id


async def logged_meetings(live) -> int:
    await live.handled()
    async with live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Meeting).where(
            Meeting.state == MeetingState.DONE))


async def one_pair(live, emulator, base: int):
    seeded = await seed_programme(live.app)
    ids = []
    async with live.app.sessionmaker() as session, session.begin():
        for offset, (role, name) in enumerate((("mentor", "Смирнова Анна"),
                                               ("mentee", "Иванов Миша"))):
            user = User(telegram_id=base + offset)
            session.add(user)
            await session.flush()
            participation = Participation(
                programme_id=seeded.programme_id, user_id=user.id, role=role,
                state=ParticipationState.READY, age_group="18_plus", form="teacher_teacher",
                full_name=name)
            session.add(participation)
            await session.flush()
            ids.append(participation.id)
    await seed_pair(live.app, mentor_participation_id=ids[0], mentee_participation_ids=[ids[1]])
    mentor = emulator.user(base, first_name="Анна", language_code="ru")
    await mentor.send("/start")
    await live.handled()
    return mentor


async def test_meeting_log_tap_delivered_again_by_polling_logs_one_meeting(world):
    live, emulator = world.live, world.emulator
    mentor, mentor_pid = await world.person(251, "mentor", "Смирнова Анна")
    _, mentee_pid = await world.person(252, "mentee", "Иванов Миша")
    await world.pair(mentor_pid, mentee_pid)

    update_id = await log_a_meeting(live, mentor)
    # Messages the outbox sends for the logged meeting are not replies: let them go out first.
    await world.deliver()
    replies = len(mentor.messages)
    assert await logged_meetings(live) == 1

    # getUpdates hands the same update out again to the running loop.
    queue = emulator.state.queue
    queue.pending.insert(0, emulator.state.delivered_update(update_id))
    queue.signal.notify()
    await live.handled()
    assert await logged_meetings(live) == 1
    # The Dispatcher gets it again (a restart between handling and confirming the offset).
    raw = emulator.state.delivered_update(update_id)
    await live.app.dispatcher.feed_update(live.bot, Update.model_validate(
        raw, context={"bot": live.bot}))
    assert await logged_meetings(live) == 1
    await world.deliver()
    assert len(mentor.messages) == replies


async def test_meeting_log_tap_posted_again_to_the_webhook_logs_one_meeting(settings, emulator):
    async with live_webhook_bot(settings, emulator) as live:
        mentor = await one_pair(live, emulator, 261)
        update_id = await log_a_meeting(live, mentor)
        replies = len(mentor.messages)
        s = live.app.settings
        url = f"http://{s.webhook_host}:{s.webhook_port}{s.webhook_path}"
        async with aiohttp.ClientSession() as http, http.post(
                url, json=emulator.state.delivered_update(update_id),
                headers={SECRET_HEADER: TEST_SECRET}) as response:
            assert response.status == 200
        assert await logged_meetings(live) == 1
        assert len(mentor.messages) == replies
