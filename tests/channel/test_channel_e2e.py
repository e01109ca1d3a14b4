"""The pair's channel end to end over the emulator (docs/pair-channel.md): the mentee presses
«✉️ Написать наставнику», her next message reaches the mentor through the outbox with her name
and «↩️ Ответить», and the answer comes back the same way; photos, documents and voice go by
Telegram's file_id; a command at the step is a command, never relayed. Refused when the pair
is paused or completed, when a side withdrew (/forget), and for someone else's pair id. /forget
erases what was relayed; the curator sees counts, never the content."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.callbacks.channel import ChannelCallback, ChannelReplyCallback
from bot.services.meetings import cadence
from bot.services.people import users
from bot.services.programmes import programmes
from models import Meeting, OutboxMessage, Pair, PairMessage, PairState
from scheduler.housekeeping import channel_retention
from tests.e2e.helpers import press, press_data, say
from tests.e2e.test_forget_everywhere import tables_holding
from tests.e2e.world import DENIED, T0
from tests.texts import button, t

WRITE_MENTOR = button("channel.button.write_mentor")
WRITE_MENTEE = button("channel.button.write_mentee")
REPLY = button("channel.button.reply")
LOG = button("meetings.button.log")
HELLO = "Анна Игоревна, здравствуйте! Когда удобно встретиться?"
ANSWER = "Миша, давай в среду после уроков <в 15:00> & в кабинете 12"
CURATOR = 3900


def keyboard_of(message) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (message.reply_markup or {}).get("keyboard", [])]


async def channel_rows(world) -> list[OutboxMessage]:
    async with world.live.app.sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "channel").order_by(OutboxMessage.id))).all())


async def counted(world) -> int:
    async with world.live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(PairMessage)) or 0


async def pair_of_two(world, mentee_name="Миша Иванов"):
    anna, anna_pid = await world.person(301, "mentor", "Анна Игоревна")
    misha, misha_pid = await world.person(302, "mentee", mentee_name)
    [pair_id] = await world.pair(anna_pid, misha_pid)
    return anna, misha, pair_id


async def write(world, who, label: str, text: str) -> None:
    await say(world.live, who, label)
    await say(world.live, who, text)


async def test_text_both_ways_with_the_reply_button(world):
    live = world.live
    anna, misha, pair_id = await pair_of_two(world, "Миша <b>Иванов</b> & Ко")
    # /start shows the keyboard with the new button for each side.
    await say(live, misha, "/start")
    assert [WRITE_MENTOR] in keyboard_of(misha.last_message), misha.transcript()
    await say(live, anna, "/start")
    assert [WRITE_MENTEE] in keyboard_of(anna.last_message)
    anna.mark_read()

    await say(live, misha, WRITE_MENTOR)
    assert misha.last_message.text == t("channel.prompt.mentor", name="Анна Игоревна")
    # A command at the step is a command: /help answers, nothing is relayed, the step stays.
    await say(live, misha, "/help")
    assert await counted(world) == 0
    await say(live, misha, HELLO)
    assert misha.last_message.text == t("channel.sent.one", name="Анна Игоревна")
    await world.deliver()
    [relayed] = await anna.wait_messages(1)
    assert relayed.text == f"✉️ Миша <b>Иванов</b> & Ко (наставляемый):\n{HELLO}"
    assert relayed.buttons == [REPLY]

    # The mentor answers with the button: back to the mentee, with the same button.
    misha.mark_read()
    await press(live, anna, REPLY)
    assert anna.last_message.text == t("channel.prompt.mentee", name="Миша <b>Иванов</b> & Ко")
    await say(live, anna, ANSWER)
    await world.deliver()
    [back] = await misha.wait_messages(1)
    assert back.text == f"✉️ Анна Игоревна (наставник):\n{ANSWER}"
    assert back.buttons == [REPLY]
    # After the message the step is over: the next text is not relayed again.
    await say(live, anna, "ещё одно")
    assert await counted(world) == 2
    async with live.app.sessionmaker() as session:
        roles = list((await session.scalars(select(PairMessage.sender_role).order_by(
            PairMessage.id))).all())
    assert roles == ["mentee", "mentor"]


async def test_photo_document_and_voice_go_by_file_id(world):
    live = world.live
    anna, misha, _ = await pair_of_two(world)
    anna.mark_read()
    await say(live, misha, WRITE_MENTOR)
    await misha.send_photo(b"\x89PNG homework", caption="Моя домашняя работа")
    await live.handled()
    await say(live, misha, WRITE_MENTOR)
    await misha.send_document("essay.pdf", b"%PDF essay")
    await live.handled()
    await say(live, misha, WRITE_MENTOR)
    await misha.send_voice(b"OggS hello")
    await live.handled()
    # A sticker is not carried: a clear answer, the step stays, nothing is relayed.
    await say(live, misha, WRITE_MENTOR)
    await misha.send_sticker()
    await live.handled()
    assert misha.last_message.text == t("channel.refused.kind")
    await world.deliver()
    photo, document, voice = await anna.wait_messages(3)
    assert photo.photo == b"\x89PNG homework"
    assert photo.text == "✉️ Миша Иванов (наставляемый):\nМоя домашняя работа"
    assert document.document.content == b"%PDF essay" and document.document.filename == "essay.pdf"
    assert document.text == "✉️ Миша Иванов (наставляемый)"
    assert voice.raw["voice"]["file_size"] == len(b"OggS hello")
    assert all(m.buttons == [REPLY] for m in (photo, document, voice))
    # /cancel ends the step that the sticker left open.
    await say(live, misha, "/cancel")
    await say(live, misha, "не для наставника")
    assert await counted(world) == 3


async def test_refused_when_paused_completed_or_forgotten_and_for_another_pair(world):
    live = world.live
    anna, misha, pair_id = await pair_of_two(world)
    # Another pair of the programme: its id on a forged button is refused like any stranger's.
    olga, olga_pid = await world.person(303, "mentor", "Ольга Петровна")
    kolya, kolya_pid = await world.person(304, "mentee", "Коля Сидоров")
    [other_pair] = await world.pair(olga_pid, kolya_pid)
    for data in (ChannelReplyCallback(pair=other_pair).pack(),
                 ChannelCallback(action="w", pair=other_pair).pack(),
                 ChannelCallback(action="w", pair=pair_id, group=True).pack()):  # not a mentor
        assert (await press_data(live, misha, data)).text == DENIED
    assert await counted(world) == 0

    async def set_state(state: str) -> None:
        async with live.app.sessionmaker() as session, session.begin():
            await session.execute(update(Pair).where(Pair.id == pair_id).values(state=state))

    # Paused: the button and the step both refuse, and a stale reply button too.
    await say(live, misha, WRITE_MENTOR)  # the step is open when the curator pauses the pair
    await set_state(PairState.PAUSED)
    await say(live, misha, HELLO)
    assert misha.last_message.text == t("channel.refused.paused")
    assert (await press_data(live, misha, ChannelReplyCallback(pair=pair_id).pack())).text \
        == t("channel.refused.paused")
    await say(live, misha, "ещё раз")  # the step ended with the refusal
    assert misha.last_message.text == t("fallback.unknown")
    # Completed: refused with its own answer; the write button finds no pair.
    await set_state(PairState.COMPLETED)
    assert (await press_data(live, misha, ChannelReplyCallback(pair=pair_id).pack())).text \
        == t("channel.refused.closed")
    await say(live, misha, WRITE_MENTOR)
    assert misha.last_message.text == t("channel.no_pairs")
    await set_state(PairState.ACTIVE)
    # The mentee withdraws (/forget): the mentor's open step and buttons are refused.
    await say(live, anna, WRITE_MENTEE)
    await say(live, misha, "/forget")
    await press(live, misha, t("forget.confirm"))
    await say(live, anna, "Миша, ты здесь?")
    assert anna.last_message.text == t("channel.refused.gone")
    assert (await press_data(live, anna, ChannelReplyCallback(pair=pair_id).pack())).text \
        == t("channel.refused.gone")
    # And the one who left has no pair at all: a forged button is a stranger's.
    assert (await press_data(live, misha, ChannelReplyCallback(pair=pair_id).pack())).text \
        == DENIED
    assert await counted(world) == 0
    assert await channel_rows(world) == []


async def test_forget_erases_what_was_relayed_and_retention_erases_the_rest(world):
    live = world.live
    anna, misha, _ = await pair_of_two(world)
    await write(world, misha, WRITE_MENTOR, "Секретик Миши для наставника")
    await write(world, anna, WRITE_MENTEE, "Ответ Анны Мише")
    await world.deliver()
    await anna.wait_messages(1)
    assert (await tables_holding(live, ["Секретик Миши", "Ответ Анны"]))["outbox.payload"] \
        == ["Секретик Миши", "Ответ Анны"]
    await say(live, misha, "/forget")
    await press(live, misha, t("forget.confirm"))
    await live.journal_cleared()  # the updates themselves held the texts until now
    # His message (to the mentor) and the one he received are gone; the counts stay.
    assert await tables_holding(live, ["Секретик Миши", "Ответ Анны"]) == {}
    assert await counted(world) == 2

    # Retention: what the mentor writes to another mentee is erased after channel_keep_days.
    kolya, kolya_pid = await world.person(304, "mentee", "Коля Сидоров")
    async with live.app.sessionmaker() as session:
        anna_pid = (await session.execute(select(Pair.mentor_id))).scalars().first()
    await world.pair(anna_pid, kolya_pid)
    await say(live, anna, WRITE_MENTEE)
    await say(live, anna, "Коля, привет от Анны")
    await world.deliver()
    assert await channel_retention(world.job_context()) == 0  # not yet
    assert await tables_holding(live, ["привет от Анны"])
    world.clock.set(T0 + timedelta(days=live.app.settings.channel_keep_days, minutes=1))
    assert await channel_retention(world.job_context()) == 1
    await live.journal_cleared()
    assert await tables_holding(live, ["привет от Анны"]) == {}
    assert await channel_retention(world.job_context()) == 0  # erased once


async def test_curator_sees_counts_never_content_and_messages_keep_a_pair_off_the_risk_list(world):
    live = world.live
    anna, misha, pair_id = await pair_of_two(world)
    async with live.app.sessionmaker() as session, session.begin():
        curator_user = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, world.organisation_id, curator_user.id, "Куратор")
        await session.execute(update(Pair).where(Pair.id == pair_id).values(created_at=T0))
    curator = world.emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    world.clock.set(T0 + timedelta(days=10))
    await write(world, misha, WRITE_MENTOR, HELLO)
    await write(world, anna, WRITE_MENTEE, ANSWER)
    await say(live, curator, "/pairs")
    pair_button = next(b for b in curator.last_message.buttons if "↔ Миша Иванов" in b)
    await press(live, curator, pair_button)
    card = curator.last_message.text
    assert t("channel.card", week=2, total=2) in card
    assert HELLO not in curator.transcript() and "в кабинете 12" not in curator.transcript()

    # At risk: no meeting for the cadence AND no message. A message in the window keeps the
    # pair off the list; two weeks of silence puts it on.
    async with live.app.sessionmaker() as session:
        day = (T0 + timedelta(days=15)).date()
        assert await cadence.pairs_at_risk(session, world.programme_id, day) == []
        day = (T0 + timedelta(days=30)).date()
        assert [p.pair_id for p in await cadence.pairs_at_risk(
            session, world.programme_id, day)] == [pair_id]


async def test_a_mentor_writes_to_the_whole_group_and_a_mentee_answers_the_mentor_only(world):
    live = world.live
    anna, anna_pid = await world.person(311, "mentor", "Анна Игоревна")
    misha, misha_pid = await world.person(312, "mentee", "Миша Иванов")
    katya, katya_pid = await world.person(313, "mentee", "Катя Петрова")
    await world.pair(anna_pid, misha_pid, katya_pid)
    await say(live, anna, WRITE_MENTEE)
    choices = anna.last_message
    assert choices.text == t("channel.choose")
    assert choices.buttons == [button("channel.choice.mentor", name="Миша Иванов"),
                               button("channel.choice.mentor", name="Катя Петрова"),
                               button("channel.choice.group", n=2)]
    await press(live, anna, button("channel.choice.group", n=2))
    assert anna.last_message.text == t("channel.prompt.group", n=2)
    await say(live, anna, "Завтра встреча группы в 15:00")
    assert anna.last_message.text == t("channel.sent.group", n=2)
    await world.deliver()
    for mentee in (misha, katya):
        [got] = await mentee.wait_messages(1)
        assert got.text == "✉️ Анна Игоревна (наставник) — всей группе:\nЗавтра встреча группы в 15:00"
    # Катя answers: the mentor gets it, Миша does not.
    anna.mark_read()
    misha.mark_read()
    await press(live, katya, REPLY)
    await say(live, katya, "Приду!")
    await world.deliver()
    [answer] = await anna.wait_messages(1)
    assert answer.text == "✉️ Катя Петрова (наставляемый):\nПриду!"
    assert not any("Приду" in (m.text or "") for m in misha.messages)
    assert await counted(world) == 3  # the group message counts for each of its two pairs


async def test_too_long_is_refused_and_the_step_stays_and_help_and_consent_say_so(world):
    live = world.live
    anna, misha, _ = await pair_of_two(world)
    await say(live, misha, WRITE_MENTOR)
    await say(live, misha, "я" * 3501)
    assert misha.last_message.text == t("channel.refused.too_long", limit=3500)
    await say(live, misha, "коротко")
    assert misha.last_message.text == t("channel.sent.one", name="Анна Игоревна")
    assert await counted(world) == 1
    await say(live, misha, "/help")
    assert "/write" in misha.last_message.text and WRITE_MENTOR in misha.last_message.text
    # The consent a guardian gives for a child states the channel (ru and en).
    assert "обмениваться сообщениями с наставником" in t("consent.body", organisation="O",
                                                          programme="P", start="1", end="2")
    assert "exchange messages with the mentor" in t("consent.body", locale="en",
                                                    organisation="O", programme="P", start="1",
                                                    end="2")


async def test_a_keyboard_button_at_a_typed_step_is_the_button_not_the_answer(world):
    """The mentee is at the meeting's place step and presses «✉️ Написать наставнику»: the
    label is no place, no proposal is stored, the channel opens and a note says the step was
    left."""
    live = world.live
    anna, anna_pid = await world.person(311, "mentor", "Анна Игоревна")
    misha, misha_pid = await world.person(312, "mentee", "Миша Иванов")
    await world.pair(anna_pid, misha_pid)
    await misha.send("/meet")
    await live.handled()
    await press(live, misha, next(b for b in misha.last_message.buttons if b.startswith("✓ ")))
    await press(live, misha, misha.last_message.buttons[0])  # the first day offered
    await press(live, misha, "15:00")
    await press(live, misha, t("meetings.format.offline"))
    misha.mark_read()

    await misha.send(t("channel.button.write_mentor"))
    prompt, note = await misha.wait_messages(2)
    assert prompt.text == t("channel.prompt.mentor", name="Анна Игоревна")
    assert note.text == t("steps.left")
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Meeting)) == 0
