"""Apply Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config

from bot.package_data import package_dir

MIGRATIONS_DIR = package_dir("models", "migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    # Keep the application's logging configuration: Alembic must not reconfigure it.
    config.attributes["configure_logger"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    # env.py runs its own event loop, so migrations run in a worker thread from async code.
    await asyncio.to_thread(upgrade, database_url, revision)


async def downgrade_async(database_url: str, revision: str) -> None:
    await asyncio.to_thread(downgrade, database_url, revision)
