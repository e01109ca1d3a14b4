"""A Telegram Bot API server emulated on loopback, for tests, demos and benchmarks.

    async with BotAPIEmulator(limits=RateLimits()) as emu:
        bot = Bot(emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
        user = emu.user(1001, first_name="Анна")
        await user.send("/start")            # queues a message update
        (reply,) = await user.wait_messages()
        await user.press("Button text")      # queues a callback_query update
        emu.inject(Fault("429", method="sendMessage", retry_after=2))
        await emu.settle()

Layout: server (app, pipeline, public API), registry/methods/chat_methods (Bot API
methods), checks/formatting/markdown (Telegram's content checks), delivery/webhook/updates
(getUpdates and webhooks), limits, faults, players (simulated users and groups), state.

Deliberate differences from Telegram: a bare "&" in HTML is rejected unless
BotAPIEmulator(strict_html_amp=False); webhooks accept http:// URLs on any port.
"""

from bot.emulator.faults import Fault
from bot.emulator.limits import RateLimits
from bot.emulator.models import BotMessage, CallbackAnswer, Document, RecordedCall
from bot.emulator.players import SimGroup, SimUser
from bot.emulator.server import BotAPIEmulator

__all__ = [
    "BotAPIEmulator",
    "BotMessage",
    "CallbackAnswer",
    "Document",
    "Fault",
    "RateLimits",
    "RecordedCall",
    "SimGroup",
    "SimUser",
]
