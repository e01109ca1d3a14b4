"""Apply Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # Keep the application's logging configuration: Alembic must not reconfigure it.
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    # "heads": features add their revisions on parallel branches from the same parent (e.g.
    # 0002_outbox beside another 0002); every branch is applied until a merge revision joins them.
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "heads") -> None:
    # env.py runs its own event loop, so migrations run in a worker thread from async code.
    await asyncio.to_thread(upgrade, database_url, revision)


async def downgrade_async(database_url: str, revision: str) -> None:
    await asyncio.to_thread(downgrade, database_url, revision)
