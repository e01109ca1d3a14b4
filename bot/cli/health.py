"""`mentorbot health`: the container's health check (deploy/Dockerfile's HEALTHCHECK).

In webhook mode it asks the running bot's `GET /health` (database, Redis, scheduler); in
polling mode, which serves no HTTP, it checks what the bot needs besides Telegram: the database
answers and is migrated, and Redis answers when configured. One line of JSON, exit 0 or 1."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

from bot.config import Settings

TIMEOUT = 5.0


def _webhook_health(settings: Settings) -> tuple[bool, dict[str, str]]:
    host = "127.0.0.1" if settings.webhook_host in ("0.0.0.0", "::", "") else settings.webhook_host
    url = f"http://{host}:{settings.webhook_port}/health"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as answer:
            return answer.status == 200, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:  # 503 names what failed
        return False, json.loads(exc.read() or b"{}")
    except (OSError, ValueError) as exc:
        return False, {"webhook": f"failed: {type(exc).__name__}"}


async def _polling_health(settings: Settings) -> tuple[bool, dict[str, str]]:
    from sqlalchemy import text

    from bot.db import create_engine

    report: dict[str, str] = {}
    engine = create_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        async with asyncio.timeout(TIMEOUT), engine.connect() as connection:
            revision = (await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalar()
        report["database"] = "ok" if revision else "not migrated"
    except Exception as exc:  # any failure is "unhealthy"; the type is enough to diagnose
        report["database"] = f"failed: {type(exc).__name__}"
    finally:
        await engine.dispose()
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url, socket_timeout=TIMEOUT)
        try:
            await redis.ping()
            report["redis"] = "ok"
        except Exception as exc:
            report["redis"] = f"failed: {type(exc).__name__}"
        finally:
            await redis.aclose()
    return all(value == "ok" for value in report.values()), report


def check(settings: Settings) -> tuple[bool, dict[str, str]]:
    if settings.bot_mode == "webhook":
        return _webhook_health(settings)
    return asyncio.run(_polling_health(settings))
