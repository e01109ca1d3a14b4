"""A curator of two programmes: every command about one programme first asks which, with one
button per programme, and the button opens that programme (not the other one)."""

from __future__ import annotations

import pytest

from bot.emulator.live import live_bot
from tests.digest.seed import seed
from tests.e2e.helpers import press

CURATOR = 710
FIRST, SECOND = "Педагоги 2026", "Студенты 2026"
DIGEST_MARK = "📊 Дайджест"
COMMANDS = {  # command: the question asked before the buttons
    "/status": "Какая программа?",
    "/report": "Отчёт по какой программе?",
    "/participants": None,
    "/match": "Выберите программу:",
    "/pairs": "Выберите программу:",
    "/practices": "Выберите программу, истории пар которой хотите посмотреть:",
    "/monitoring": None,
    "/announce": None,
}


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_curator_of_two_programmes_chooses_then_sees_the_chosen_one(
        settings, emulator, command):
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    async with live_bot(settings, emulator) as live:
        async with live.app.sessionmaker() as session, session.begin():
            await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                       title=FIRST, people_base=7100)
            await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                       title=SECOND, people_base=7200)
        await curator.send(command)
        await live.handled()
        question = curator.last_message
        assert question.buttons == [FIRST, SECOND], question.text
        if COMMANDS[command]:
            assert question.text == COMMANDS[command]
        shown = len(curator.messages)

        await press(live, curator, SECOND)
        after = curator.messages[shown - 1:]  # the question may be edited, or new replies come
        texts = "\n".join(text for text in (m.text or m.raw.get("caption") for m in after)
                           # The week's digest of both programmes may come meanwhile (the
                           # scheduler runs; from Monday 09:00 on it is due): not a reply.
                           if text and not text.startswith(DIGEST_MARK))
        assert SECOND in texts and FIRST not in texts, texts
        assert "недоступно" not in texts
