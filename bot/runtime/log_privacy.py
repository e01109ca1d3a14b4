"""Exceptions reach the log without the data their messages carry.

An exception's message often holds what a person sent: pydantic's ValidationError quotes the
input (`input_value={'text': …}`), a `ValueError` the value it refused, SQLAlchemy the
statement's parameters, openpyxl the cell text it could not store. Every log record is therefore
made private when it is created (a log record factory: every handler, pytest's caplog too, sees
only the private record):

- a traceback (`exc_info`) is rendered here, frames as usual, each exception of the chain as its
  type and a message only where the type's messages are known to hold no personal data
  (connection and OS errors, Telegram's answers, SQLite's own errors, errors in the code itself
  such as AttributeError); pydantic errors as the fields and error kinds, SQLAlchemy errors as
  the statement without its parameters; any other message is withheld;
- an exception passed as an argument of the message (`log.error("%s", exc)`, as aiogram does)
  is rendered the same way.

The text logged by the caller (`msg`) is the caller's responsibility: it carries ids, never
names or texts.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import traceback
from collections.abc import Callable
from typing import Any

WITHHELD = "(message withheld: it may hold personal data)"
MAX_STATEMENT = 500
CAUSE = "The above exception was the direct cause of the following exception:"
CONTEXT = "During handling of the above exception, another exception occurred:"

# Exception types whose messages describe the system or the code, never a person's data.
_SAFE_TYPES: tuple[type[BaseException], ...] = (
    OSError,  # ConnectionError, TimeoutError, FileNotFoundError, …
    sqlite3.Error,  # "database is locked", "UNIQUE constraint failed: users.telegram_id"
    AttributeError, NameError, ImportError, TypeError, NotImplementedError, RecursionError,
    MemoryError,
)


@functools.cache
def _safe_types() -> tuple[type[BaseException], ...]:
    # Telegram's answers ("Bad Request: message is not modified"), connection failures.
    from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
    from aiohttp import ClientConnectionError

    return (*_SAFE_TYPES, TelegramAPIError, TelegramNetworkError, ClientConnectionError)


def describe(exc: BaseException) -> str:
    """The exception's message as far as it is safe to log."""
    from pydantic import ValidationError
    from sqlalchemy.exc import StatementError

    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_input=False, include_context=False)
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['type']}"
                           for e in errors[:10])
        return f"{exc.error_count()} validation error(s) for {exc.title}: {fields}"
    if isinstance(exc, StatementError):
        statement = " ".join((exc.statement or "").split())[:MAX_STATEMENT]
        orig = exc.orig
        cause = f"{type(orig).__name__}: {describe(orig)}" if orig is not None else ""
        return f"{cause} [SQL: {statement}] [parameters withheld]".strip()
    if isinstance(exc, _safe_types()):
        return str(exc)
    return WITHHELD if str(exc) else ""


def _qualified(exc: BaseException) -> str:
    cls = type(exc)
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"


def _only(exc: BaseException) -> str:
    message = describe(exc)
    return f"{_qualified(exc)}: {message}" if message else _qualified(exc)


def format_exception(exc: BaseException) -> str:
    """A traceback like `logging.Formatter.formatException`'s, each message through `describe`."""
    chain: list[tuple[BaseException, str | None]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, CONTEXT
        else:
            current = None
    parts: list[str] = []
    for item, following in reversed(chain):
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(_only(item) + "\n")
        if isinstance(item, BaseExceptionGroup):
            parts.extend(f"  sub-exception: {_only(sub)}\n" for sub in item.exceptions)
        if following is not None:
            parts.append(f"\n{following}\n\n")
    return "".join(parts).rstrip("\n")


def make_private(record: logging.LogRecord) -> logging.LogRecord:
    if record.exc_info and record.exc_info[1] is not None:
        # Rendered now; standard formatters print exc_text when exc_info is gone.
        record.exc_text = format_exception(record.exc_info[1])
        record.exc_info = None
    if isinstance(record.msg, BaseException):
        record.msg = _only(record.msg)
    if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
        record.args = tuple(describe(a) if isinstance(a, BaseException) else a
                            for a in record.args)
    elif isinstance(record.args, dict) and any(isinstance(a, BaseException)
                                               for a in record.args.values()):
        record.args = {k: describe(a) if isinstance(a, BaseException) else a
                       for k, a in record.args.items()}
    return record


def install() -> None:
    """Make every log record of this process private (idempotent)."""
    previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
    if getattr(previous, "mentorbot_private", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return make_private(previous(*args, **kwargs))

    factory.mentorbot_private = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
