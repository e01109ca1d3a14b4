"""Delivery benchmark: N messages to N distinct users through the Bot API emulator with
Telegram's limits enforced, sent by the real outbox sender at the configured rate.

    python -m bench.delivery [--messages 10000 --rate 25] [--quick]

Reports the achieved rate as a share of the configured one (target >= 95%) and the number of
429 answers (target 0), as a summary and one JSON line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.config import load_settings
from bot.db import create_engine, create_sessionmaker
from bot.delivery.sender import OutboxSender
from bot.emulator import BotAPIEmulator, RateLimits
from bot.i18n import create_translator
from bot.runtime.factory import create_bot
from bot.services.notices import outbox
from models.migrate import upgrade_async

TELEGRAM_GLOBAL_LIMIT = 30


async def run(messages: int, rate: float, server_limit: int | None, concurrency: int) -> dict:
    server_limit = server_limit or max(TELEGRAM_GLOBAL_LIMIT, math.ceil(rate))
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        emu = BotAPIEmulator(limits=RateLimits(global_per_second=server_limit))
        base_url = await emu.start()
        settings = load_settings(database_url=database_url, telegram_api_base=base_url,
                                 bot_token=emu.token, outbox_global_per_second=rate,
                                 send_per_second=max(rate, 25.0),
                                 outbox_concurrency=concurrency, _env_file=None)
        await upgrade_async(database_url)
        engine = create_engine(database_url)
        sessionmaker = create_sessionmaker(engine)
        bot = create_bot(settings)
        try:
            chat_ids = list(range(1_000_001, 1_000_001 + messages))
            for chat_id in chat_ids:
                await emu.user(chat_id).send("/start")  # the chat must exist
            now = datetime.now(UTC)
            async with sessionmaker() as session, session.begin():
                for chat_id in chat_ids:
                    await outbox.enqueue(session, about=outbox.NOBODY, chat_id=chat_id, kind="announcement",
                                         text_key="announcement.text",
                                         params={"text": f"bench {chat_id}"}, due_at=now,
                                         dedupe_key=f"bench:{chat_id}")
            sender = OutboxSender.from_settings(settings, bot, sessionmaker,
                                                create_translator(settings.default_locale))
            started = time.monotonic()
            stats = await sender.run_until_idle()
            wall = time.monotonic() - started
        finally:
            await bot.session.close()
            await engine.dispose()
            await emu.stop()
    sends = sorted(c.time for c in emu.calls if c.method.lower() == "sendmessage"
                   and c.response_ok)
    span = sends[-1] - sends[0] if len(sends) > 1 else float("nan")
    server_rate = (len(sends) - 1) / span if len(sends) > 1 else 0.0
    return {
        "bench": "delivery",
        "messages": messages,
        "configured_rate": rate,
        "server_global_limit": server_limit,
        "delivered": stats.sent,
        "wall_seconds": round(wall, 2),
        "achieved_rate": round(server_rate, 3),
        "wall_rate": round(stats.sent / wall, 3) if wall else 0.0,
        "rate_share": round(server_rate / rate, 4),
        "count_429": emu.count_429,
        "failed": stats.failed,
        "retried": stats.retried,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="OUTBOX_GLOBAL_PER_SECOND")
    parser.add_argument("--server-limit", type=int, default=None,
                        help="the emulator's global limit (default: max(30, rate))")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="500 messages at 100/s (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages, args.rate = 500, 100.0
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.messages, args.rate, args.server_limit, args.concurrency))
    print(f"Delivery: {result['delivered']}/{result['messages']} messages in "
          f"{result['wall_seconds']} s; achieved {result['achieved_rate']}/s of "
          f"{result['configured_rate']}/s configured = {result['rate_share']:.1%} "
          f"(target >= 95%); 429 answers: {result['count_429']} (target 0)")
    print(json.dumps(result, ensure_ascii=False))
    ok = result["rate_share"] >= 0.95 and result["count_429"] == 0 and \
        result["delivered"] == result["messages"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
