"""Conversation state (aiogram's FSM) of a person who asked to be forgotten."""

from __future__ import annotations

from aiogram.fsm.storage.base import BaseStorage


async def forget_conversations(storage: BaseStorage, telegram_id: int) -> int:
    """Erase every conversation record that names the person, in whichever storage is used."""
    forget_user = getattr(storage, "forget_user", None)  # the database storage knows its rows
    if forget_user is not None:
        return await forget_user(telegram_id)
    redis = getattr(storage, "redis", None)
    if redis is None:
        return 0
    # Only this bot's keys (its prefix: other bots or environments may share the Redis), and not
    # the per-user lock: it belongs to the update being handled, whose end releases it.
    key_builder = getattr(getattr(storage, "inner", storage), "key_builder", None)
    prefix = getattr(key_builder, "prefix", None)
    pattern = f"{prefix}:*:{telegram_id}:*" if prefix else f"*:{telegram_id}:*"
    removed = 0
    async for key in redis.scan_iter(match=pattern):
        name = key.decode() if isinstance(key, bytes) else key
        if not name.endswith(":lock"):
            removed += await redis.delete(key)
    return removed
