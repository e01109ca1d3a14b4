"""Benchmark of the curator's digest and /report on a large programme.

    python -m bench.digest [--pairs 1000 --meetings 20000 --participants 10000] [--quick]
                           [--database-url URL]

Seeds one running programme with bulk inserts into a fresh SQLite file (or the given
database, migrated first): `--participants` people (every pair's mentor and mentee among them,
the rest in other states, 1 % unreachable), `--pairs` active pairs, `--meetings` done meetings
spread over the programme's weeks (every 20th pair never meets: at risk), feedback from both
sides of ~70 % of the meetings (usefulness, most valuable, what to change) and 40 roadmap items.

Times (best and median of 5 after one warm-up):
- the digest: `programme_figures` + `figures_message` rendered with its buttons, as the sender
  does; target under 300 ms;
- the report: the figures, the registry, pairs, meetings and feedback rows and the XLSX
  workbook, as /report does; target under 10 s (best of 3).
Prints a one-line summary and a JSON line; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.db import create_engine, create_sessionmaker
from bot.delivery.render import Renderer
from bot.i18n import create_translator
from bot.services.notices import digest
from bot.services.programmes import curation
from bot.services.reports import programme_stats, programme_xlsx
from models import (
    Meeting,
    MeetingPair,
    Organisation,
    Pair,
    Participation,
    Programme,
    RoadmapItem,
    SurveyAnswer,
    SurveyResponse,
    User,
)
from models.migrate import upgrade

DIGEST_TARGET_S = 0.3
REPORT_TARGET_S = 10.0
NOW = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)  # a Monday, 09:00 in Moscow
START = date(2026, 9, 1)
VALUABLE = ["new_knowledge", "practical_advice", "support", "action_plan", "answers"]
CHUNK = 5000


async def _bulk(session, model, rows: list[dict]) -> None:
    for first in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[first:first + CHUNK])


async def seed(sessionmaker, *, pairs: int, meetings: int, participants: int, rnd: random.Random
               ) -> int:
    created = datetime(2026, 9, 5, 9, 0, tzinfo=UTC)
    async with sessionmaker() as session, session.begin():
        organisation = Organisation(name="Колледж № 1", kind="college", timezone="Europe/Moscow")
        session.add(organisation)
        await session.flush()
        programme = Programme(organisation_id=organisation.id, title="Большая программа",
                              starts_on=START, ends_on=date(2027, 6, 30), state="running",
                              forms=["teacher_student", "student_student"], cadence_days=14)
        session.add(programme)
        await session.flush()
        pid = programme.id
        base = 10_000_000
        await _bulk(session, User, [
            {"telegram_id": base + i, "locale": "ru", "unreachable": i % 100 == 7}
            for i in range(participants)])
        user_ids = list(await session.scalars(
            select(User.id).where(User.telegram_id >= base).order_by(User.telegram_id)))
        states = ["questionnaire", "ready", "guardian_pending", "withdrawn"]
        people = []
        for i, user_id in enumerate(user_ids):
            paired = i < 2 * pairs
            people.append({
                "programme_id": pid, "user_id": user_id,
                "role": "mentor" if (i % 2 == 0 if paired else i % 5 == 0) else "mentee",
                "state": "paired" if paired else states[i % len(states)],
                "form": ("teacher_student", "student_student")[i // 2 % 2],
                "age_group": ("18_plus", "14_17", "under_14")[i % 3],
                "full_name": f"Участник {i:05d}", "created_at": created, "consent_at": created})
        await _bulk(session, Participation, people)
        ids = list(await session.scalars(select(Participation.id).where(
            Participation.programme_id == pid).order_by(Participation.id)))
        await _bulk(session, Pair, [
            {"programme_id": pid, "mentor_id": ids[2 * n], "mentee_id": ids[2 * n + 1],
             "form": people[2 * n]["form"], "state": "active",
             "stage": ("intro", "trial", "planning", "regular", "final")[n % 5],
             "reasons": [], "created_at": created} for n in range(pairs)])
        pair_rows = (await session.execute(select(Pair.id, Pair.mentor_id, Pair.mentee_id).where(
            Pair.programme_id == pid).order_by(Pair.id))).all()
        meeting_pairs = [row for n, row in enumerate(pair_rows) if n % 20 != 19]
        span = (NOW - datetime.combine(START, datetime.min.time(), UTC)).total_seconds()
        await _bulk(session, Meeting, [
            {"programme_id": pid, "mentor_id": meeting_pairs[m % len(meeting_pairs)][1],
             "kind": "regular", "state": "done", "duration_minutes": 60,
             "starts_at": NOW - timedelta(seconds=rnd.random() * span), "topics": [],
             "sequence": 0, "created_at": created, "updated_at": created}
            for m in range(meetings)])
        meeting_ids = list(await session.scalars(select(Meeting.id).where(
            Meeting.programme_id == pid).order_by(Meeting.id)))
        await _bulk(session, MeetingPair, [
            {"meeting_id": mid, "pair_id": meeting_pairs[m % len(meeting_pairs)][0]}
            for m, mid in enumerate(meeting_ids)])
        responses = []
        for m, mid in enumerate(meeting_ids):
            if rnd.random() < 0.7:
                _, mentor, mentee = meeting_pairs[m % len(meeting_pairs)]
                responses += [{"participation_id": who, "survey_id": "meeting_feedback",
                               "survey_version": 1, "context": f"meeting:{mid}",
                               "meeting_id": mid,
                               "started_at": created, "completed_at": created}
                              for who in (mentor, mentee)]
        await _bulk(session, SurveyResponse, responses)
        response_ids = list(await session.scalars(select(SurveyResponse.id).where(
            SurveyResponse.survey_id == "meeting_feedback")))
        answers = []
        for rid in response_ids:
            answers.append({"response_id": rid, "question_id": "usefulness",
                            "value": rnd.randint(5, 10), "answered_at": created})
            answers.append({"response_id": rid, "question_id": "most_valuable",
                            "value": rnd.sample(VALUABLE, 2), "answered_at": created})
            if rnd.random() < 0.3:
                answers.append({"response_id": rid, "question_id": "what_to_change",
                                "value": "Больше практики", "answered_at": created})
        await _bulk(session, SurveyAnswer, answers)
        await _bulk(session, RoadmapItem, [
            {"programme_id": pid, "match_key": str(n), "position": n, "number": f"{n}.1",
             "title": f"Мероприятие {n}", "kind": "date", "deadline_text": "",
             "responsible_text": "", "status": "upcoming",
             "starts_on": date(2026, 9, 1) + timedelta(days=7 * n),
             "ends_on": date(2026, 9, 1) + timedelta(days=7 * n)} for n in range(40)])
    return pid


def _times(values: list[float]) -> dict[str, float]:
    return {"best_s": round(min(values), 4), "median_s": round(statistics.median(values), 4)}


async def measure(url: str, *, pairs: int, meetings: int, participants: int) -> dict:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    translator = create_translator()
    t = translator.bind("ru")
    renderer = Renderer(translator, "ru", "Europe/Moscow")
    started = time.perf_counter()
    pid = await seed(sessionmaker, pairs=pairs, meetings=meetings, participants=participants,
                     rnd=random.Random(1))
    seed_s = time.perf_counter() - started

    async def one_digest() -> str:
        async with sessionmaker() as session:
            figures = await programme_stats.programme_figures(session, pid, NOW)
        # What the sender does with the stored digest: the text and buttons in Russian.
        return renderer.render(digest.figures_message(figures, "digest.heading"),
                               user_locale="ru", row_locale=None, user_timezone=None).text

    async def one_report() -> int:
        async with sessionmaker() as session:
            figures = await programme_stats.programme_figures(session, pid, NOW)
            registry = await curation.export_rows(session, pid)
            pair_rows = await programme_stats.pair_rows(session, pid, figures.timezone)
            meeting_rows = await programme_stats.meeting_rows(session, pid, figures.timezone)
            feedback_rows = await programme_stats.feedback_rows(session, pid, figures.timezone)
        return len(programme_xlsx.build(figures, registry, pair_rows, t, meetings=meeting_rows,
                                        feedback=feedback_rows))

    text = await one_digest()  # warm-up (imports, statement caches)
    digest_times = []
    for _ in range(5):
        begun = time.perf_counter()
        await one_digest()
        digest_times.append(time.perf_counter() - begun)
    report_times, size = [], 0
    for _ in range(3):
        begun = time.perf_counter()
        size = await one_report()
        report_times.append(time.perf_counter() - begun)
    await engine.dispose()
    return {"pairs": pairs, "meetings": meetings, "participants": participants,
            "seed_s": round(seed_s, 1), "digest": _times(digest_times),
            "report": _times(report_times), "xlsx_bytes": size, "digest_chars": len(text),
            "digest_target_s": DIGEST_TARGET_S, "report_target_s": REPORT_TARGET_S}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--quick", action="store_true", help="100 pairs, 2,000 meetings")
    args = parser.parse_args(argv)
    if args.quick:
        args.pairs, args.meetings, args.participants = 100, 2000, 1000
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        result = asyncio.run(measure(url, pairs=args.pairs, meetings=args.meetings,
                                     participants=args.participants))
    ok = (result["digest"]["best_s"] < DIGEST_TARGET_S
          and result["report"]["best_s"] < REPORT_TARGET_S)
    print(f"digest: {args.pairs} pairs, {args.meetings} meetings, {args.participants} people: "
          f"digest best {result['digest']['best_s'] * 1000:.0f} ms "
          f"(median {result['digest']['median_s'] * 1000:.0f} ms), report best "
          f"{result['report']['best_s']:.2f} s (median {result['report']['median_s']:.2f} s, "
          f"{result['xlsx_bytes'] // 1024} KiB) -> {'OK' if ok else 'MISSED'} "
          f"(< {DIGEST_TARGET_S * 1000:.0f} ms, < {REPORT_TARGET_S:.0f} s)")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
