"""A Telegram account known to the bot. Holds no personal data: names and profiles live
with a participation and only after consent (152-ФЗ)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # The language the person chose with /language; None means "follow Telegram's".
    locale: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Set when Telegram says the bot was blocked or the account is gone; nothing is sent then.
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
