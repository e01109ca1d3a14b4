"""Telegram's pace per chat, with a safety margin: the outbox's rate limiter
(bot/delivery/rate_limit.py) and the bot's send budget (bot/telegram/budget.py) both wait a
chat's interval after a message to it."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MARGIN = 0.02  # below each of Telegram's limits, so a late timer does not cross them


@dataclass(frozen=True, slots=True)
class ChatPace:
    private_interval: float  # seconds between two messages to one person
    group_interval: float  # ... to one group

    @classmethod
    def of(cls, private_per_second: float = 1.0, group_per_minute: float = 20.0,
           margin: float = DEFAULT_MARGIN) -> ChatPace:
        factor = 1.0 - margin
        return cls(1.0 / (private_per_second * factor), 60.0 / (group_per_minute * factor))

    def interval_for(self, chat_id: int) -> float:
        # Telegram: positive ids are private chats, negative ones groups and channels.
        return self.private_interval if chat_id > 0 else self.group_interval
