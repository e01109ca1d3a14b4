"""One dashboard API call's person and means, as a chat handler has them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from models import User


@dataclass
class Caller:
    session: AsyncSession
    user: User
    t: BoundTranslator  # plain text: the page inserts what it shows as text
    now: datetime  # the bot's clock
    scheduler: object | None
