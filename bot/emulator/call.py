"""One Bot API call as the method implementations see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.params import Upload
from bot.emulator.state import EmulatorState


def _unlimited(chat_id: int) -> None:
    return None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Upload] = field(default_factory=dict)
    bot_id: int = 0
    # Checks the flood limits for a send to a chat (raises 429) and counts the send.
    rate_check: Callable[[int], None] = _unlimited


Handler = Callable[[EmulatorState, Call], Any]
