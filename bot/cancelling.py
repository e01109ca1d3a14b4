"""A cancellation must end the task it was meant for.

A clean-up that awaits while a CancelledError unwinds (a `finally:` that runs one more statement,
a connection's rollback) can fail with an error of its own, which then replaces the
CancelledError. A loop that carries on after `except Exception` would never see the cancellation
again: the task keeps running, marked "cancelling", and whoever awaits it (stop_polling, a
shutdown) waits forever."""

from __future__ import annotations

import asyncio


def raise_if_cancelling() -> None:
    """In an `except Exception:` of a task that may be cancelled, or at the top of its loop
    (Python 3.11's wait_for can swallow a cancellation that races a result): when a
    cancellation was asked for, end the task as cancelled instead of carrying on."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
