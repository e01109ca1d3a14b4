"""The region's figures as /region shows them: read from the last snapshot while it is at most
MAX_AGE old, else counted afresh (figures.region_figures) and stored. A periodic job refreshes
every region's snapshot every few minutes, so a coordinator's tap reads one row instead of
aggregating hundreds of thousands (bench/region.py); the page says when the figures were
counted. The report and the digest count afresh and store what they counted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.region.figures import RegionFigures, dump, load, region_figures
from models import Region, RegionSnapshot

MAX_AGE = timedelta(minutes=10)
REFRESH_EVERY = timedelta(minutes=5)


async def store(session: AsyncSession, figures: RegionFigures) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    values = {"region_id": figures.region_id, "computed_at": figures.computed_at,
              "data": dump(figures)}
    await session.execute(module.insert(RegionSnapshot).values(**values).on_conflict_do_update(
        index_elements=["region_id"], set_={"computed_at": values["computed_at"],
                                            "data": values["data"]}))


async def fresh(session: AsyncSession, region_id: int, now: datetime) -> RegionFigures:
    """Counted now, and stored for the next taps."""
    figures = await region_figures(session, region_id, now)
    await store(session, figures)
    return figures


async def current(session: AsyncSession, region_id: int, now: datetime) -> RegionFigures:
    row = await session.get(RegionSnapshot, region_id)
    if row is not None and now - MAX_AGE <= row.computed_at <= now:
        return load(row.data)
    return await fresh(session, region_id, now)


async def forget(session: AsyncSession, region_id: int) -> None:
    """The region's organisations changed: the next look counts afresh."""
    await session.execute(delete(RegionSnapshot).where(RegionSnapshot.region_id == region_id))


async def refresh_all(session: AsyncSession, now: datetime) -> int:
    """Every region whose snapshot is older than REFRESH_EVERY, counted afresh; how many."""
    stale = list(await session.scalars(
        select(Region.id).outerjoin(RegionSnapshot, RegionSnapshot.region_id == Region.id)
        .where((RegionSnapshot.computed_at.is_(None))
               | (RegionSnapshot.computed_at <= now - REFRESH_EVERY)
               | (RegionSnapshot.computed_at > now))
        .order_by(Region.id)))
    for region_id in stale:
        await fresh(session, region_id, now)
    return len(stale)
