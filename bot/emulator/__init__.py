"""A Telegram Bot API server emulated on loopback, for tests, demos and benchmarks.

    async with BotAPIEmulator(limits=RateLimits()) as emu:
        bot = Bot(emu.token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))
        user = emu.user(1001, first_name="Анна")
        await user.send("/start")            # queues a message update
        (reply,) = await user.wait_messages()
        await user.press("Button text")      # queues a callback_query update
        emu.inject(Fault("429", method="sendMessage", retry_after=2))
        await emu.settle()                   # quiet for a moment (the demo's pace)

With the real bot running in this process (bot.emulator.live.live_bot), tests wait exactly:
`live.handled()` (every update sent so far committed and its replies sent),
`live.journal_cleared()`, `live.outbox_sent()`.

Layout: server (app, pipeline, public API), registry/methods/chat_methods (Bot API
methods), checks/formatting/markdown (Telegram's content checks), delivery/webhook/updates
(getUpdates and webhooks), limits, faults, players (simulated users and groups), state.

Refused with Telegram's own 400 texts: malformed HTML (an unescaped «<», an unknown tag, an
unclosed one), text over 4,096 characters after entity parsing, captions over 1,024, callback
data over 64 bytes, callback answers over 200 characters.

Deliberate differences from Telegram, each on by default (tests and the demo) so that every
end-to-end run guards against a class of bug: a bare "&" in HTML is rejected unless
BotAPIEmulator(strict_html_amp=False); an HTML entity such as «&amp;», «&lt;» or «&quot;» in a
button text or a callback answer (which Telegram shows as it is: a text escaped for HTML by
mistake) is rejected unless BotAPIEmulator(strict_plain_text=False); webhooks accept http://
URLs on any port.
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
