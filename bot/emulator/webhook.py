"""Webhook delivery: POST queued updates to the bot in order, retrying failures."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiohttp

from bot.emulator.state import EmulatorState

# Runs a method the bot returned in the webhook response body (Telegram supports this).
ResponseMethod = Callable[[str, dict[str, Any]], Awaitable[None]]


class WebhookDeliverer:
    def __init__(
        self, state: EmulatorState, run_method: ResponseMethod, retry_delay: float = 0.2,
        parallel: bool = False,
    ) -> None:
        self.state = state
        self.run_method = run_method
        self.retry_delay = retry_delay
        # Sequential (one update at a time) or, like Telegram, up to max_connections at once
        # with one chat's updates still one at a time and in order.
        self.parallel = parallel
        self.deliveries = 0
        # update id -> (chat key, delivery task) of the posts awaiting an answer (parallel mode)
        self.in_flight: dict[int, tuple[object, asyncio.Task[None]]] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            if self.parallel:
                await self._run_parallel(session)
                return
            while self.state.webhook is not None:
                queue = self.state.queue
                if not queue.pending:
                    await queue.signal.wait(1.0)
                    continue
                update = queue.pending[0]
                # Sequential delivery keeps per-chat (indeed global) order.
                if await self._deliver(session, update):
                    queue.remove(update["update_id"])
                else:
                    await asyncio.sleep(self.retry_delay)

    async def _run_parallel(self, session: aiohttp.ClientSession) -> None:
        in_flight = self.in_flight
        try:
            while self.state.webhook is not None:
                queue = self.state.queue
                busy = {key for key, _ in in_flight.values()}
                limit = self.state.webhook.max_connections
                for update in list(queue.pending):
                    if len(in_flight) >= limit:
                        break
                    key = chat_key(update)
                    if key in busy or update["update_id"] in in_flight:
                        busy.add(key)  # later updates of this chat wait behind this one
                        continue
                    busy.add(key)
                    task = asyncio.create_task(self._deliver_one(session, update))
                    in_flight[update["update_id"]] = (key, task)
                    task.add_done_callback(partial(self._delivered, update["update_id"]))
                await queue.signal.wait(1.0)
        finally:
            for _, task in list(in_flight.values()):
                task.cancel()

    def _delivered(self, update_id: int, _task: asyncio.Task[None]) -> None:
        """A delivery ended: free its slot and wake the loop for the next update."""
        self.in_flight.pop(update_id, None)
        self.state.queue.signal.notify()

    async def _deliver_one(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        if await self._deliver(session, update):
            self.state.queue.remove(update["update_id"])
        else:
            await asyncio.sleep(self.retry_delay)

    async def _deliver(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> bool:
        config = self.state.webhook
        if config is None:
            return False
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = config.secret_token
        try:
            async with session.post(config.url, data=json.dumps(update), headers=headers) as resp:
                if resp.status >= 300:
                    self._fail(f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
                reply = await _reply_method(resp)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._fail(f"Connection failed: {type(exc).__name__}")
            return False
        self.deliveries += 1
        if reply is not None:
            method, params = reply
            await self.run_method(method, params)
        return True

    def _fail(self, message: str) -> None:
        if self.state.webhook is not None:
            self.state.webhook.last_error_date = int(time.time())
            self.state.webhook.last_error_message = message


async def _reply_method(resp: aiohttp.ClientResponse) -> tuple[str, dict[str, Any]] | None:
    """A method call in the webhook answer body (JSON, or form-data as aiogram sends it)."""
    data: dict[str, Any] = {}
    if resp.content_type == "application/json":
        try:
            parsed = json.loads(await resp.read() or b"null")
        except ValueError:
            return None
        if isinstance(parsed, dict):
            data = parsed
    elif resp.content_type == "multipart/form-data":
        reader = aiohttp.MultipartReader.from_response(resp)
        while (part := await reader.next()) is not None:
            if isinstance(part, aiohttp.BodyPartReader) and part.name:
                data[part.name] = await part.text()
    method = data.pop("method", None)
    if not isinstance(method, str):
        return None
    return method, data


def chat_key(update: dict[str, Any]) -> object:
    """The conversation an update belongs to: its chat, else its sender."""
    payload: dict[str, Any] = next((v for k, v in update.items() if k != "update_id"), {})
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    if chat:
        return ("chat", chat["id"])
    sender = payload.get("from")
    if sender:
        return ("user", sender["id"])
    return ("update", update["update_id"])
