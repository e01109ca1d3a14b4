"""The last step before a process takes updates: build what every update needs, then keep
the garbage collector off everything built so far, and let it run less often.

aiogram's types are built on first use (bot/telegram/tuning.py); the update and the common reply
requests are built here, not for the first person after a start (~200 ms). aiogram's types,
SQLAlchemy's mappings and the handlers are hundreds of thousands of objects that live as long
as the process; frozen, they are left out of every collection instead of being walked again
and again under load.

An update makes thousands of short-lived objects (aiogram's models, SQLAlchemy's statements
and rows), and with ~200 updates in flight many are still alive when Python's young generation
fills (700 objects by default): that triggered a collection every few updates, and every tenth
one an older generation's, which walks what the young ones promoted. Measured in the bot's
process (bench.updates, PostgreSQL, 200 users, 2026-12-06): the collector took 0.16 ms of each
update at 700, 0.03 ms at 50,000 (pauses of ~20 ms every few seconds; memory: bench/README.md).
`MENTORBOT_TUNING_OFF=young_gc` keeps Python's default."""

from __future__ import annotations

import gc

from bot.telegram.tuning import build_common_types, enabled

YOUNG_GENERATION = 50_000  # new container objects between two collections of the youngest


def prepare_for_updates() -> None:
    build_common_types()
    gc.collect()
    gc.freeze()
    if enabled("young_gc"):
        gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
