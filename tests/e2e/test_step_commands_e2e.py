"""Issue 16, item 1, as the issue found it: a command typed at a free-text step became the
answer (the name «/forget», an organisation «/status»). The sweep over every step and command
is tests/test_step_commands.py; these are the live scenarios, on either backend."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.emulator.live import live_bot
from bot.emulator.seed import seed_programme
from models import Organisation, Participation, SurveyResponse
from tests.e2e.helpers import press
from tests.texts import t

OWNER = 510


@pytest.fixture
async def live(settings, emulator):
    settings = settings.model_copy(update={"admin_ids": frozenset({OWNER})})
    async with live_bot(settings, emulator) as running:
        yield running


async def _names(live) -> list[str | None]:
    await live.handled()
    async with live.app.sessionmaker() as session:
        return list((await session.scalars(select(Participation.full_name))).all())


async def _at_name_step(live, emulator, user_id: int):
    """A mentee who opened the link, is an adult and consented: the bot asks for the name."""
    seeded = await seed_programme(live.app)
    user = emulator.user(user_id, first_name="Анна", language_code="ru")
    await user.send(f"/start {seeded.mentee_token}")
    await user.wait_messages(2)
    await user.press(t("age_group.18_plus"))
    await user.wait_messages(1)
    await user.press(t("consent.accept"))
    _, ask_name = await user.wait_messages(2)
    return user, ask_name


async def test_forget_and_help_at_the_name_step_are_commands_not_a_name(live, emulator):
    user, ask_name = await _at_name_step(live, emulator, 3601)
    assert "Как вас зовут" in ask_name.text

    await user.send("/forget")
    (ask,) = await user.wait_messages(1)
    assert "Отозвать согласие" in ask.text  # withdrawing is offered, not taken as a name
    assert await _names(live) == [None]
    await press(live, user, t("forget.keep"))

    await user.send("/help")
    (help_text,) = await user.wait_messages(1)
    assert "Что я умею" in help_text.text
    assert await _names(live) == [None]

    await user.send("/start")
    (overview,) = await user.wait_messages(1)
    assert "Ваши программы" in overview.text

    # The step is still there: the name typed now is the name.
    await user.send("Смирнова Анна")
    (question,) = await user.wait_messages(1)
    assert "Вопрос 1 из" in question.text
    assert await _names(live) == ["Смирнова Анна"]


async def test_forget_confirmed_at_the_name_step_erases_and_ends_the_step(live, emulator):
    user, _ = await _at_name_step(live, emulator, 3602)
    await user.send("/forget")
    await user.wait_messages(1)
    await press(live, user, t("forget.confirm"))
    assert "данные удалены" in user.last_message.text
    async with live.app.sessionmaker() as session:
        state = await session.scalar(select(Participation.state))
    assert state == "withdrawn"
    await user.send("Смирнова Анна")  # no step any more: nothing is stored
    (reply,) = await user.wait_messages(1)
    assert "не понял" in reply.text
    assert await _names(live) == [None]


async def test_a_refused_or_unknown_command_at_a_step_keeps_the_step(live, emulator):
    user, _ = await _at_name_step(live, emulator, 3603)
    await user.send("/status")
    (refusal,) = await user.wait_messages(1)
    assert refusal.text == t("access.curator_only")
    await user.send("/nosuchcommand")
    (unknown,) = await user.wait_messages(1)
    assert "такой команды нет" in unknown.text
    assert await _names(live) == [None]
    await user.send("Смирнова Анна")
    (question,) = await user.wait_messages(1)
    assert "Вопрос 1 из" in question.text
    assert await _names(live) == ["Смирнова Анна"]


async def test_a_command_leaves_the_step_then_a_note_says_so(live, emulator):
    user, _ = await _at_name_step(live, emulator, 3604)
    await user.send("/timezone")
    prompt, note = await user.wait_messages(2)
    assert "часовой пояс" in prompt.text
    assert note.text == t("steps.left")
    await user.send("Asia/Yekaterinburg")  # the answer of the new step, not a name
    (changed,) = await user.wait_messages(1)
    assert "Asia/Yekaterinburg" in changed.text
    assert await _names(live) == [None]
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


async def test_status_at_the_organisation_name_step_is_not_an_organisation(live, emulator):
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    async with live.app.sessionmaker() as session:
        before = await session.scalar(select(func.count()).select_from(Organisation))
    await owner.send("/neworg")
    await owner.wait_messages(1)
    await owner.send("/status")
    (answer,) = await owner.wait_messages(1)
    assert "куратору" in answer.text  # refused: the owner curates nothing here
    await owner.send("/orgs@mentorbot_test_bot")
    listing, note = await owner.wait_messages(2)
    assert "Организаций пока нет" in listing.text
    assert note.text == t("steps.left")
    await owner.send("/neworg")
    await owner.wait_messages(1)
    await owner.send("/typo")
    (refused,) = await owner.wait_messages(1)
    assert "такой команды нет" in refused.text
    await live.handled()
    async with live.app.sessionmaker() as session:
        names = (await session.scalars(select(Organisation.name))).all()
    assert len(names) == before and not [n for n in names if n.startswith("/")]
    # The step stayed after the unknown command: a real name is taken.
    await owner.send("Гимназия №7")
    (proposal,) = await owner.wait_messages(1)
    assert "Администрация Гимназии №7 выражает" in proposal.text
    # A command at the genitive step is a command, not the genitive either.
    await owner.send("/orgs")
    listing, note = await owner.wait_messages(2)
    assert note.text == t("steps.left")
