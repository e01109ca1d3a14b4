"""Roadmap import under load (issue #16, item 5): while a curator imports the biggest roadmap
files the limits permit, one after the other, other people's updates are answered as usual,
and the bot's process stays small (the files are read in worker processes).

    python -m bench.roadmap_upload [--seconds 30 --rate 20 --users 40] [--quick]

The bot runs in a process of its own (`python -m bot run`, as bench.updates does), on SQLite,
against the Bot API emulator in this process. The curator uploads, in turn and each as soon as the
previous one was answered, the heaviest .docx and .xlsx the limits let a reader open
(bench/_roadmap_files.py: the most rows, 95 % of the unpacked size; read in full, then refused
for their item text) and the biggest roadmaps the bot takes whole (300 items, 90 % of the item
text the reader may hand back; a preview and a draft); meanwhile other users send
/start and /help at random moments at `--rate` per second (a Poisson process). Reported:
their latency (p50, p95, max), how many imports were done and how long each took, the peak
memory of the bot's process and of the reader processes (sampled from /proc every 20 ms).
Targets: p95 < 200 ms, the bot's peak RSS < 200 MB."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._roadmap_files import biggest_accepted, worst_permitted
from bench.updates import Load, bot_process, paced, seed_database, start_and_help, summary
from bot.emulator import BotAPIEmulator

TARGET_P95_MS = 200.0
TARGET_RSS_MB = 200.0
CURATOR = 4_000_001


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _kb(fields: dict[str, str], name: str) -> int:
    return int(fields.get(name, "0 kB").split()[0])


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = _kb(_status(int(entry.name)), "PPid")
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class MemorySampler:
    """Peak RSS of the bot's process, of the forkserver it started and of each reader."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.bot_peak_kb = 0
        self.server_peak_kb = 0
        self.reader_peak_kb = 0
        self.readers: set[int] = set()

    async def run(self) -> None:
        while True:
            self.bot_peak_kb = max(self.bot_peak_kb, _kb(_status(self.pid), "VmRSS"))
            for pid in _descendants(self.pid):
                fields = _status(pid)
                rss = _kb(fields, "VmHWM")
                if _kb(fields, "PPid") == self.pid:
                    self.server_peak_kb = max(self.server_peak_kb, rss)
                else:
                    self.readers.add(pid)
                    self.reader_peak_kb = max(self.reader_peak_kb, rss)
            await asyncio.sleep(0.02)


async def seed_curator(database_url: str, seeded: Any) -> None:
    from bot.config import load_settings
    from bot.runtime.factory import create_application
    from bot.services.people import users
    from bot.services.programmes import programmes

    app = create_application(load_settings(database_url=database_url, log_level="WARNING",
                                           _env_file=None))
    try:
        async with app.sessionmaker() as session, session.begin():
            user = await users.get_or_create(session, CURATOR)
            await programmes.add_curator(session, seeded.organisation_id, user.id, "Куратор")
    finally:
        await app.close()


async def curator_imports(emulator: BotAPIEmulator, files: list[tuple[str, bytes]],
                          until: float) -> list[dict[str, Any]]:
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    done = []
    turn = 0
    while time.monotonic() < until:
        name, content = files[turn % len(files)]
        turn += 1
        curator.mark_read()
        await curator.send("/roadmap")
        await curator.wait_messages(1, timeout=30)
        await curator.press("📥 Загрузить дорожную карту")
        await curator.wait_messages(1, timeout=30)
        started = time.monotonic()
        await curator.send_document(filename=name, content=content)
        (answer,) = await curator.wait_messages(1, timeout=120)
        done.append({"file": name, "seconds": round(time.monotonic() - started, 2),
                     "answer": (answer.text or "").split("\n", 1)[0][:60]})
    return done


async def run(seconds: float, rate: float, users: int) -> dict[str, Any]:
    files = [("heaviest.docx", worst_permitted("docx")), ("biggest.docx", biggest_accepted("docx")),
             ("heaviest.xlsx", worst_permitted("xlsx")), ("biggest.xlsx", biggest_accepted("xlsx"))]
    emulator = BotAPIEmulator(bot_username="bench_bot")
    await emulator.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            seeded = await seed_database(url)
            await seed_curator(url, seeded)
            async with bot_process("mentorbot", url, emulator) as (probe, meter):
                before_kb = _kb(_status(meter.process.pid), "VmRSS")
                sampler = MemorySampler(meter.process.pid)
                sampling = asyncio.create_task(sampler.run())
                others = [emulator.user(5_000_000 + n, first_name="Гость") for n in range(users)]
                load = Load(emulator, probe, seeded, meter)
                try:
                    imports, wall = await asyncio.gather(
                        curator_imports(emulator, files, time.monotonic() + seconds),
                        paced(load, others, seconds, rate, [(1.0, start_and_help)]))
                finally:
                    sampling.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sampling
                at_rate = summary(load, wall)
                at_rate["max_ms"] = round(max(load.latencies, default=0.0) * 1000, 1)
    finally:
        await emulator.stop()
    return {"bench": "roadmap_upload", "seconds": seconds, "rate": rate, "users": users,
            "files": {name: {"packed_kb": len(content) // 1024} for name, content in files},
            "imports": imports, "others": at_rate,
            "bot_rss_before_mb": round(before_kb / 1024, 1),
            "bot_peak_rss_mb": round(sampler.bot_peak_kb / 1024, 1),
            "forkserver_peak_rss_mb": round(sampler.server_peak_kb / 1024, 1),
            "reader_peak_rss_mb": round(sampler.reader_peak_kb / 1024, 1),
            "readers_seen": len(sampler.readers)}


def verdict(results: dict[str, Any]) -> tuple[bool, list[str]]:
    others = results["others"]
    imports = results["imports"]
    ok = (others["p95_ms"] < TARGET_P95_MS and results["bot_peak_rss_mb"] < TARGET_RSS_MB
          and bool(imports) and not any(others[k] for k in ("unanswered", "lost", "errors")))
    times = ", ".join(f"{i['file']} {i['seconds']} s" for i in imports)
    lines = [
        f"{len(imports)} imports, one after the other ({times})",
        f"others at {results['rate']:g}/s: {others['updates']} updates, p50 {others['p50_ms']} ms, "
        f"p95 {others['p95_ms']} ms, max {others['max_ms']} ms "
        f"({others['unanswered']} unanswered, {others['lost']} lost, {others['errors']} errors)",
        f"peak RSS: bot {results['bot_peak_rss_mb']} MB (before the imports "
        f"{results['bot_rss_before_mb']} MB), reader {results['reader_peak_rss_mb']} MB "
        f"({results['readers_seen']} readers), their server {results['forkserver_peak_rss_mb']} MB",
        f"targets: p95 < {TARGET_P95_MS:g} ms, bot RSS < {TARGET_RSS_MB:g} MB -> "
        f"{'OK' if ok else 'MISSED'}",
    ]
    return ok, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roadmap_upload",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=20.0, help="other people's updates/s")
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="5 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 5.0
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(run(args.seconds, args.rate, args.users))
    ok, lines = verdict(results)
    print("Roadmap import under load:\n  " + "\n  ".join(lines))
    print(json.dumps(results, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
