"""A person joining a programme who tolerates a bot that dies and comes back: they read the
screen, act once, and wait until the bot has answered that action before reading again.

Under kills alone the person never repeats an action: polling confirms an update only after it
was handled, so a message or a tap is never lost, only answered later (or twice). Under API
faults a reply itself can fail (the update then ends with an error and its changes roll back),
which a real person notices as silence; `patience` makes them repeat the same action then:
after the bot has been up that long and has finished the update without an answer (repeating
while the update merely waits its turn would only lengthen the queue)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.emulator.players import SimUser
from bot.emulator.survey_player import COMPLETED, find_question, option_label
from bot.services.surveys import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)
from tests.texts import t

READY = "Вы в базе программы"
# The invitation link opened again after the end (a repeat crossed the last answer).
ALREADY_READY = t("state.ready")
AGE = t("onboarding.age_group")
CONSENT = t("consent.accept")
ASK_NAME = "Как вас зовут?"
CONTINUE = t("onboarding.start_profile")  # under "you already take part" when the link is opened again
NUMBERS = {"hours_per_month": "6", "max_mentees": "2"}
MAX_ACTIONS = 200  # the whole way takes ~16 without faults


class Stuck(AssertionError):
    pass


class BotUptime:
    """When the bot process last started polling (None while it is being restarted): a person
    repeats an action only after the bot has been up for `patience` without answering, so a
    slow restart is waited out rather than answered with repeats."""

    def __init__(self) -> None:
        self.up_since: float | None = time.monotonic()


class Person:
    def __init__(self, user: SimUser, token: str, survey_id: str, name: str,
                 patience: float | None = None, limit: float = 120.0,
                 uptime: BotUptime | None = None) -> None:
        self.user = user
        self.token = token
        self.survey_id = survey_id
        self.name = name
        self.patience = patience  # None: never repeat (kills only)
        self.limit = limit  # no answer within this long of bot uptime: the flow is stuck
        self.uptime = uptime or BotUptime()
        self.last_update: int | None = None  # the update of the last action
        self.actions = 0
        self.repeats = 0
        self.waits = 0

    def screen(self) -> tuple:
        messages = [m for m in self.user.messages if not m.deleted]
        last = messages[-1] if messages else None
        return (len(messages), last.text if last else None, tuple(last.buttons) if last else (),
                len(self.user.callback_answers))

    async def _settled_change(self, before: tuple, action: Callable[[], Awaitable[object]]) -> None:
        """Wait until the screen differs from `before` and stays the same for a moment."""
        last_try = seen_at = time.monotonic()
        waited = 0.0  # while the bot was up: a restart's start-up is not the bot's silence
        # Until the bot has finished the update, not just answered the tap: on a busy bot the
        # edited question follows the tap's answer by seconds, and reading the old question
        # then made people tap again (a tick toggled back, a double answer).
        while self.screen() == before or not self._handled(self.last_update):
            now = time.monotonic()
            up_since = self.uptime.up_since
            if up_since is not None:
                waited += now - max(seen_at, up_since)
            seen_at = now
            if waited > self.limit:
                raise Stuck(f"user {self.user.id}: no answer within {self.limit}s of the bot "
                            f"being up, to action {self.actions}\n"
                            f"{self.user.transcript()[-3000:]}")
            if self.patience is not None and up_since is not None \
                    and now - max(last_try, up_since) > self.patience \
                    and self._handled(self.last_update):
                self.repeats += 1
                last_try = now
                try:
                    await self._sent(action)
                except AssertionError:
                    pass  # the button is gone: the screen is changing anyway
            await asyncio.sleep(0.1)
        seen = self.screen()
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 0.4:
            await asyncio.sleep(0.1)
            if self.screen() != seen:
                seen, quiet_since = self.screen(), time.monotonic()

    async def _sent(self, action: Callable[[], Awaitable[object]]) -> None:
        await action()  # pushes the update synchronously: the newest one is ours
        self.last_update = self.user.state.queue.accepted_ids[-1]

    def _handled(self, update_id: int | None) -> bool:
        """The bot has finished (confirmed) this update: a reply that is still missing then
        was lost, rather than queued behind other people's updates on a slow machine."""
        return update_id is None or all(
            u["update_id"] != update_id for u in self.user.state.queue.pending)

    async def act(self, action: Callable[[], Awaitable[object]]) -> None:
        before = self.screen()
        self.actions += 1
        try:
            await self._sent(action)
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
        # A repeated answer that crossed the last one gets "not understood" after the ready
        # message: the person reads the last few messages, as on a phone.
        if any(READY in text for text in texts) or ALREADY_READY in last:
            return None
        if user.last_message is not None and CONTINUE in user.last_message.buttons:
            return lambda: user.press(CONTINUE)
        if AGE in last:
            return lambda: user.press(t("age_group.18_plus"))
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
        # A reply in two parts (an edit, then the next question) can be half shown: wait for
        # the rest; nothing within `limit` is a stuck flow (raised by _settled_change).
        return "wait"  # type: ignore[return-value]

    def _answer(self, question) -> Callable[[], Awaitable[object]]:
        user = self.user
        if isinstance(question, MultiQuestion):
            shown = [m for m in user.messages if not m.deleted and m.buttons]
            buttons = shown[-1].buttons if shown else []
            if any(b.startswith("✅ ") for b in buttons):
                return lambda: user.press("Готово")
            return lambda: user.press(option_label(question))
        if isinstance(question, SingleQuestion):
            return lambda: user.press(option_label(question))
        if isinstance(question, ScaleQuestion):
            return lambda: user.press("8")
        if isinstance(question, NumberQuestion):
            return lambda: user.send(NUMBERS.get(question.id, str(question.min)))
        if isinstance(question, DateQuestion):
            return lambda: user.send("01.10.2026")
        if isinstance(question, TextQuestion):
            return lambda: user.send("Учитель истории")
        raise AssertionError(f"unknown question type {type(question).__name__}")

    async def _reopen(self) -> None:
        """Under faults a failed reply can leave a screen without a way on (the age button
        edited away, the consent message lost): after `patience` a person opens the invitation
        link again (only called when patience is set)."""
        await self.user.send(f"/start {self.token}")

    async def join(self) -> None:
        """From the invitation link to "ready"."""
        await self.act(lambda: self.user.send(f"/start {self.token}"))
        while True:
            action = self._next_action()
            if action is None:
                return
            if self.actions + self.waits > MAX_ACTIONS:  # going round in circles
                raise Stuck(f"user {self.user.id} did not finish\n{self.user.transcript()[-3000:]}")
            if action == "wait":
                self.waits += 1
                before = self.screen()
                await self._settled_change(before, self._reopen)
                continue
            await self.act(action)


