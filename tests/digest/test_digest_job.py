"""The weekly digest job: queued at the programme's local weekday and time, once per ISO week
(running the job again or after a restart queues nothing), with the right figures; the chart
is a valid PNG and is attached only when there is meeting data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from PIL import Image
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery.generators import generators
from bot.delivery.render import Rendered, Renderer
from bot.services.notices import digest
from bot.services.notices.digest_chart import render_chart
from bot.services.programmes import curation
from models import OutboxMessage, Programme
from scheduler import curator_jobs
from scheduler.jobs import JobContext
from tests.digest.seed import seed, seed_meetings

# Monday 16 November 2026, 09:00 in Moscow is 06:00 UTC.
MONDAY_0900_MSK = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)
GROUP = -100500


def context(app, clock: ManualClock, wakes: list[int]) -> JobContext:
    return JobContext(app.settings, app.sessionmaker, app.translator, clock, None,  # type: ignore[arg-type]
                      lambda: wakes.append(1))


async def digest_rows(app) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list(await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "digest").order_by(OutboxMessage.id)))


def render(app, row: OutboxMessage) -> Rendered:
    """The row as the sender renders it at send time (the curator's chat, no account here)."""
    return Renderer(app.translator, "ru", "Europe/Moscow").render(
        row.payload, user_locale=None, row_locale=row.locale, user_timezone=None)


async def test_digest_is_queued_once_at_the_local_time(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1, chat_id=GROUP)
    clock = ManualClock(MONDAY_0900_MSK - timedelta(minutes=1))
    wakes: list[int] = []
    assert await curator_jobs.digest_job(context(app, clock, wakes)) == 0  # 08:59 Moscow
    clock.set(MONDAY_0900_MSK + timedelta(minutes=2))
    assert await curator_jobs.digest_job(context(app, clock, wakes)) == 1
    clock.advance(minutes=5)
    assert await curator_jobs.digest_job(context(app, clock, wakes)) == 0  # the next tick
    # a restart: a new context, the same database, later that week
    clock.advance(days=2)
    assert await curator_jobs.digest_job(context(app, ManualClock(clock.now()), [])) == 0
    rows = await digest_rows(app)
    assert len(rows) == 1 and wakes == [1]
    (row,) = rows
    assert row.chat_id == GROUP
    assert row.dedupe_key == f"digest:{seeded.programme_id}:2026-W47:chat:{GROUP}"
    text = render(app, row).text
    assert "Наставники: 3" in text and "Наставляемые: 4" in text
    assert "Пары: 2" in text and "знакомство 1" in text and "рабочие встречи 1" in text
    assert "Бот не может написать (1): Кузнецова Вера" in text
    assert "attachment" not in row.payload  # no meeting data yet: no chart
    assert len(text) < 1000  # short enough for a phone
    # the next week comes again
    clock.set(MONDAY_0900_MSK + timedelta(days=7))
    assert await curator_jobs.digest_job(context(app, clock, [])) == 1


async def test_curator_chosen_weekday_and_time_and_only_running_programmes(app):
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1)
        other = await seed(session, app.translator, curator_telegram_id=2, title="Другая",
                           people_base=2000)
        await digest.set_schedule(session, seeded.curator_user_id, seeded.programme_id, 2,
                                  "18:00", MONDAY_0900_MSK)  # set that Monday morning
        (await session.get(Programme, other.programme_id)).state = "completed"
    clock = ManualClock(MONDAY_0900_MSK + timedelta(hours=1))
    assert await curator_jobs.digest_job(context(app, clock, [])) == 0
    clock.set(datetime(2026, 11, 18, 15, 0, tzinfo=UTC))  # Wednesday 18:00 Moscow
    assert await curator_jobs.digest_job(context(app, clock, [])) == 1
    (row,) = await digest_rows(app)
    assert row.chat_id == 1  # no bound group: the curator's private chat


async def test_a_programme_started_after_this_weeks_moment_waits_for_next_week(app):
    # Started on Wednesday (the digest's moment, Monday 09:00, already past): its first weekly
    # digest is next Monday's, not this week's a minute after the curator pressed «Запустить».
    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1, chat_id=GROUP)
        programme = await session.get_one(Programme, seeded.programme_id)
        programme.state = "preparing"
        programme.digest_since = None
    wednesday = MONDAY_0900_MSK + timedelta(days=2)
    async with app.sessionmaker() as session, session.begin():
        programme = await session.get_one(Programme, seeded.programme_id)
        await curation.advance_state(session, programme, "running", wednesday)
    clock = ManualClock(wednesday + timedelta(minutes=1))
    assert await curator_jobs.digest_job(context(app, clock, [])) == 0
    clock.set(MONDAY_0900_MSK + timedelta(days=7, minutes=1))
    assert await curator_jobs.digest_job(context(app, clock, [])) == 1
    (row,) = await digest_rows(app)
    assert row.dedupe_key.startswith(f"digest:{seeded.programme_id}:2026-W48:")


async def test_the_chart_is_a_png_and_is_attached_when_meetings_exist(app):
    series = [(date(2026, 11, 2), 3, 8.5), (date(2026, 11, 9), 5, None),
              (date(2026, 11, 16), 4, 9.0)]
    png = render_chart(series, meetings_label="Встречи", score_label="Оценка")
    image = Image.open(BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 600

    async with app.sessionmaker() as session, session.begin():
        seeded = await seed(session, app.translator, curator_telegram_id=1, chat_id=GROUP)
        await seed_meetings(session, seeded)
    assert await curator_jobs.digest_job(context(app, ManualClock(MONDAY_0900_MSK), [])) == 1
    text_row, chart_row = await digest_rows(app)
    text = render(app, text_row).text
    assert "Встречи: на этой неделе 1, на прошлой 1" in text
    assert "Полезность встреч: 10.0 ↑ (прошлая неделя 8.5)" in text
    assert "Не заполнено анкет обратной связи: 1" in text
    assert "Без встречи и переписки дольше 14 дн. (1): Иванова Анна — Орлов Глеб" in text
    assert "Просрочено в дорожной карте (1): 1.1 Приказ о наставничестве (до 02.11)" in text
    assert "Сроки в ближайшие 2 недели (1): 2.3 Промежуточный опрос (до 25.11)" in text
    assert len(text) < 1200  # short enough for a phone
    (button,), = render(app, text_row).reply_markup.inline_keyboard
    assert button.text == "🔔 Напомнить: Иванова Анна" and button.callback_data.startswith(
        "dgn:")
    attachment_series = chart_row.payload["attachment"]["args"]["series"]
    assert attachment_series[-2:] == [["2026-11-09", 1, 8.5], ["2026-11-16", 1, 10.0]]
    assert attachment_series[0][0] == "2026-08-31"
    attachment = chart_row.payload["attachment"]
    name, content = await generators(app.translator)[digest.CHART_GENERATOR](
        attachment["args"], "ru")
    assert content.startswith(b"\x89PNG\r\n\x1a\n") and name.endswith(".png")
