"""Outer middlewares: one database session per update, de-duplication, the user, the locale."""

from bot.middlewares.context import UserContextMiddleware
from bot.middlewares.dedupe import UpdateDedupeMiddleware
from bot.middlewares.fsm import StateReadMiddleware
from bot.middlewares.prefetch import UpdatePrefetchMiddleware
from bot.middlewares.session import DbSessionMiddleware

__all__ = ["DbSessionMiddleware", "StateReadMiddleware", "UpdateDedupeMiddleware",
           "UpdatePrefetchMiddleware", "UserContextMiddleware"]
