"""Regional mentorship centres: a region is a set of organisations whose programmes report to
one centre; its coordinators (invited by the bot's owner with a link) see aggregated figures of
those organisations, never a participant's name (bot/services/region/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Region(Base):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    # Weeks of the region's figures and its coordinators' digest times are in this zone.
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegionOrganisation(Base):
    """An organisation reporting to a region (one organisation may report to several)."""

    __tablename__ = "region_organisations"

    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True)


class RegionCoordinator(Base):
    """A person coordinating a region, with their weekly digest's weekday and local time."""

    __tablename__ = "region_coordinators"
    __table_args__ = (UniqueConstraint("region_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegionInvitation(Base):
    """A link that makes its opener a coordinator of the region: expiring, limited uses."""

    __tablename__ = "region_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegionSnapshot(Base):
    """The region's figures as last computed (bot.services.region.snapshot): /region reads them
    instead of aggregating every organisation's people, pairs and meetings on each tap; a
    periodic job keeps them at most a few minutes old."""

    __tablename__ = "region_snapshots"

    region_id: Mapped[int] = mapped_column(
        ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
