"""The digest before Monday (issue 19, item 5), over the live bot and the outbox sender:
«📨 Показать дайджест сейчас» on the programme card sends it to the bound curator chat (a double
tap sends one, and the weekly digest still comes); without a bound chat it comes to the curator
privately with how to bind one. Binding a chat or choosing the day and time says when the first
digest comes, and it comes then: at the chosen minute, not minutes after binding because this
week's default moment is already past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from scheduler import curator_jobs
from scheduler.registry import JOBS
from tests.e2e.helpers import press
from tests.e2e.test_digest import BASE, CURATOR, GROUP, job_context, seeded
from tests.texts import t

MONDAY_0930_MSK = datetime(2026, 11, 16, 6, 30, tzinfo=UTC)
WEDNESDAY_1800_MSK = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
NEXT_MONDAY_0900_MSK = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
HEADING = "Дайджест «Наставничество 2026»"
SHOW_NOW = "📨 Показать дайджест сейчас"


def set_clock(live, moment: datetime) -> ManualClock:
    clock = ManualClock(moment)
    live.app.dispatcher["scheduler"].clock = clock  # the bot's "now" in handlers
    return clock


async def open_card(live, curator) -> None:
    await curator.send("/programmes")
    await curator.wait_messages(1)
    await press(live, curator, "Наставничество 2026")
    (card,) = await curator.wait_messages(1)
    assert SHOW_NOW in card.buttons


async def test_show_now_reaches_the_bound_chat_once_and_leaves_the_weekly_digest(live, emulator):
    group = emulator.group(GROUP, "Кураторы")
    group.chat.known = True
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await seeded(live, GROUP)
    set_clock(live, WEDNESDAY_1800_MSK)
    await open_card(live, curator)
    shown_before = len(curator.messages)
    await press(live, curator, SHOW_NOW)
    await press(live, curator, SHOW_NOW)  # a double tap
    assert [a.text for a in curator.callback_answers[-2:]] == [
        t("digest.now.sent_group"), t("digest.now.already")]
    (shown,) = await group.wait_messages(1, timeout=15)
    assert HEADING in shown.text and "Наставники: 3" in shown.text
    await live.outbox_sent()  # a second digest would have gone out by now
    assert len(group.messages) == 1
    assert len(curator.messages) == shown_before  # nothing in the curator's private chat
    # The weekly digest is neither consumed nor moved: it comes at next Monday 09:00.
    assert await curator_jobs.digest_job(job_context(live, NEXT_MONDAY_0900_MSK)) == 1
    (weekly,) = await group.wait_messages(1, timeout=15)
    assert HEADING in weekly.text
    # Pressing again later (not a double tap) shows it again.
    set_clock(live, NEXT_MONDAY_0900_MSK + timedelta(hours=2))
    await press(live, curator, SHOW_NOW)
    assert curator.callback_answers[-1].text == t("digest.now.sent_group")
    (again,) = await group.wait_messages(1, timeout=15)
    assert HEADING in again.text


async def test_show_now_without_a_bound_chat_comes_privately_and_says_how_to_bind(live,
                                                                                  emulator):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await seeded(live)
    set_clock(live, WEDNESDAY_1800_MSK)
    await open_card(live, curator)
    await press(live, curator, SHOW_NOW)
    hint, shown = await curator.wait_messages(2, timeout=15)
    assert hint.text == t("digest.now.sent_private")
    assert "/bind" in hint.text
    assert HEADING in shown.text


async def test_binding_says_when_the_first_digest_comes_and_it_comes_then(live, emulator):
    group = emulator.group(GROUP, "Кураторы")
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await seeded(live)
    # Monday 09:30 in Moscow: this week's default moment (09:00) has just passed.
    set_clock(live, MONDAY_0930_MSK)
    await group.add_bot(curator)
    await group.send(curator, "/bind")
    await live.handled()
    await press(live, curator, "Наставничество 2026", group=group)
    bound = group.messages[-1]
    assert t("bind.done", programme="Наставничество 2026") in bound.text
    assert "Первый дайджест придёт в понедельник, 23 ноября, в 09:00." in bound.text
    group.mark_read()
    # Minutes later this week: nothing (the past moment is not caught up for a new chat).
    assert await curator_jobs.digest_job(job_context(live, MONDAY_0930_MSK
                                                     + timedelta(minutes=5))) == 0
    assert await curator_jobs.digest_job(job_context(live, NEXT_MONDAY_0900_MSK
                                                     - timedelta(seconds=1))) == 0
    assert await curator_jobs.digest_job(job_context(live, NEXT_MONDAY_0900_MSK)) == 1
    (digest,) = await group.wait_messages(1, timeout=15)
    assert HEADING in digest.text


async def test_the_chosen_day_and_time_are_announced_and_the_digest_fires_at_that_minute(
        live, emulator):
    group = emulator.group(GROUP, "Кураторы")
    group.chat.known = True
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await seeded(live, GROUP)
    set_clock(live, MONDAY_0930_MSK)
    await open_card(live, curator)
    await press(live, curator, "Дайджест: пн 09:00")
    await curator.wait_messages(1)
    await press(live, curator, t("digest.day.2"))
    await press(live, curator, "18:00")
    saved = curator.last_message.text
    assert "Среда, 18:00" in saved
    assert "Первый дайджест придёт в среду, 18 ноября, в 18:00." in saved
    # The job runs at the start of every minute, so 18:00 is when it goes.
    (job,) = [j for j in JOBS if j.job_id == curator_jobs.DIGEST_JOB_ID]
    assert job.trigger.get_next_fire_time(None, WEDNESDAY_1800_MSK - timedelta(seconds=59)) \
        == WEDNESDAY_1800_MSK
    assert await curator_jobs.digest_job(job_context(live, WEDNESDAY_1800_MSK
                                                     - timedelta(seconds=1))) == 0
    assert await curator_jobs.digest_job(job_context(live, WEDNESDAY_1800_MSK)) == 1
    (digest,) = await group.wait_messages(1, timeout=15)
    assert HEADING in digest.text
    assert await curator_jobs.digest_job(job_context(live, WEDNESDAY_1800_MSK
                                                     + timedelta(minutes=1))) == 0


async def test_a_participant_cannot_show_the_digest(live, emulator):
    await seeded(live)
    mentor = emulator.user(BASE + 1, language_code="ru")
    await mentor.send("/status")
    (refused,) = await mentor.wait_messages(1)
    assert refused.text == t("access.curator_only")
    await mentor.press_data("dg:now:1:0:0")  # a forged press of the card's button
    await live.handled()
    assert mentor.callback_answers[-1].text in (t("access.denied"), t("access.curator_only"))
    await live.outbox_sent()
    assert len(mentor.messages) == 1  # no digest came to the participant
