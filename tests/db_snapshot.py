"""Every row of every table except a person's own settings: tests that a refused or hostile
update changed nothing compare two of these."""

from __future__ import annotations

from sqlalchemy import text

from models import Base

# What any update may touch for its sender: their account, the update id, the conversation.
OWN_SETTINGS_TABLES = frozenset({"users", "processed_updates", "fsm_records"})


async def snapshot(app) -> dict[str, list]:
    result = {}
    async with app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in OWN_SETTINGS_TABLES:
                result[table.name] = sorted(map(repr, (await session.execute(
                    text(f"SELECT * FROM {table.name}"))).all()))
    return result
