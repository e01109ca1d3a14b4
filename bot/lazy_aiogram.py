"""Import aiogram without building the validators of all its Telegram types up front.

aiogram declares its ~400 types with pydantic's `defer_build=True`, then ends
`aiogram/types/__init__.py` with a loop that calls `model_rebuild()` on every one of them,
which builds them all: ~110 MB of memory and seconds of start-up (14 s on a busy 2-core
machine), though a bot validates a handful of types. `import_aiogram_lazily()` imports
aiogram.types with that loop's builds skipped, so each type is built on its first use, as
`defer_build` intends. The loop's namespace (the name of every type) is added to the types'
modules, so that a lazy build resolves the same forward references the loop would have
(they are imported only under TYPE_CHECKING there). tests/test_lazy_aiogram.py builds every
type this way and checks the memory saved.

It has to run before anything imports aiogram (bot/__init__.py calls it); if aiogram was
imported already, it does nothing and the types stay built as aiogram ships them."""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

TYPES_PACKAGE = "aiogram.types"


def import_aiogram_lazily() -> bool:
    """True if aiogram.types was imported now with its builds deferred."""
    if TYPES_PACKAGE in sys.modules:
        return False
    eager = BaseModel.__dict__["model_rebuild"]
    namespaces: list[dict[str, Any]] = []

    def deferring_rebuild(cls: type[BaseModel], **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if not cls.__module__.startswith(TYPES_PACKAGE + ".") or namespace is None:
            return eager.__func__(cls, **kwargs)
        if not namespaces:
            namespaces.append(dict(namespace))
        return None  # built on first use

    BaseModel.model_rebuild = classmethod(deferring_rebuild)  # type: ignore[assignment]
    try:
        import aiogram  # noqa: F401  (aiogram.types, and the methods that refer to them)
    finally:
        BaseModel.model_rebuild = eager  # type: ignore[assignment]
    if not namespaces:  # an aiogram without that loop: nothing was deferred
        return False
    # Only now, so that the methods' models, defined while aiogram was imported, could not
    # resolve the types either and are deferred too.
    for name, module in list(sys.modules.items()):
        if name.startswith(TYPES_PACKAGE + ".") and module is not None:
            for key, value in namespaces[0].items():
                module.__dict__.setdefault(key, value)
    return True


def build_common_types() -> None:
    """Build, before the first update, what nearly every update needs: the update itself and the
    requests a reply makes. Built lazily, they cost the first person after a start ~200 ms."""
    from aiogram import methods, types

    for model in (types.Update, methods.SendMessage, methods.EditMessageText,
                  methods.AnswerCallbackQuery, methods.EditMessageReplyMarkup,
                  methods.DeleteMessage, types.InlineKeyboardMarkup, types.ReplyKeyboardMarkup):
        model.model_rebuild()
