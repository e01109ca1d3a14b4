"""getUpdates long polling and the webhook methods: how updates leave the emulator."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from bot.emulator.models import ApiError, bad_request
from bot.emulator.params import get_bool, get_int
from bot.emulator.state import EmulatorState, WebhookConfig
from bot.emulator.webhook import WebhookDeliverer

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class DeliveryMethods:
    def __init__(self, state: EmulatorState, deliverer: WebhookDeliverer) -> None:
        self.state = state
        self.deliverer = deliverer
        self.closing = False
        self._generation = 0

    def wake_pollers(self) -> None:
        self.state.queue.signal.notify()

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.state.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        queue = self.state.queue
        offset = get_int(params, "offset", required=False)
        limit = min(max(get_int(params, "limit", required=False) or 100, 1), 100)
        timeout = max(get_int(params, "timeout", required=False) or 0, 0)
        queue.set_allowed(params.get("allowed_updates"))
        if offset is not None:
            queue.confirm(offset)
        # A newer getUpdates terminates an older one still waiting, as on Telegram.
        self._generation += 1
        generation = self._generation
        self.wake_pollers()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            updates = queue.peek(limit)
            remaining = deadline - time.monotonic()
            if updates or remaining <= 0 or self.closing:
                return updates
            await queue.signal.wait(remaining)

    async def set_webhook(self, params: dict[str, Any]) -> tuple[bool, str]:
        url = str(params.get("url") or "")
        if not url:
            return await self.delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            # Telegram demands https; loopback http is allowed here so tests can receive.
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if get_bool(params, "drop_pending_updates"):
            self.state.queue.drop_all()
        self.state.queue.set_allowed(params.get("allowed_updates"))
        max_connections = get_int(params, "max_connections", required=False) or 40
        self.state.webhook = WebhookConfig(url, secret, max_connections)
        self.wake_pollers()
        self.deliverer.start()
        return True, "Webhook was set"

    async def delete_webhook(self, params: dict[str, Any]) -> tuple[bool, str]:
        was_set = self.state.webhook is not None
        self.state.webhook = None
        self.state.queue.signal.notify()
        if get_bool(params, "drop_pending_updates"):
            self.state.queue.drop_all()
        if not was_set:
            return True, "Webhook is already deleted"
        # The deliverer loop notices webhook is None and ends on its own.
        await asyncio.sleep(0)
        return True, "Webhook was deleted"

    def get_webhook_info(self) -> dict[str, Any]:
        config = self.state.webhook
        info: dict[str, Any] = {
            "url": config.url if config else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.queue.pending),
        }
        if config is not None:
            info["max_connections"] = config.max_connections
            info["ip_address"] = "127.0.0.1"
            if config.last_error_date:
                info["last_error_date"] = config.last_error_date
                info["last_error_message"] = config.last_error_message
            if self.state.queue.allowed_updates:
                info["allowed_updates"] = self.state.queue.allowed_updates
        return info
