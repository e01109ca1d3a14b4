"""Bot-initiated messages are rendered when they are sent, in the language the recipient has
then: the weekly digest queued while the curator read Russian arrives in English (text,
buttons, the chart's caption) after they switched, and the meeting's calendar file is titled in
each recipient's language."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import update

from bot.delivery.generators import generators
from bot.services.meetings import ics
from bot.services.notices import digest
from models import User
from tests.delivery.conftest import drain
from tests.digest.seed import seed, seed_meetings

MONDAY_0900_MSK = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
CURATOR = 30_001


async def test_the_digest_speaks_the_curators_language_when_it_is_sent(make_sender, db, emu,
                                                                       translator):
    async with db() as session, session.begin():
        seeded = await seed(session, translator, curator_telegram_id=CURATOR, people_base=31_000)
        await seed_meetings(session, seeded)
        await session.execute(update(User).where(User.telegram_id == CURATOR)
                              .values(locale="ru"))
        assert await digest.queue_digest(session, seeded.programme_id, MONDAY_0900_MSK, "ru") == 1
    async with db() as session, session.begin():  # the curator switched to English since
        await session.execute(update(User).where(User.telegram_id == CURATOR)
                              .values(locale="en"))
    curator = emu.user(CURATOR, language_code="en")
    await curator.send("/start")
    await drain(make_sender(emu))
    text, chart = curator.messages
    assert text.text.startswith("📊 Digest of “Наставничество 2026”, 16.11.2026")
    assert "Mentors: 3" in text.text and "Дайджест" not in text.text
    assert text.buttons == ["🔔 Nudge: Иванова Анна"]
    assert text.inline_buttons()[0]["callback_data"].startswith("dgn:")
    assert chart.photo is not None and chart.raw["caption"] == "Meetings per week and the average score"


def _summary(content: bytes) -> str:
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    return str(event["SUMMARY"])


async def test_the_calendar_file_is_titled_in_the_recipients_language(translator):
    generate = generators(translator)[ics.GENERATOR]
    args = ics.ics_args(meeting_id=3, sequence=0, starts_at=MONDAY_0900_MSK, duration_minutes=60,
                        timezone="Europe/Moscow", kind="trial", location=None, online=False)
    name, ru = await generate(args, "ru")
    assert name == "meeting.ics" and _summary(ru) == "Наставничество: пробная встреча"
    _, en = await generate(args, "en")
    assert _summary(en) == "Mentoring: trial meeting"
    # a row queued before the upgrade carries its summaries: they are kept
    old = {**args, "summary": {"ru": "Встреча", "en": "Meeting"}}
    del old["kind"]
    assert _summary((await generate(old, "en"))[1]) == "Meeting"


async def test_a_chart_queued_with_its_labels_before_the_upgrade_still_draws(translator):
    generate = generators(translator)[digest.CHART_GENERATOR]
    series = {"series": [["2026-11-09", 1, 8.5], ["2026-11-16", 2, None]]}
    for args in (series, {**series, "meetings_label": "Встречи", "score_label": "Оценка"}):
        name, png = await generate(args, "en")
        assert name == "digest.png" and png.startswith(b"\x89PNG")
