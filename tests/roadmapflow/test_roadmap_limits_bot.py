"""One roadmap upload no longer freezes the bot for everyone (issue #16, item 5): a hostile file
gets a clear answer in the curator's language at once and stores nothing; the biggest file the
limits permit is read in a worker process while other people are answered as usual."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from bench._roadmap_files import million_paragraphs_docx, rows_xlsx, worst_permitted
from models import RoadmapDraft
from tests.e2e.helpers import press
from tests.roadmapflow.test_roadmap_bot import setup
from tests.texts import button, t

PERIOD = (date(2022, 8, 1), date(2023, 6, 30))
CURATOR = 761
SERVED_WITHIN = 0.2
# Timing under load (latency, a reader's time limit, Telegram's rate limits as the emulator
# counts them): the tests of xdist group "timing" run on one worker, one after another, never
# side by side with each other (scripts/test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("timing")


async def start_upload(live, curator, locale: str = "ru") -> None:
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, button("roadmap.btn.upload", locale=locale))
    curator.mark_read()


async def drafts(live) -> int:
    async with live.app.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(RoadmapDraft))


async def test_hostile_files_get_a_clear_answer_in_the_curators_language(live, emulator):
    await setup(live, PERIOD, telegram_id=CURATOR)
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    await start_upload(live, curator)
    started = time.monotonic()
    await curator.send_document(filename="roadmap.docx", content=million_paragraphs_docx())
    (answer,) = await curator.wait_messages(1, timeout=20)
    assert time.monotonic() - started < 10
    assert answer.text == t("roadmap.limit.ratio", ratio=100)
    # Still waiting for a file: the next one is taken.
    await curator.send_document(filename="roadmap.xlsx", content=rows_xlsx())
    (answer,) = await curator.wait_messages(1, timeout=20)
    assert answer.text == t("roadmap.limit.unpacked", mb=10)
    assert await drafts(live) == 0

    english = emulator.user(CURATOR + 1, first_name="Mary", language_code="en")
    await setup(live, PERIOD, curator_name="Mary Smith", telegram_id=CURATOR + 1)
    await start_upload(live, english, "en")
    await english.send_document(filename="roadmap.docx", content=million_paragraphs_docx())
    (answer,) = await english.wait_messages(1, timeout=20)
    assert answer.text == t("roadmap.limit.ratio", locale="en", ratio=100)


async def test_others_are_answered_while_the_biggest_permitted_file_is_read(live, emulator):
    await setup(live, PERIOD, telegram_id=CURATOR)
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    content = worst_permitted("docx")  # ~3 s of reading on this machine
    await start_upload(live, curator)
    reading_since = time.monotonic()
    await curator.send_document(filename="roadmap.docx", content=content)
    await asyncio.sleep(0.3)  # downloaded and handed to the reader by now

    waits = []
    for n in range(5):
        person = emulator.user(9760 + n, first_name="Гость", language_code="ru")
        started = time.monotonic()
        await person.send("/help")
        await person.wait_messages(1, timeout=30)
        waits.append(time.monotonic() - started)
    assert not curator.messages[curator._read:], "the file was read before the others came"
    assert max(waits) < SERVED_WITHIN, [round(w, 3) for w in waits]

    (answer,) = await curator.wait_messages(1, timeout=60)
    assert answer.text and time.monotonic() - reading_since > max(waits)
