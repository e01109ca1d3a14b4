"""One source of "now" for delivery code, so tests can freeze or move time.

Wall-clock time (due times, expiry, leases) goes through a Clock; pacing of requests uses the
monotonic clock in the rate limiter, which real waiting needs anyway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """The real clock: timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock(Clock):
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, seconds: float = 0, **delta: float) -> datetime:
        self._now += timedelta(seconds=seconds, **delta)
        return self._now


FrozenClock = ManualClock


def now_of(scheduler: object | None) -> datetime:
    """The scheduler's clock is the bot's one clock (tests set a ManualClock there)."""
    clock = getattr(scheduler, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)
