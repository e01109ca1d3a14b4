"""Fault injection: make chosen API calls fail the way Telegram or the network can."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bot.emulator.limits import too_many_requests
from bot.emulator.models import ApiError, blocked, chat_not_found

KINDS = frozenset({"429", "403", "400_chat_not_found", "500", "502", "slow", "drop"})


@dataclass
class Fault:
    """One injected fault.

    `times`: how many calls it hits before it expires; None means once for a
    deterministic fault and unlimited for a random one (`probability` set).
    """

    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int | None = None
    probability: float | None = None
    retry_after: int = 1
    delay: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(KINDS)}")
        if self.times is None and self.probability is None:
            self.times = 1

    @property
    def expired(self) -> bool:
        return self.times is not None and self.times <= 0

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        return True

    def error(self) -> ApiError | None:
        """The error answer for this fault; None for kinds that are not an answer."""
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        if self.kind == "403":
            return blocked()
        if self.kind == "400_chat_not_found":
            return chat_not_found()
        if self.kind == "500":
            return ApiError(500, "Internal Server Error")
        if self.kind == "502":
            return ApiError(502, "Bad Gateway")
        return None


class FaultInjector:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def pick(self, method: str, params: dict[str, Any]) -> Fault | None:
        """Return the first live fault that fires for this call, consuming one use."""
        for fault in self.faults:
            if fault.expired or not fault.matches(method, params):
                continue
            if fault.probability is not None and self.rng.random() >= fault.probability:
                continue
            if fault.times is not None:
                fault.times -= 1
            self.faults = [item for item in self.faults if not item.expired]
            return fault
        return None
