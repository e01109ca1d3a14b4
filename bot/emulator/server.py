"""BotAPIEmulator: the aiohttp app serving the Bot API on loopback, plus the test-facing API."""

from __future__ import annotations

import asyncio
import random
import re
import time
from typing import Any

from aiohttp import web

from bot.emulator.call import Call
from bot.emulator.delivery import DeliveryMethods
from bot.emulator.faults import Fault, FaultInjector
from bot.emulator.limits import RateLimiter, RateLimits
from bot.emulator.models import ApiError, RecordedCall
from bot.emulator.params import decode_form_fields, read_params
from bot.emulator.players import SimGroup, SimUser
from bot.emulator.registry import HANDLERS, SEND_METHODS
from bot.emulator.state import EmulatorState
from bot.emulator.webhook import WebhookDeliverer

TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
DEFAULT_TOKEN = "123456789:EMULATOR-token"
_ASYNC_METHODS = frozenset({"getupdates", "setwebhook", "deletewebhook", "getwebhookinfo"})
_NOT_FOUND = ApiError(404, "Not Found")
_UNAUTHORIZED = ApiError(401, "Unauthorized")


class _Dropped(Exception):
    """The call must end with the connection closed and no answer."""


class BotAPIEmulator:
    def __init__(
        self,
        bot_username: str = "mentorbot_demo_bot",
        limits: RateLimits | None = None,
        *,
        token: str = DEFAULT_TOKEN,
        rng: random.Random | None = None,
        strict_html_amp: bool = True,
        strict_plain_text: bool = True,
        webhook_retry_delay: float = 0.2,
        webhook_parallel: bool = False,
    ) -> None:
        if not TOKEN_RE.match(token):
            raise ValueError(f"malformed token {token!r}")
        self.token = token
        self.state = EmulatorState(int(token.split(":")[0]), bot_username, strict_html_amp,
                                   strict_plain_text)
        self.state.token = token  # Mini Apps' initData is signed with it (web_app.py)
        self.limits = limits
        self.limiter = RateLimiter(limits) if limits else None
        self.rng = rng or random.Random(0)
        self.faults = FaultInjector(self.rng)
        self.calls: list[RecordedCall] = []
        self.count_429 = 0
        self.base_url: str | None = None
        self.webhook = WebhookDeliverer(self.state, self._run_webhook_reply, webhook_retry_delay,
                                       webhook_parallel)
        self.delivery = DeliveryMethods(self.state, self.webhook)
        self._runner: web.AppRunner | None = None
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimGroup] = {}
        self.revoked: set[str] = set()  # tokens answered 401, as Telegram answers a revoked one

    # --- lifecycle --------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self.delivery.closing = False
        # At stop the released long polls still have their (empty) answers to write: on a
        # loaded machine that may take over 0.5 s, and aiohttp then resets the connection under
        # the bot's getUpdates. Nothing else is in progress by then but a request held by a
        # "slow" fault (at most its delay).
        self._runner = web.AppRunner(self.make_app(), shutdown_timeout=3, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_port = self._runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        self.delivery.closing = True
        self.delivery.wake_pollers()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- test-facing API --------------------------------------------------------
    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        return self.state.commands

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> SimUser:
        if user_id not in self._users:
            self._users[user_id] = SimUser(
                self.state, user_id, first_name, last_name, username, language_code
            )
        return self._users[user_id]

    def group(self, chat_id: int, title: str = "Group") -> SimGroup:
        if chat_id not in self._groups:
            self._groups[chat_id] = SimGroup(self.state, chat_id, title)
        return self._groups[chat_id]

    def block(self, user: SimUser) -> None:
        user.set_blocked(True)

    def unblock(self, user: SimUser) -> None:
        user.set_blocked(False)

    def inject(self, fault: Fault) -> Fault:
        self.faults.add(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109 (public API)
        """Wait until all updates were confirmed/delivered and the bot went quiet."""
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            pending = len(self.state.queue.pending)
            idle = now - self._last_activity
            if not pending and not self._inflight and idle >= quiet:
                return
            if now >= deadline:
                raise AssertionError(
                    f"emulator did not settle within {timeout}s: {pending} update(s) pending, "
                    f"{self._inflight} call(s) in flight, last activity {idle:.2f}s ago"
                )
            await asyncio.sleep(min(0.05, max(quiet - idle, 0.01)))

    # --- HTTP handlers ----------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        if not TOKEN_RE.match(token) or token in self.revoked:
            return self._answer(_UNAUTHORIZED)
        try:
            params, files = await read_params(request)
        except ApiError as error:
            return self._answer(error)
        try:
            status, body = await self._execute(method, params, files, int(token.split(":")[0]))
        except _Dropped:
            # Close the socket and abandon the handler so aiohttp writes no response at all.
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError() from None
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not TOKEN_RE.match(request.match_info["token"]):
            return self._answer(_UNAUTHORIZED)
        stored = self.state.file_by_path(request.match_info["file_path"])
        if stored is None:
            return self._answer(_NOT_FOUND)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.content, content_type=content_type)

    @staticmethod
    def _answer(error: ApiError) -> web.Response:
        return web.json_response(error.payload(), status=error.code)

    async def _run_webhook_reply(self, method: str, params: dict[str, Any]) -> None:
        try:
            decode_form_fields(params)
        except ApiError:
            return
        try:
            await self._execute(method, params, {}, self.state.bot_id)
        except _Dropped:
            pass

    # --- the call pipeline ------------------------------------------------------
    async def _execute(
        self, method: str, params: dict[str, Any], files: dict[str, Any], bot_id: int
    ) -> tuple[int, dict[str, Any]]:
        name = method.lower()
        record = RecordedCall(method, params, time.monotonic())
        self.calls.append(record)
        counts_as_activity = name != "getupdates"
        if counts_as_activity:
            self._inflight += 1
            self._last_activity = time.monotonic()
        try:
            result, description = await self._run(name, params, files, bot_id)
        except ApiError as error:
            record.error_code = error.code
            if error.code == 429:
                self.count_429 += 1
            return error.code, error.payload()
        finally:
            if counts_as_activity:
                self._inflight -= 1
                self._last_activity = time.monotonic()
        record.response_ok = True
        record.result = result
        body: dict[str, Any] = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return 200, body

    async def _run(
        self, name: str, params: dict[str, Any], files: dict[str, Any], bot_id: int
    ) -> tuple[Any, str | None]:
        if name not in HANDLERS and name not in _ASYNC_METHODS:
            raise _NOT_FOUND
        fault = self.faults.pick(name, params)
        if fault is not None:
            if fault.kind == "drop":
                raise _Dropped()
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
            else:
                error = fault.error()
                assert error is not None
                raise error
        if name == "getupdates":
            return await self.delivery.get_updates(params), None
        if name == "setwebhook":
            return await self.delivery.set_webhook(params)
        if name == "deletewebhook":
            return await self.delivery.delete_webhook(params)
        if name == "getwebhookinfo":
            return self.delivery.get_webhook_info(), None
        call = Call(name, params, files, bot_id)
        if name in SEND_METHODS:
            call.rate_check = self._rate_check
        return HANDLERS[name](self.state, call), None

    def _rate_check(self, chat_id: int) -> None:
        if self.limiter is not None:
            self.limiter.check(chat_id)
            self.limiter.record(chat_id)
