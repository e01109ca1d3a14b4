"""The update's outer middleware (one database session per update, then de-duplication, the
conversation state, the user and the locale as plain steps) and the step-command middleware."""

from bot.runtime.middlewares.update import UpdateMiddleware

__all__ = ["UpdateMiddleware"]
