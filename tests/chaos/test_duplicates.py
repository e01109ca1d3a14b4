"""Issue 11, duplicates: the same update delivered twice (after a crash, a lost answer to
getUpdates, a webhook retry) changes nothing the second time. Fed again through the running
bot's own Dispatcher, as bot/cli/demo.py `redeliver` does."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.cli.demo import redeliver
from bot.emulator.seed import seed_programme
from models import ConsentRecord, Participation, SurveyAnswer


def update_of(emulator, payload: dict) -> int:
    """The update id under which a message or a callback query was handed out."""
    for update_id, update in emulator.state.queue.history.items():
        body = update.get("callback_query") or update.get("message") or {}
        if body is not None and body.get("id", body.get("message_id")) == payload.get(
                "id", payload.get("message_id")) and body.get("from") == payload.get("from"):
            return update_id
    raise AssertionError("no such update")


async def count(live, model, *where) -> int:
    await live.handled()
    async with live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_consent_and_survey_answer_delivered_twice(live, emulator):
    seeded = await seed_programme(live.app)
    user = emulator.user(3501, first_name="Дубль", language_code="ru")
    await user.send(f"/start {seeded.mentor_token}")
    await user.wait_messages(2)
    await user.press("18 лет и старше")
    await user.wait_messages(1)
    consent = await user.press("✅ Даю согласие")
    await user.wait_messages(2)
    await live.handled()

    await redeliver(live, emulator, update_of(emulator, consent))
    assert await count(live, Participation) == 1
    assert await count(live, ConsentRecord, ConsentRecord.decision == "accepted") == 1

    name = await user.send("Дублёв Дубль")
    await live.handled()
    first_question = user.last_message.text
    assert "Вопрос 1 из" in first_question
    answer = await user.send("Учитель истории")
    await live.handled()
    second_question = user.last_message.text
    assert "Вопрос 2 из" in second_question
    replies = len(user.messages)

    await redeliver(live, emulator, update_of(emulator, answer))
    await redeliver(live, emulator, update_of(emulator, name))
    assert await count(live, SurveyAnswer) == 1
    assert len(user.messages) == replies  # no second reply
    assert user.last_message.text == second_question  # the survey did not advance twice
