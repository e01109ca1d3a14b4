"""Benchmark of the curator's /report, /status and the digest's figures on a large programme,
on SQLite and on a fresh PostgreSQL database without statistics.

    python -m bench.report [--participants 10000 --pairs 1000 --meetings 20000] [--quick]
                           [--runs 3] [--no-postgres] [--analyze]

Seeds the programme bench.digest seeds (every pair's people among `--participants`, the rest
in other states; `--meetings` done meetings with feedback from both sides of ~70 % of them),
then times, after one warm-up each:
- the figures (/status and the weekly digest): `programme_figures`, rendered as /status does;
  target under 300 ms;
- /report: the handler's `send_report` itself (figures, registry, pairs, meetings, feedback,
  marked practices, the XLSX workbook and the monitoring workbook) with the documents sent to
  a sink instead of Telegram; target under 5 s.
It counts the statements of each (a fixed number whatever the size).

PostgreSQL is measured right after the bulk load, with autovacuum off for the run, so no
statistics exist (what the planner sees after a restore or an import): the join of feedback to
meetings once went quadratic there (a nested loop over 559 M row pairs, 68 s for the figures
of 1,000 pairs). `--analyze` runs ANALYZE before measuring instead. Skipped when PostgreSQL is
not reachable.

Each time comes with this process's CPU time (SQLite's work included, PostgreSQL's server not)
and the load average: on a shared machine the wall time is mostly waiting for a core.

Prints a one-line summary per database and a JSON line; exits 1 when a target is missed
(`python -m bench --quick` reports a quick run's miss without failing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from typing import Any

from sqlalchemy import event, text

from bench.digest import NOW, seed
from bench.updates import on_each_backend
from bot.db import create_engine, create_sessionmaker
from bot.delivery.render import Renderer
from bot.i18n import create_translator
from bot.services.notices import digest
from bot.services.reports import programme_stats
from handlers.curator.digest import send_report
from models import Base, Programme

FIGURES_TARGET_S = 0.3
REPORT_TARGET_S = 5.0


class Sink:
    """Stands for the curator's chat: keeps the size of what /report sends."""

    def __init__(self) -> None:
        self.documents: list[tuple[str, int]] = []

    async def answer_document(self, document: Any, caption: str | None = None,
                              **_: Any) -> None:
        self.documents.append((document.filename, len(document.data)))

    async def answer(self, text: str, **_: Any) -> None:
        pass


def _times(values: list[float]) -> dict[str, float]:
    return {"best_s": round(min(values), 4), "median_s": round(statistics.median(values), 4)}


async def measure(url: str, *, pairs: int, meetings: int, participants: int, runs: int,
                  analyze: bool) -> dict:
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    translator = create_translator()
    t = translator.bind("ru")
    postgres = url.startswith("postgresql")
    if postgres and not analyze:
        async with engine.begin() as connection:  # no statistics while we measure
            for table in Base.metadata.tables:
                await connection.execute(text(
                    f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
    started = time.perf_counter()
    pid = await seed(sessionmaker, pairs=pairs, meetings=meetings, participants=participants,
                     rnd=random.Random(1))
    if postgres and analyze:
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE"))
            await connection.commit()
    seed_s = time.perf_counter() - started
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)

    async def figures() -> int:
        async with sessionmaker() as session:
            found = await programme_stats.programme_figures(session, pid, NOW)
            rendered = Renderer(translator, "ru", found.timezone).render(
                digest.figures_message(found, "status.heading"), user_locale="ru",
                row_locale=None, user_timezone=None)
        return len(rendered.text)

    async def report() -> list[tuple[str, int]]:
        sink = Sink()
        async with sessionmaker() as session:
            programme = await session.get(Programme, pid)
            assert programme is not None
            await send_report(sink, session, programme, t, NOW)  # type: ignore[arg-type]
        return sink.documents

    results: dict[str, Any] = {}
    for name, job in (("figures", figures), ("report", report)):
        first = time.perf_counter()
        await job()  # warm-up (imports, statement caches): timed too, as a cold figure
        cold = time.perf_counter() - first
        times, cpu = [], []
        for _ in range(runs):
            statements.clear()
            begun, cpu_begun = time.perf_counter(), time.process_time()
            outcome = await job()
            times.append(time.perf_counter() - begun)
            cpu.append(time.process_time() - cpu_begun)
        # CPU of this process (SQLite's work included, PostgreSQL's server not): what the
        # wall time comes down to on an idle machine.
        results[name] = {**_times(times), "cpu_best_s": round(min(cpu), 3),
                         "cold_s": round(cold, 3), "statements": len(statements)}
        if name == "report":
            results[name]["documents_kib"] = {n: size // 1024 for n, size in outcome}
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    await engine.dispose()
    database = "postgresql" if postgres else "sqlite"
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "database": database + ("" if not postgres else
                                    " (ANALYZE)" if analyze else " (no statistics)"),
            "pairs": pairs, "meetings": meetings, "participants": participants,
            "seed_s": round(seed_s, 1), **results}


async def run(args: argparse.Namespace) -> list[dict]:
    sizes = {"pairs": args.pairs, "meetings": args.meetings, "participants": args.participants,
             "runs": args.runs, "analyze": args.analyze}
    return await on_each_backend(measure, args.no_postgres, **sizes)


def _ok(result: dict) -> bool:
    return (result["figures"]["best_s"] < FIGURES_TARGET_S
            and result["report"]["best_s"] < REPORT_TARGET_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--analyze", action="store_true",
                        help="ANALYZE PostgreSQL after the load (default: no statistics)")
    parser.add_argument("--quick", action="store_true",
                        help="100 pairs, 2,000 meetings, 1,000 people, one run")
    args = parser.parse_args(argv)
    if args.quick:
        args.pairs, args.meetings, args.participants, args.runs = 100, 2000, 1000, 1
    results = asyncio.run(run(args))
    for r in results:
        print(f"{r['database']}: figures best {r['figures']['best_s'] * 1000:.0f} ms "
              f"(CPU {r['figures']['cpu_best_s'] * 1000:.0f} ms, "
              f"{r['figures']['statements']} statements), /report best "
              f"{r['report']['best_s']:.2f} s (CPU {r['report']['cpu_best_s']:.2f} s, median "
              f"{r['report']['median_s']:.2f} s, cold {r['report']['cold_s']:.2f} s, "
              f"{r['report']['statements']} statements); load average {r['loadavg'][0]}")
    ok = all(_ok(r) for r in results)
    print(f"report: {args.participants} people, {args.pairs} pairs, {args.meetings} meetings "
          f"-> {'OK' if ok else 'MISSED'} (figures < {FIGURES_TARGET_S * 1000:.0f} ms, "
          f"/report < {REPORT_TARGET_S:.0f} s)")
    print(json.dumps({"databases": results, "figures_target_s": FIGURES_TARGET_S,
                      "report_target_s": REPORT_TARGET_S, "ok": ok}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
