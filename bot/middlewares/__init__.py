"""Outer middlewares: one database session per update, the user, the locale."""

from bot.middlewares.context import UserContextMiddleware
from bot.middlewares.session import DbSessionMiddleware

__all__ = ["DbSessionMiddleware", "UserContextMiddleware"]
