"""A person joining a programme who tolerates a bot that dies and comes back: they read the
screen, act once, and wait until the bot has answered that action before reading again.

Under kills alone the person never repeats an action: polling confirms an update only after it
was handled, so a message or a tap is never lost, only answered later (or twice). Under API
faults a reply itself can fail (the update then ends with an error and its changes roll back),
which a real person notices as silence; `patience` makes them repeat the same action then."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.emulator.players import SimUser
from bot.emulator.survey_player import COMPLETED, find_question
from bot.services.surveys import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)

READY = "Вы в базе программы"
AGE = "Сколько вам полных лет?"
CONSENT = "✅ Даю согласие"
ASK_NAME = "Как вас зовут?"
NUMBERS = {"hours_per_month": "6", "max_mentees": "2"}


class Stuck(AssertionError):
    pass


class Person:
    def __init__(self, user: SimUser, token: str, survey_id: str, name: str,
                 patience: float | None = None, limit: float = 120.0) -> None:
        self.user = user
        self.token = token
        self.survey_id = survey_id
        self.name = name
        self.patience = patience  # None: never repeat (kills only)
        self.limit = limit  # no answer within this long: the flow is stuck
        self.actions = 0
        self.repeats = 0

    def screen(self) -> tuple:
        messages = [m for m in self.user.messages if not m.deleted]
        last = messages[-1] if messages else None
        return (len(messages), last.text if last else None, tuple(last.buttons) if last else (),
                len(self.user.callback_answers))

    async def _settled_change(self, before: tuple, action: Callable[[], Awaitable[object]]) -> None:
        """Wait until the screen differs from `before` and stays the same for a moment."""
        started = last_try = time.monotonic()
        while self.screen() == before:
            now = time.monotonic()
            if now - started > self.limit:
                raise Stuck(f"user {self.user.id}: no answer within {self.limit}s to action "
                            f"{self.actions}\n{self.user.transcript()[-3000:]}")
            if self.patience is not None and now - last_try > self.patience:
                self.repeats += 1
                last_try = now
                try:
                    await action()
                except AssertionError:
                    pass  # the button is gone: the screen is changing anyway
            await asyncio.sleep(0.1)
        seen = self.screen()
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 0.4:
            await asyncio.sleep(0.1)
            if self.screen() != seen:
                seen, quiet_since = self.screen(), time.monotonic()

    async def act(self, action: Callable[[], Awaitable[object]]) -> None:
        before = self.screen()
        self.actions += 1
        try:
            await action()
        except AssertionError:
            if self.patience is None:
                raise
            return  # the button went away meanwhile: read the screen again
        await self._settled_change(before, action)

    def _texts(self, last: int) -> list[str]:
        return [m.text or "" for m in self.user.messages if not m.deleted][-last:]

    def _next_action(self) -> Callable[[], Awaitable[object]] | None:
        user = self.user
        texts = self._texts(3)
        last = texts[-1] if texts else ""
        if READY in last:
            return None
        if AGE in last:
            return lambda: user.press("18 лет и старше")
        if user.last_message is not None and CONSENT in user.last_message.buttons:
            return lambda: user.press(CONSENT)
        if ASK_NAME in last:
            return lambda: user.send(self.name)
        for text in reversed(texts):
            question = find_question(self.survey_id, text)
            if question is not None:
                return self._answer(question)
        if any(mark in last for mark in COMPLETED):
            return "wait"  # type: ignore[return-value]  # the ready message follows
        if self.patience is not None:
            # A failed reply can leave a screen without a way on (e.g. the age button edited
            # away, the consent message lost): a person opens the invitation link again.
            self.repeats += 1
            return lambda: user.send(f"/start {self.token}")
        raise Stuck(f"user {user.id}: nothing to do on this screen\n{user.transcript()[-3000:]}")

    def _answer(self, question) -> Callable[[], Awaitable[object]]:
        user = self.user
        if isinstance(question, MultiQuestion):
            shown = [m for m in user.messages if not m.deleted and m.buttons]
            buttons = shown[-1].buttons if shown else []
            if any(b.startswith("✅ ") for b in buttons):
                return lambda: user.press("Готово")
            return lambda: user.press(question.options[0].text.ru)
        if isinstance(question, SingleQuestion):
            return lambda: user.press(question.options[0].text.ru)
        if isinstance(question, ScaleQuestion):
            return lambda: user.press("8")
        if isinstance(question, NumberQuestion):
            return lambda: user.send(NUMBERS.get(question.id, str(question.min)))
        if isinstance(question, DateQuestion):
            return lambda: user.send("01.10.2026")
        if isinstance(question, TextQuestion):
            return lambda: user.send("Учитель истории")
        raise AssertionError(f"unknown question type {type(question).__name__}")

    async def join(self) -> None:
        """From the invitation link to "ready"."""
        await self.act(lambda: self.user.send(f"/start {self.token}"))
        deadline = time.monotonic() + self.limit * 3
        while True:
            action = self._next_action()
            if action is None:
                return
            if time.monotonic() > deadline:
                raise Stuck(f"user {self.user.id} did not finish\n{self.user.transcript()[-3000:]}")
            if action == "wait":
                before = self.screen()
                await self._settled_change(before, _nothing)
                continue
            await self.act(action)


async def _nothing() -> None:
    return None
