"""What the bot offers, read from the bot itself: every CallbackData factory of bot/callbacks*.py
(tests/test_roles.py and tests/test_hostile_input.py cover each, and a new one without editing
a list)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from aiogram.filters.callback_data import CallbackData

import bot


def callback_factories() -> set[type]:
    found = set()
    for module in pkgutil.iter_modules(bot.__path__):
        if module.name.startswith("callbacks"):
            loaded = importlib.import_module(f"bot.{module.name}")
            found.update(cls for _, cls in inspect.getmembers(loaded, inspect.isclass)
                         if issubclass(cls, CallbackData) and cls is not CallbackData
                         and cls.__module__ == loaded.__name__)
    return found
