"""What the bot offers, read from the bot itself: every CallbackData factory of bot/callbacks/
(tests/test_roles.py and tests/test_hostile_input.py cover each, and a new one without editing
a list)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from aiogram.filters.callback_data import CallbackData

import bot.callbacks


def callback_factories() -> set[type]:
    found = set()
    for module in pkgutil.iter_modules(bot.callbacks.__path__):
        loaded = importlib.import_module(f"bot.callbacks.{module.name}")
        found.update(cls for _, cls in inspect.getmembers(loaded, inspect.isclass)
                     if issubclass(cls, CallbackData) and cls is not CallbackData
                     and cls.__module__ == loaded.__name__)
    return found
