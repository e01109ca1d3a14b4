"""The dashboard's API over a seeded programme: each view gives the figures /status and
/report give (bot.services.reports.programme_stats), filters and sorts as asked, refuses a
caller Telegram did not sign for, and another organisation's programme; its actions queue what
the chat's buttons queue."""

from __future__ import annotations

from datetime import date

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.services.reports import programme_stats
from models import OutboxMessage, Pair, Programme
from tests.dashboard.helpers import auth, dashboard_app
from tests.digest.seed import MEETINGS_NOW, seed, seed_meetings

CURATOR = 1
OTHER_CURATOR = 2
MENTEE = 1004  # Орлов Глеб's Telegram id (seed: people_base 1000, fourth person)
VIEWS = ("overview", "registry", "board", "calendar", "monitoring", "roadmap")


@pytest.fixture
async def seeded(app):
    async with app.sessionmaker() as session, session.begin():
        ours = await seed(session, app.translator, curator_telegram_id=CURATOR)
        await seed_meetings(session, ours)
        theirs = await seed(session, app.translator, curator_telegram_id=OTHER_CURATOR,
                            title="Чужая программа", people_base=2000)
    return ours, theirs


@pytest.fixture
async def client(app, seeded):
    web_application, scheduler = dashboard_app(app, ManualClock(MEETINGS_NOW))
    async with TestClient(TestServer(web_application)) as test_client:
        test_client.scheduler = scheduler
        yield test_client


async def get(client, path: str, telegram_id: int = CURATOR, **params) -> dict:
    response = await client.get(f"/dashboard/api/{path}", headers=auth(telegram_id),
                                params=params)
    assert response.status == 200, await response.text()
    return await response.json()


async def figures(app, programme_id: int):
    async with app.sessionmaker() as session:
        return await programme_stats.programme_figures(session, programme_id, MEETINGS_NOW)


async def test_the_session_lists_the_curators_programmes_only(client, seeded):
    ours, _ = seeded
    body = await get(client, "session")
    assert [p["id"] for p in body["programmes"]] == [ours.programme_id]
    assert body["locale"] == "ru" and body["texts"]["dash.tab.registry"] == "Реестр"
    english = await client.get("/dashboard/api/session", headers=auth(CURATOR, language="en"))
    assert (await english.json())["texts"]["dash.tab.registry"] == "Registry"


async def test_the_overview_shows_the_figures_of_status(app, client, seeded):
    ours, _ = seeded
    f = await figures(app, ours.programme_id)
    body = await get(client, f"programmes/{ours.programme_id}/overview")
    assert body["active"] == {"mentor": f.active("mentor"), "mentee": f.active("mentee")}
    assert body["active"] == {"mentor": 3, "mentee": 4}
    assert (body["paired"], body["open_pairs"]) == (f.paired_total, f.open_pairs) == (4, 2)
    assert body["pairs_by_stage"] == f.pairs_by_stage
    assert (body["meetings_this_week"], body["meetings_last_week"]) == (1, 1)
    assert body["feedback_avg"] == 10 and body["trend"] == "↑"
    assert [(p["mentor"], p["mentee"]) for p in body["at_risk"]] == [
        (p.mentor, p.mentee) for p in f.at_risk] == [("Иванова Анна", "Орлов Глеб")]
    assert body["unreachable"] == ["Кузнецова Вера"]
    assert body["roadmap_overdue"] == len(f.roadmap_overdue) == 1


async def test_the_registry_searches_filters_and_sorts(client, seeded):
    ours, _ = seeded
    path = f"programmes/{ours.programme_id}/registry"
    everyone = await get(client, path)
    assert everyone["total"] == everyone["matched"] == 8
    mentees = await get(client, path, role="mentee")
    assert mentees["matched"] == 5 and {r["role"] for r in mentees["rows"]} == {"mentee"}
    paired = await get(client, path, state="paired", sort="name", dir="desc")
    assert [r["name"] for r in paired["rows"]] == ["Сидоров Олег", "Орлов Глеб", "Лебедева Ия",
                                                   "Иванова Анна"]
    # Cyrillic case folding: «иван» finds «Иванова»
    found = await get(client, path, q="иван")
    assert [r["name"] for r in found["rows"]] == ["Иванова Анна"] and found["total"] == 8
    unreachable = [r for r in everyone["rows"] if r["unreachable"]]
    assert [r["name"] for r in unreachable] == ["Кузнецова Вера"]


@pytest.mark.parametrize("params", [{"role": "owner"}, {"state": "x"}, {"sort": "telegram_id"},
                                    {"dir": "up"}, {"q": "я" * 101}])
async def test_the_registry_refuses_parameters_out_of_range(client, seeded, params):
    ours, _ = seeded
    response = await client.get(f"/dashboard/api/programmes/{ours.programme_id}/registry",
                                headers=auth(CURATOR), params=params)
    assert response.status == 400


async def test_the_board_puts_open_pairs_by_stage_with_the_risk_of_status(app, client, seeded):
    ours, _ = seeded
    f = await figures(app, ours.programme_id)
    body = await get(client, f"programmes/{ours.programme_id}/board")
    by_stage = {c["stage"]: c["pairs"] for c in body["columns"]}
    assert {stage: len(pairs) for stage, pairs in by_stage.items()} == f.pairs_by_stage
    assert body["total"] == f.open_pairs and body["at_risk"] == len(f.at_risk) == 1
    (intro,), (regular,) = by_stage["intro"], by_stage["regular"]
    assert intro["at_risk"] and intro["meetings"] == 0 and intro["last_meeting_on"] is None
    assert not regular["at_risk"] and regular["meetings"] == 3
    assert regular["last_meeting_on"] == "2026-11-16" and regular["last_score"] == 10


async def test_the_calendar_shows_a_week_or_a_month(app, client, seeded):
    ours, _ = seeded
    path = f"programmes/{ours.programme_id}/calendar"
    this_week = await get(client, path)
    assert (this_week["first"], this_week["last"]) == ("2026-11-16", "2026-11-22")
    assert this_week["counts"]["done"] == (await figures(app, ours.programme_id)).meetings_this_week
    last_week = await get(client, path, date="2026-11-10")
    assert last_week["counts"] == {"done": 1, "planned": 0, "cancelled": 1, "missed": 0,
                                   "total": 2}
    assert [m["mentees"] for m in last_week["meetings"]] == [["Лебедева Ия"], ["Лебедева Ия"]]
    month = await get(client, path, span="month", date="2026-11-20")
    assert (month["first"], month["last"]) == ("2026-11-01", "2026-11-30")
    assert month["counts"]["total"] == 4
    bad = await client.get(f"/dashboard/api/{path}", headers=auth(CURATOR),
                           params={"date": "2026-13-01"})
    assert bad.status == 400


async def test_monitoring_and_roadmap_agree_with_the_report(app, client, seeded):
    ours, _ = seeded
    f = await figures(app, ours.programme_id)
    body = await get(client, f"programmes/{ours.programme_id}/monitoring")
    assert (body["feedback_completed"], body["feedback_expected"]) == (
        f.feedback_completed, f.feedback_expected) == (3, 6)
    assert [w["meetings"] for w in body["weeks"]] == [p.meetings for p in f.chart_series]
    roadmap = await get(client, f"programmes/{ours.programme_id}/roadmap")
    assert roadmap["counts"]["overdue"] == len(f.roadmap_overdue) == 1
    assert [i["label"] for i in roadmap["items"] if i["bucket"] == "overdue"] == [
        line.label for line in f.roadmap_overdue]
    assert len(roadmap["items"]) == 3


async def test_a_caller_telegram_did_not_sign_for_gets_401(client, seeded):
    ours, _ = seeded
    path = f"/dashboard/api/programmes/{ours.programme_id}/overview"
    forged = auth(CURATOR, token="123456789:someone-elses")
    stale = auth(CURATOR, age_seconds=3700)
    for headers in ({}, forged, stale, {"Authorization": "tma user=%7B%22id%22%3A1%7D"}):
        response = await client.get(path, headers=headers)
        assert response.status == 401
        assert "Иванова" not in await response.text()


async def test_another_organisations_programme_is_refused(client, seeded):
    ours, theirs = seeded
    for view in VIEWS:
        response = await client.get(f"/dashboard/api/programmes/{theirs.programme_id}/{view}",
                                    headers=auth(CURATOR))
        assert response.status == 403, view
    # a mentee of our programme is no curator
    response = await client.get("/dashboard/api/session", headers=auth(MENTEE))
    assert response.status == 403
    # someone Telegram signed for but the bot never met
    response = await client.get(f"/dashboard/api/programmes/{ours.programme_id}/overview",
                                headers=auth(99999))
    assert response.status == 403


async def test_nudging_a_mentor_queues_what_the_status_button_queues(app, client, seeded):
    ours, theirs = seeded
    async with app.sessionmaker() as session:
        ours_pair = await session.scalar(select(Pair.id).where(
            Pair.programme_id == ours.programme_id, Pair.stage == "intro"))
        their_pair = await session.scalar(select(Pair.id).where(
            Pair.programme_id == theirs.programme_id))
    nudge = f"/dashboard/api/programmes/{ours.programme_id}/pairs/{ours_pair}/nudge"
    first = await client.post(nudge, headers=auth(CURATOR))
    assert first.status == 200 and (await first.json()) == {
        "queued": True, "message": "Напоминание отправлено: Иванова Анна"}
    again = await (await client.post(nudge, headers=auth(CURATOR))).json()
    assert again["queued"] is False
    assert client.scheduler.wakes == 2  # the sender is woken after the commit
    # the pair of another organisation, through our programme's path or theirs
    for path in (f"programmes/{ours.programme_id}/pairs/{their_pair}/nudge",
                 f"programmes/{theirs.programme_id}/pairs/{their_pair}/nudge",
                 f"programmes/{ours.programme_id}/pairs/{their_pair}"):
        response = await client.post(f"/dashboard/api/{path}", headers=auth(CURATOR)) \
            if path.endswith("nudge") else await client.get(f"/dashboard/api/{path}",
                                                            headers=auth(CURATOR))
        assert response.status == 403, path
    async with app.sessionmaker() as session:
        nudges = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("pair:%:curator_nudge:%")))
    assert nudges == 1


async def test_a_pairs_card_and_a_paused_pair(app, client, seeded):
    ours, _ = seeded
    async with app.sessionmaker() as session, session.begin():
        pair = await session.scalar(select(Pair).where(Pair.programme_id == ours.programme_id,
                                                       Pair.stage == "regular"))
        pair.state = "paused"
        title = await session.scalar(select(Programme.title).where(
            Programme.id == ours.programme_id))
    card = await get(client, f"programmes/{ours.programme_id}/pairs/{pair.id}")
    assert (card["mentor"], card["mentee"], card["meetings"]) == ("Сидоров Олег", "Лебедева Ия", 3)
    assert card["can_nudge"] is False and title
    response = await client.post(
        f"/dashboard/api/programmes/{ours.programme_id}/pairs/{pair.id}/nudge",
        headers=auth(CURATOR))
    assert response.status == 409
    assert (await response.json())["message"] == "Эта пара сейчас не работает."


async def test_the_page_and_its_files_are_served(client):
    page = await client.get("/dashboard/?programme=1")
    assert page.status == 200 and "dashboard.js" in await page.text()
    script = await client.get("/dashboard/static/dashboard.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    for bad in ("../http.py", "..%2Fhttp.py", "index.html", ".hidden.js"):
        assert (await client.get(f"/dashboard/static/{bad}")).status == 404
    texts = await (await client.get("/dashboard/texts/en")).json()
    assert texts["texts"]["dash.error.unauthorized"].startswith("The dashboard opens")
    assert date.today()  # the texts are public: no initData needed
