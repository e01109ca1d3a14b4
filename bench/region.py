"""Benchmark of the regional centre on PostgreSQL: /region's first page and the regional report.

    python -m bench.region [--organisations 300 --pairs-per-org 100] [--quick]
                           [--database-url postgresql://...]

Without --database-url it creates a fresh database on the server of BENCH_POSTGRES_URL
(default postgres@127.0.0.1:5432, as bench.updates) and drops it afterwards; --quick without a
reachable server says so and exits 0 (the smoke run of `python -m bench --quick`). Migrates it, then bulk-loads with COPY: one
region of `--organisations` organisations, each with a curator and a programme (90 % running,
5 % completed with monitoring answers, 5 % preparing) of 2 × `--pairs-per-org` participants in
as many pairs (90 % active, 5 % paused, 5 % completed), over 12 weeks ~8 done meetings per
active pair (every 10th pair never meets: at risk), feedback from both sides of 70 % of the
meetings, entry/exit self-assessments and final surveys in the completed programmes, and 40
roadmap items per programme (a third overdue). Default: 300 organisations, 60,000
participants, 30,000 pairs (~210,000 meetings, ~300,000 feedback forms). ANALYZE after the load.

Times (best and median of 5 after a warm-up):
- /region's first page as the handler builds it: the region's figures from the snapshot the
  periodic job keeps (bot/services/region/snapshot.py), the page's text and keyboard; target
  under 300 ms;
- counting the figures afresh (the job's work every 5 minutes, and a tap when the snapshot is
  older than 10 minutes): the fixed number of statements of figures.py, stored as the snapshot;
- the regional report: the figures counted afresh and the XLSX workbook; target under 15 s
  (best of 3).
Also the statements per count (must equal figures.QUERIES) and the digest's chart.
Prints a one-line summary and a JSON line; exits 1 when a target is missed."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from bot.db import create_engine, create_sessionmaker
from bot.i18n import create_translator
from bot.services.region import chart, digest, report, snapshot
from bot.services.region.figures import QUERIES, region_figures
from handlers.region import views
from models.migrate import upgrade

PAGE_TARGET_S = 0.3
REPORT_TARGET_S = 15.0
NOW = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)  # a Monday, 09:00 in Moscow
TODAY = date(2027, 3, 15)
# The server's maintenance connection (as bench.updates): a fresh database is made beside it.
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
                           ).replace("postgresql+asyncpg://", "postgresql://")
FORMS = ("teacher_student", "student_student", "teacher_teacher")
AGES = ("18_plus", "14_17", "under_14")
STAGES = ("intro", "trial", "planning", "regular", "final")
SATISFACTION = ("usefulness", "partner_involvement", "communication_comfort",
                "meetings_usefulness", "plan_clarity", "support", "expectations_met")
GROWTH = {"mentor": ("engagement", "confidence", "mentoring_skills"),
          "mentee": ("engagement", "confidence", "request_skills")}


class Ids:
    """Explicit ids for COPY (no round trip to read generated ones back)."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def generate(organisations: int, pairs_per_org: int, rnd: random.Random
             ) -> dict[str, tuple[list[str], list[tuple]]]:
    """Rows per table, in COPY order (columns, records)."""
    ids = Ids()
    created = NOW - timedelta(days=120)
    tables: dict[str, tuple[list[str], list[tuple]]] = {}

    def table(name: str, columns: str) -> list[tuple]:
        rows: list[tuple] = []
        tables[name] = (columns.split(), rows)
        return rows

    users = table("users", "id telegram_id unreachable created_at")
    orgs = table("organisations", "id name kind timezone created_at")
    curators = table("curators", "id organisation_id user_id full_name created_at")
    programmes = table("programmes", "id organisation_id title starts_on ends_on forms "
                                     "cadence_days state digest_weekday digest_time "
                                     "final_surveys_days created_at")
    people = table("participations", "id programme_id role state age_group form full_name "
                                     "created_at consent_at")
    pairs = table("pairs", "id programme_id mentor_id mentee_id form state stage reasons "
                           "created_at")
    meetings = table("meetings", "id programme_id mentor_id kind starts_at duration_minutes "
                                 "state sequence topics created_at updated_at")
    meeting_pairs = table("meeting_pairs", "id meeting_id pair_id")
    responses = table("survey_responses", "id participation_id survey_id survey_version "
                                          "context meeting_id started_at completed_at")
    answers = table("survey_answers", "id response_id question_id value answered_at")
    items = table("roadmap_items", "id programme_id match_key position title kind "
                                   "deadline_text responsible_text status starts_on ends_on "
                                   "created_at updated_at")
    regions = table("regions", "id name timezone created_at")
    members = table("region_organisations", "region_id organisation_id")
    coordinators = table("region_coordinators", "id region_id user_id digest_weekday "
                                                "digest_time created_at")

    def respond(who: int, survey: str, context: str, values: dict[str, object],
                meeting: int | None = None) -> None:
        rid = ids.take("survey_responses")
        responses.append((rid, who, survey, 1, context, meeting, created, created))
        for question, value in values.items():
            answers.append((ids.take("survey_answers"), rid, question, json.dumps(value),
                            created))

    regions.append((1, "Бенчмаркская область", "Europe/Moscow", created))
    coordinator = ids.take("users")
    users.append((coordinator, 90_000_000, False, created))
    coordinators.append((1, 1, coordinator, 0, "09:00", created))
    span = 12 * 7 * 86400
    for o in range(organisations):
        org = ids.take("organisations")
        orgs.append((org, f"Школа № {o + 1}", "school", "Europe/Moscow", created))
        members.append((1, org))
        user = ids.take("users")
        users.append((user, 91_000_000 + o, False, created))
        curators.append((ids.take("curators"), org, user, f"Куратор {o + 1}", created))
        state = "completed" if o % 20 == 7 else "preparing" if o % 20 == 13 else "running"
        programme = ids.take("programmes")
        programmes.append((programme, org, "Наставничество", date(2026, 9, 1),
                           date(2027, 2, 28) if state == "completed" else date(2027, 6, 30),
                           json.dumps(list(FORMS)), 14, state, 0, "09:00", 7, created))
        for n in range(40):
            deadline = date(2026, 9, 1) + timedelta(days=7 * n)
            items.append((ids.take("roadmap_items"), programme, str(n), n, f"Мероприятие {n}",
                          "date", "", "", "done" if n % 3 and deadline < TODAY else "upcoming",
                          deadline, deadline, created, created))
        for p in range(pairs_per_org):
            form = FORMS[(o + p) % len(FORMS)]
            mentor, mentee = ids.take("participations"), ids.take("participations")
            people.append((mentor, programme, "mentor", "paired", "18_plus", form,
                           f"Наставник {mentor}", created, created))
            people.append((mentee, programme, "mentee", "paired", AGES[p % 3], form,
                           f"Наставляемый {mentee}", created, created))
            pair_state = ("completed" if state == "completed" else
                          "paused" if p % 20 == 3 else "completed" if p % 20 == 11
                          else "active")
            pair = ids.take("pairs")
            pairs.append((pair, programme, mentor, mentee, form, pair_state, STAGES[p % 5],
                          "[]", created))
            if state == "completed" and p % 10 < 6:
                for who, role in ((mentor, "mentor"), (mentee, "mentee")):
                    respond(who, f"final_satisfaction_{role}", "final",
                            {q: rnd.randint(6, 10) for q in SATISFACTION})
                    respond(who, f"entry_self_assessment_{role}", "entry",
                            {q: rnd.randint(2, 6) for q in GROWTH[role]})
                    respond(who, f"exit_self_assessment_{role}", "exit",
                            {q: rnd.randint(5, 9) for q in GROWTH[role]})
            if pair_state != "active" or p % 10 == 9 or state == "preparing":
                continue
            for _ in range(8):
                meeting = ids.take("meetings")
                starts = NOW - timedelta(seconds=rnd.random() * span)
                meetings.append((meeting, programme, mentor, "regular", starts, 60, "done", 0,
                                 "[]", created, created))
                meeting_pairs.append((ids.take("meeting_pairs"), meeting, pair))
                if rnd.random() < 0.7:
                    for who in (mentor, mentee):
                        respond(who, "meeting_feedback", f"meeting:{meeting}",
                                {"usefulness": rnd.randint(5, 10)}, meeting)
    return tables


async def load(dsn: str, tables: dict[str, tuple[list[str], list[tuple]]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            for name, (columns, rows) in tables.items():
                await connection.copy_records_to_table(name, records=rows, columns=columns)
                if "id" in columns:  # the sequences go on after the explicit ids
                    await connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {name}))")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _times(values: list[float]) -> dict[str, float]:
    return {"best_s": round(min(values), 4), "median_s": round(statistics.median(values), 4)}


async def measure(url: str, *, organisations: int, pairs_per_org: int) -> dict:
    started = time.perf_counter()
    tables = generate(organisations, pairs_per_org, random.Random(1))
    rows = {name: len(records) for name, (_, records) in tables.items()}
    await load(url.replace("postgresql+asyncpg", "postgresql"), tables)
    del tables
    load_s = time.perf_counter() - started

    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    t = create_translator().bind("ru")
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))

    async def first_page() -> str:
        async with sessionmaker() as session, session.begin():
            figures = await snapshot.current(session, 1, NOW)
        views.page_keyboard(figures, 0, t)
        return views.page_text(figures, 0, t)

    async def count_afresh() -> None:
        async with sessionmaker() as session, session.begin():
            await snapshot.fresh(session, 1, NOW)

    build_times: list[float] = []

    async def workbook() -> int:
        async with sessionmaker() as session, session.begin():
            figures = await snapshot.fresh(session, 1, NOW)
        begun = time.perf_counter()
        content = report.build(figures, t.as_plain())
        build_times.append(time.perf_counter() - begun)
        return len(content)

    await count_afresh()  # warm-up (imports, statement caches)
    statements.clear()
    async with sessionmaker() as session:
        await region_figures(session, 1, NOW)
    per_call = len(statements)
    fresh_times = []
    for _ in range(3):
        begun = time.perf_counter()
        await count_afresh()
        fresh_times.append(time.perf_counter() - begun)
    text = await first_page()
    page_times = []
    for _ in range(5):
        begun = time.perf_counter()
        await first_page()
        page_times.append(time.perf_counter() - begun)
    report_times, size = [], 0
    for _ in range(3):
        begun = time.perf_counter()
        size = await workbook()
        report_times.append(time.perf_counter() - begun)
    async with sessionmaker() as session:
        figures = await region_figures(session, 1, NOW)
    begun = time.perf_counter()
    png = chart.render_chart(digest.chart_args(figures), meetings_label="m", weeks_title="w",
                             orgs_title="o", share_label="s", per_week_label="p")
    chart_s = time.perf_counter() - begun
    await engine.dispose()
    return {"organisations": organisations, "participants": rows["participations"],
            "pairs": rows["pairs"], "meetings": rows["meetings"],
            "feedback_forms": rows["survey_responses"], "rows": sum(rows.values()),
            "load_s": round(load_s, 1), "statements": per_call, "queries": QUERIES,
            "page": _times(page_times), "count_afresh": _times(fresh_times),
            "report": _times(report_times), "xlsx_build": _times(build_times),
            "xlsx_bytes": size,
            "page_chars": len(text), "chart_s": round(chart_s, 2), "chart_bytes": len(png),
            "page_target_s": PAGE_TARGET_S, "report_target_s": REPORT_TARGET_S}


async def _create_database() -> tuple[str, str]:
    import asyncpg

    name = f"mb_bench_region_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name, ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://") \
        + f"/{name}"


async def _drop_database(name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(ADMIN_URL, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--pairs-per-org", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument("--quick", action="store_true", help="30 organisations, 3,000 pairs")
    args = parser.parse_args(argv)
    if args.quick:
        args.organisations = 30
    created = None
    url = args.database_url
    if url is None:
        try:
            created, url = asyncio.run(_create_database())
        except (OSError, ConnectionError) as exc:
            if not args.quick:
                raise
            # The smoke run (python -m bench --quick) on a machine without PostgreSQL.
            print(f"region: skipped, PostgreSQL not reachable at {ADMIN_URL} "
                  f"({type(exc).__name__})")
            print(json.dumps({"skipped": "no PostgreSQL"}))
            return 0
    try:
        upgrade(url)
        result = asyncio.run(measure(url, organisations=args.organisations,
                                     pairs_per_org=args.pairs_per_org))
    finally:
        if created:
            asyncio.run(_drop_database(created))
    ok = (result["page"]["best_s"] < PAGE_TARGET_S and result["report"]["best_s"]
          < REPORT_TARGET_S and result["statements"] == QUERIES)
    print(f"region: {result['organisations']} organisations, {result['participants']} "
          f"participants, {result['pairs']} pairs, {result['meetings']} meetings "
          f"(loaded in {result['load_s']} s): /region first page best "
          f"{result['page']['best_s'] * 1000:.0f} ms (median "
          f"{result['page']['median_s'] * 1000:.0f} ms), counted afresh best "
          f"{result['count_afresh']['best_s']:.2f} s ({result['statements']} statements), "
          f"report best {result['report']['best_s']:.2f} s (median "
          f"{result['report']['median_s']:.2f} s, {result['xlsx_bytes'] // 1024} KiB) -> "
          f"{'OK' if ok else 'MISSED'} (< {PAGE_TARGET_S * 1000:.0f} ms, "
          f"< {REPORT_TARGET_S:.0f} s)")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
