"""A Telegram Bot API server emulated on loopback, for tests, demos and benchmarks."""

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
