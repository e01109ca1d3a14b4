"""The last step before a process takes updates: build what every update needs, then keep
the garbage collector off everything built so far.

aiogram's types are built on first use (bot/telegram/tuning.py); the update and the common reply
requests are built here, not for the first person after a start (~200 ms). aiogram's types,
SQLAlchemy's mappings and the handlers are hundreds of thousands of objects that live as long
as the process; frozen, they are left out of every collection instead of being walked again
and again under load."""

from __future__ import annotations

import gc

from bot.telegram.tuning import build_common_types


def prepare_for_updates() -> None:
    build_common_types()
    gc.collect()
    gc.freeze()
