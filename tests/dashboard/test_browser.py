"""The dashboard in a real browser (Debian's Chromium through Playwright), at a phone's width:
the curator asks the live bot for /dashboard, opens the «📊 Панель» button as Telegram would
(the page URL with initData the emulator signed with the bot's token), and every view shows the
figures of /status and /report, read here from the database; the nudge goes out to the mentor.
A forged signature and another organisation's programme are refused. Screenshots of each view
go to $TEST_ARTIFACTS/dashboard-<database>/ (default tests/artifacts/).

Skipped with the reason when Chromium or Playwright is missing, unless REQUIRE_SERVICES=1 (CI),
where that fails."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.emulator import BotAPIEmulator, web_app
from bot.emulator.live import live_bot
from bot.emulator.live_webhook import free_port
from bot.services.reports import programme_stats
from models import Meeting
from tests.conftest import service_missing
from tests.digest.seed import seed, seed_meetings

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
# One folder per database: CI runs the SQLite and the PostgreSQL passes side by side.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).parents[1] / "artifacts"
                 ) / f"dashboard-{os.environ.get('TEST_BACKEND', 'sqlite')}"
CURATOR, OTHER_CURATOR, MENTOR = 7001, 7002, 1001  # MENTOR: Иванова Анна (seed people_base 1000)


def chromium_present() -> bool:
    return bool(shutil.which(CHROMIUM) or Path(CHROMIUM).is_file())


@pytest.fixture
async def browser():
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        service_missing("playwright", "pip install playwright (the dev extras)")
    if not chromium_present():
        service_missing("chromium", f"{CHROMIUM} is missing: apt-get install chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield launched
        finally:
            await launched.close()


async def phone_page(browser):
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, locale="ru-RU",
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    # No internet here: Telegram's script is not loaded; the page reads the launch parameters.
    await page.route("https://telegram.org/**", lambda route: route.abort())
    page.problems = []  # script errors and refusals of the page's Content-Security-Policy
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None)
    return page


async def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def no_sideways_scroll(page) -> None:
    """Readable at 360 px: nothing but the board and tables scrolls sideways."""
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def text_of(page, testid: str) -> str:
    return (await page.get_by_test_id(testid).inner_text()).strip()


async def data_of(page, testid: str, name: str) -> str:
    return await page.get_by_test_id(testid).get_attribute(f"data-{name}")


async def open_tab(page, tab: str) -> None:
    await page.get_by_test_id(f"tab-{tab}").click()
    await page.wait_for_selector(f'#view[data-ready="{tab}"]')


@pytest.fixture
async def running(settings):
    port = free_port()
    settings = settings.model_copy(update={
        "dashboard_url": f"http://127.0.0.1:{port}/dashboard/", "dashboard_port": port})
    emulator = BotAPIEmulator(bot_username="mentorbot_test_bot")
    await emulator.start()
    try:
        async with live_bot(settings, emulator) as live:
            async with live.app.sessionmaker() as session, session.begin():
                ours = await seed(session, live.app.translator, curator_telegram_id=CURATOR)
                await seed_meetings(session, ours)
                theirs = await seed(session, live.app.translator,
                                    curator_telegram_id=OTHER_CURATOR, title="Чужая программа",
                                    people_base=2000)
            yield live, ours, theirs
    finally:
        await emulator.stop()


async def dashboard_url(live, telegram_id: int) -> str:
    curator = live.emulator.user(telegram_id, "Куратор", language_code="ru")
    await curator.send("/dashboard")
    await curator.wait_messages(1)
    return curator.open_web_app("📊 Панель")


async def test_a_curator_reads_every_view_with_the_figures_of_status(browser, running):
    live, ours, _ = running
    url = await dashboard_url(live, CURATOR)
    now = datetime.now(UTC)
    async with live.app.sessionmaker() as session:
        f = await programme_stats.programme_figures(session, ours.programme_id, now)
        zone = ZoneInfo(f.timezone)
        november = [datetime.combine(day, time(0), zone) for day in
                    (datetime(2026, 11, 1).date(), datetime(2026, 12, 1).date())]
        meetings_in_november = await session.scalar(
            select(func.count()).select_from(Meeting).where(
                Meeting.programme_id == ours.programme_id, Meeting.starts_at >= november[0],
                Meeting.starts_at < november[1]))
    page = await phone_page(browser)
    await page.goto(url)
    await page.wait_for_selector('#view[data-ready="overview"]')
    assert await text_of(page, "title") == "Наставничество 2026"
    assert (await page.get_by_test_id("ov-mentors").locator(".n").inner_text()) \
        == str(f.active("mentor")) == "3"
    assert (await page.get_by_test_id("ov-mentees").locator(".n").inner_text()) \
        == str(f.active("mentee")) == "4"
    assert (await page.get_by_test_id("ov-open-pairs").locator(".n").inner_text()) \
        == str(f.open_pairs)
    assert (await page.get_by_test_id("ov-at-risk").locator(".n").inner_text()) \
        == str(len(f.at_risk))
    assert (await page.get_by_test_id("ov-overdue").locator(".n").inner_text()) \
        == str(len(f.roadmap_overdue))
    assert await text_of(page, "ov-unreachable") == "Кузнецова Вера"
    await no_sideways_scroll(page)
    await shot(page, "1-overview")

    await open_tab(page, "registry")
    assert await data_of(page, "reg-count", "matched") == "8"
    await page.get_by_test_id("reg-search").fill("иван")
    await page.wait_for_selector('[data-testid="reg-count"][data-matched="1"]')
    assert await page.locator('[data-testid="reg-table"] tbody td.name').first.inner_text() \
        == "Иванова Анна\nанкета не заполнена"
    await page.get_by_test_id("reg-search").fill("")
    await page.wait_for_selector('[data-testid="reg-count"][data-matched="8"]')
    await page.get_by_test_id("reg-role").select_option("mentee")
    await page.wait_for_selector('[data-testid="reg-count"][data-matched="5"]')
    await page.locator('th[data-sort="name"]').click()  # name, descending
    await page.wait_for_selector('th[data-sort="name"][aria-sort="descending"]')
    names = await page.locator('[data-testid="reg-table"] tbody td.name').all_inner_texts()
    assert [n.split("\n")[0] for n in names][:4] == ["Соколов Ян", "Орлов Глеб",
                                                     "Лебедева Ия", "Волков Лев"]
    await no_sideways_scroll(page)
    await shot(page, "2-registry")

    await open_tab(page, "pairs")
    assert await data_of(page, "pairs-count", "total") == str(f.open_pairs)
    for stage, count in f.pairs_by_stage.items():
        assert await data_of(page, f"stage-{stage}", "count") == str(count)
    at_risk = page.locator('[data-testid="stage-intro"] .pair[data-risk="true"]')
    assert await at_risk.count() == 1
    await no_sideways_scroll(page)
    await shot(page, "3-pairs")
    await at_risk.click()
    await page.wait_for_selector("#pair-dialog[open]")
    assert await text_of(page, "pair-title") == "Иванова Анна — Орлов Глеб"
    await shot(page, "4-pair-card")
    mentor = live.emulator.user(MENTOR)
    mentor.chat.known = True  # she has talked to the bot (the seed made her without a chat)
    await page.get_by_test_id("pair-nudge").click()
    await page.wait_for_selector('[data-testid="toast"]:not([hidden])')
    assert await text_of(page, "toast") == "Напоминание отправлено: Иванова Анна"
    (nudge,) = await mentor.wait_messages(1, timeout=10)
    assert "Орлов Глеб" in nudge.text  # the chat's own nudge, sent by the outbox
    await page.get_by_role("button", name="Закрыть").click()

    await open_tab(page, "calendar")
    await page.get_by_test_id("cal-month").click()
    await page.wait_for_selector('#view[data-ready="calendar"] [data-testid="cal-range"]')
    first = await data_of(page, "cal-range", "first")
    while first > "2026-11-01":  # back to November, month by month
        await page.get_by_test_id("cal-prev").click()
        await page.wait_for_selector(f'[data-testid="cal-range"]:not([data-first="{first}"])')
        first = await data_of(page, "cal-range", "first")
    assert first == "2026-11-01"
    assert await data_of(page, "cal-counts", "total") == str(meetings_in_november) == "4"
    days = await page.locator('#view .card[data-day]').evaluate_all(
        "cards => cards.map(c => [c.dataset.day, c.querySelectorAll('li').length])")
    assert days == [["2026-11-03", 1], ["2026-11-10", 1], ["2026-11-12", 1], ["2026-11-16", 1]]
    await no_sideways_scroll(page)
    await shot(page, "5-calendar-month")

    await open_tab(page, "monitoring")
    assert await data_of(page, "mon-feedback", "done") == str(f.feedback_completed)
    assert await data_of(page, "mon-feedback", "expected") == str(f.feedback_expected)
    assert await page.locator('[data-testid="mon-chart"] rect').count() == min(
        16, len(f.chart_series))
    await no_sideways_scroll(page)
    await shot(page, "6-monitoring")

    await open_tab(page, "roadmap")
    assert await data_of(page, "rm-counts", "overdue") == str(len(f.roadmap_overdue))
    overdue = await page.locator('.item[data-bucket="overdue"]').all_inner_texts()
    assert [line.split("\n") for line in overdue] == [
        [f"{x.deadline:%d.%m.%Y} · просрочено", x.label] for x in f.roadmap_overdue]
    await no_sideways_scroll(page)
    await shot(page, "7-roadmap")
    assert page.problems == []


async def test_a_forged_signature_and_another_organisation_are_refused(browser, running):
    live, ours, theirs = running
    url = await dashboard_url(live, CURATOR)
    page_url, fragment = url.split("#", 1)
    launch = dict(parse_qsl(fragment))
    fields = dict(parse_qsl(launch["tgWebAppData"]))
    # The same person and date, signed by someone who does not hold the bot's token.
    fields["hash"] = web_app.sign(fields, "123456789:not-the-bot-token")
    forged = {**launch, "tgWebAppData": urlencode(fields, quote_via=quote)}
    page = await phone_page(browser)
    await page.goto(f"{page_url}#{urlencode(forged, quote_via=quote)}")
    await page.wait_for_selector('[data-testid="error"][data-status="401"]')
    assert "только из Telegram" in await text_of(page, "error")
    assert "Иванова" not in await page.content()
    await shot(page, "8-forged")

    # A real curator asking for another organisation's programme: 403, whatever the page asks.
    await page.goto(url.replace(f"programme={ours.programme_id}",
                                f"programme={theirs.programme_id}"))
    await page.wait_for_selector('#view[data-ready="overview"]')
    assert await text_of(page, "title") == "Наставничество 2026"  # their programme is not offered
    statuses = await page.evaluate("""async (pid) => {
        const initData = new URLSearchParams(location.hash.slice(1)).get("tgWebAppData");
        const out = [];
        for (const view of ["overview", "registry", "board", "calendar", "monitoring", "roadmap"]) {
            const r = await fetch(`api/programmes/${pid}/${view}`,
                                  {headers: {Authorization: "tma " + initData}});
            out.push(r.status);
        }
        return out;
    }""", theirs.programme_id)
    assert statuses == [403] * 6

    # The other curator sees only their own programme.
    other = await phone_page(browser)
    await other.goto(await dashboard_url(live, OTHER_CURATOR))
    await other.wait_for_selector('#view[data-ready="overview"]')
    assert await text_of(other, "title") == "Чужая программа"
    await shot(other, "9-other-organisation")


async def test_the_programme_card_opens_the_dashboard(running):
    live, ours, _ = running
    curator = live.emulator.user(CURATOR, "Куратор", language_code="ru")
    await curator.send("/programmes")
    await curator.wait_messages(1)
    await curator.press("Наставничество 2026")
    (card,) = await curator.wait_messages(1)
    assert card.buttons[0] == "📊 Панель"
    url = curator.open_web_app("📊 Панель")
    assert url.startswith(f"{live.app.settings.dashboard_url}?programme={ours.programme_id}#")
    assert timedelta(0) <= timedelta(hours=0)
