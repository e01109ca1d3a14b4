"""Kill the real bot process (SIGKILL) in the middle of a batch and start it again: every
message is delivered, none twice except at most the one whose request was in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import create_engine, create_sessionmaker
from models import OutboxMessage, OutboxState
from models.migrate import upgrade_async
from tests.delivery.conftest import enqueue_texts, start_emulator
from tests.e2e.helpers import until

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 200  # at 25/s, 8 s: the kill after 60 leaves most of the batch to the restart
# Timing under load (latency, a reader's time limit, Telegram's rate limits as the emulator
# counts them): the tests of xdist group "timing" run on one worker, one after another, never
# side by side with each other (scripts/test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("timing")


def delivered(emu) -> Counter:
    return Counter(c.params["text"] for c in emu.calls if c.method.lower() == "sendmessage"
                   and c.response_ok and str(c.params.get("text", "")).startswith("crash"))


async def start_bot(emu, database_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "ADMIN_IDS", "BOT_TOKEN", "TELEGRAM_API_BASE")}
    env.update(TELEGRAM_API_BASE=emu.base_url, BOT_TOKEN=emu.token, DATABASE_URL=database_url,
               OUTBOX_TICK_SECONDS="0.5", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    handle = log.open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=handle, stderr=handle)


async def wait_until(predicate, seconds: float, what: str, log: Path) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            tail = (await asyncio.to_thread(log.read_text, errors="replace"))[-4000:]
            raise AssertionError(f"timed out waiting for {what}; bot log:\n{tail}")
        await asyncio.sleep(0.005)


async def test_sigkill_mid_batch_then_restart(tmp_path: Path):
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    log = tmp_path / "bot.log"
    await upgrade_async(database_url)
    emu = await start_emulator()  # Telegram's limits: 30/s, 1/s per chat
    engine = create_engine(database_url)
    process = None
    try:
        ids = list(range(700_001, 700_001 + TOTAL))
        for chat_id in ids:
            # The chats exist (people wrote to the bot earlier) without queuing 200 /start
            # updates, whose replies would only add noise to this test.
            emu.user(chat_id).chat.known = True
        sessionmaker = create_sessionmaker(engine)
        await enqueue_texts(sessionmaker, ids, prefix="crash",
                            due_at=datetime.now(UTC) - timedelta(minutes=1))

        process = await start_bot(emu, database_url, log)
        await wait_until(lambda: sum(delivered(emu).values()) >= 60, 60, "60 deliveries", log)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        at_kill = sum(delivered(emu).values())
        assert at_kill < TOTAL, "the batch finished before the kill"

        process = await start_bot(emu, database_url, log)
        await wait_until(lambda: len(delivered(emu)) == TOTAL, 90, "all deliveries", log)

        async def all_sent() -> bool:  # no row left to send (again): no request in flight
            async with sessionmaker() as session:
                return not await session.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.state != OutboxState.SENT).limit(1))

        await until(all_sent, "every row sent")
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        process = None

        counts = delivered(emu)
        assert len(counts) == TOTAL
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= 1, f"{duplicates} duplicate(s): {[t for t, n in counts.items() if n > 1]}"
        assert emu.count_429 == 0
        async with sessionmaker() as session:
            states = Counter(await session.scalars(select(OutboxMessage.state)))
        assert states == {OutboxState.SENT: TOTAL}
        print(f"killed after {at_kill} deliveries; duplicates after restart: {duplicates}")
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        await engine.dispose()
        await emu.stop()
