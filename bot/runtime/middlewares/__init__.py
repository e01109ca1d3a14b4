"""Outer middlewares: one database session per update, de-duplication, the user, the locale."""

from bot.runtime.middlewares.context import UserContextMiddleware
from bot.runtime.middlewares.dedupe import UpdateDedupeMiddleware
from bot.runtime.middlewares.fsm import StateReadMiddleware
from bot.runtime.middlewares.prefetch import UpdatePrefetchMiddleware
from bot.runtime.middlewares.session import DbSessionMiddleware

__all__ = ["DbSessionMiddleware", "StateReadMiddleware", "UpdateDedupeMiddleware",
           "UpdatePrefetchMiddleware", "UserContextMiddleware"]
