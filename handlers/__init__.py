"""Routers, each built by a function so every test gets a fresh application."""

from __future__ import annotations

from aiogram import Router

from bot.config import Settings
from bot.i18n import Translator
from handlers import common, errors, membership, start
from handlers import settings as settings_handlers


def create_root_router(settings: Settings, translator: Translator) -> Router:
    root = Router(name="root")
    root.include_routers(
        errors.create_router(settings, translator),
        membership.create_router(),
        common.create_cancel_router(),
        start.create_router(),
        settings_handlers.create_router(),
        common.create_fallback_router(),
    )
    return root
