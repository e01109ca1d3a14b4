"""A command typed at a step of a conversation is a command, never the step's answer.

One outer middleware on the root router's messages, ahead of every step handler: a message in a
conversation state whose text (or caption) starts with «/» is hidden from the state filters, so
no step stores it (a name «/forget», an organisation «/status»). Then:

- /cancel, /forget, /mydata, /help, /start, /language do what they say and the step stays
  (after /help the name can still be typed; /cancel and a confirmed /forget end it themselves);
- any other command of the bot leaves the step and runs, then a short note says the step was
  left (a refused command changes nothing, so its step stays);
- anything else starting with «/» (an unknown command, a command in a caption) is refused with a
  note, and the step stays;
- a press of the reply keyboard («📝 Отметить встречу», «✉️ Написать наставнику»…) sends its
  label as text: it is the button, not the step's answer — the step is left and the button works,
  then the same short note.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject

# What a person may always do, mid-step, without losing the step.
KEEP_STEP = frozenset({"cancel", "forget", "mydata", "help", "start", "language"})

_COMMAND = re.compile(r"/([^\s@]*)")


def command_name(text: str | None) -> str | None:
    """«/status@bot args» → «status»; None for text that does not start with «/». Case is kept:
    Telegram's commands, like aiogram's Command filter, are case-sensitive."""
    if not text or not text.startswith("/"):
        return None
    match = _COMMAND.match(text)
    return match.group(1) if match else ""


def registered_commands(router: Router) -> set[str]:
    """Every command a Command filter of `router` or its sub-routers answers."""
    found: set[str] = set()
    for handler in router.message.handlers:
        for flt in handler.filters or ():
            if isinstance(flt.callback, Command):
                found.update(c for c in flt.callback.commands if isinstance(c, str))
    for sub in router.sub_routers:
        found |= registered_commands(sub)
    return found


class StepCommandMiddleware(BaseMiddleware):
    def __init__(self, known: Iterable[str], buttons: Iterable[str] = ()) -> None:
        self.known = frozenset(known)
        self.buttons = frozenset(buttons)  # the reply keyboard's labels, in every language

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or data.get("raw_state") is None:
            return await handler(event, data)
        if event.text is not None and event.text in self.buttons:
            return await self._leave_step(handler, event, data)
        in_text = command_name(event.text)
        name = in_text if in_text is not None else command_name(event.caption)
        if name is None:
            return await handler(event, data)
        # No state filter matches now: no step handler can take the message as its answer.
        data["raw_state"] = None
        if in_text is not None and name in KEEP_STEP:
            return await handler(event, data)
        t = data["t"]
        if in_text is None:
            await event.answer(t("steps.caption_command"))
            return None
        if name not in self.known:
            await event.answer(t("steps.not_an_answer"))
            return None
        return await self._leave_step(handler, event, data)

    @staticmethod
    async def _leave_step(
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: Message,
        data: dict[str, Any],
    ) -> Any:
        data["raw_state"] = None
        state: FSMContext = data["state"]
        await state.clear()
        result = await handler(event, data)
        # After the command's own answer: a refused command raises instead, its update rolls
        # back (the step stays) and no note claims otherwise.
        await event.answer(data["t"]("steps.left"))
        return result
