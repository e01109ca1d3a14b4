"""Waking the outbox sender when an update's commit makes messages due now."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


def wake_after_commit(session: AsyncSession, scheduler: object | None) -> None:
    """Rows due now go out right after the update's commit, not at the next tick."""
    wake = getattr(scheduler, "wake", None)
    if wake is None:
        return

    def _wake(_session: object) -> None:
        try:
            wake()
        except RuntimeError:  # no running loop (shutting down): the next tick sends
            pass

    event.listen(session.sync_session, "after_commit", _wake, once=True)
