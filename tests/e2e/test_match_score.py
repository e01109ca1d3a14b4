"""One match score (issue 19, item 6): the /match draft and the pair's card show the same
number. The pair below scores 36.54 (half the requests covered, a shared format, one shared
slot of the two that count): the draft said 37 while the card, rounding a stored 36.5 again,
said 36."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from models import Pair
from tests.e2e.helpers import eventually, join_as_adult, press
from tests.e2e.test_matching import CURATOR, add_curator, set_answer
from tests.texts import t


async def test_the_draft_and_the_pair_card_show_the_same_score(live, emulator):
    seeded = await seed_programme(live.app, forms=["teacher_student"])
    await add_curator(live, seeded.organisation_id, CURATOR)
    mentor = emulator.user(4301, first_name="Анна", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live, name="Смирнова Анна")
    await answer_survey(mentor, "mentor_profile", live, texts={"max_mentees": "1"})
    mentee = emulator.user(4302, first_name="Миша", language_code="ru")
    await join_as_adult(mentee, seeded.mentee_token, live, name="Иванов Миша")
    await answer_survey(mentee, "mentee_profile", live)
    for name, question, value in (
            ("Смирнова Анна", "competencies", ["project_work"]),
            ("Смирнова Анна", "interests", ["sport"]),
            ("Смирнова Анна", "meeting_format", ["offline"]),
            ("Смирнова Анна", "availability", ["weekday_morning", "saturday"]),
            ("Иванов Миша", "requests", ["project_work", "exam_prep"]),
            ("Иванов Миша", "interests", ["music"]),
            ("Иванов Миша", "meeting_format", ["offline", "online"]),
            ("Иванов Миша", "availability", ["weekday_morning", "sunday"])):
        await set_answer(live, name, question, value)

    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await curator.send("/match")
    (draft,) = await curator.wait_messages(1)
    line = next(x for x in draft.text.splitlines() if "Смирнова Анна ↔ Иванов Миша" in x)
    drafted = re.search(r"↔ Иванов Миша · (\d+) ·", line).group(1)
    assert drafted == "37", line

    await press(live, curator, t("match.btn.approve"))
    await curator.wait_messages(1)
    await press(live, curator, t("match.btn.yes"))

    async def paired(session):
        return await session.scalar(select(Pair.score))

    assert await eventually(live, paired) == 37  # stored as shown
    curator.mark_read()
    await curator.send("/pairs")
    (listing,) = await curator.wait_messages(1)
    await press(live, curator, next(b for b in listing.buttons if "↔ Иванов Миша" in b))
    (card,) = await curator.wait_messages(1)
    assert f"Балл совпадения: {drafted} (" in card.text, card.text
