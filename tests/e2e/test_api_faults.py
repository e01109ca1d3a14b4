"""A reply that Telegram answers with a server error or flood control a few times in a row still
reaches the person, once: the handler's requests repeat (bot/telegram/retry.py) instead of
failing the update and rolling back what the person already saw."""

from __future__ import annotations

from bot.emulator import Fault
from bot.emulator.live import live_bot

GREETING = "Здравствуйте"


async def test_a_reply_repeated_through_four_server_errors_arrives_once(settings, emulator):
    person = emulator.user(5301, first_name="Оля", language_code="ru")
    async with live_bot(settings, emulator) as live:
        emulator.inject(Fault("500", method="sendMessage", chat_id=5301, times=2))
        emulator.inject(Fault("502", method="sendMessage", chat_id=5301, times=2))
        await person.send("/start")
        await live.handled(limit=30)
        texts = [m.text or "" for m in person.messages]
        assert len(texts) == 1 and GREETING in texts[0], texts


async def test_a_reply_waits_out_flood_control_twice_and_arrives_once(settings, emulator):
    person = emulator.user(5302, first_name="Оля", language_code="ru")
    async with live_bot(settings, emulator) as live:
        emulator.inject(Fault("429", method="sendMessage", chat_id=5302, times=3, retry_after=1))
        await person.send("/start")
        await live.handled(limit=30)
        texts = [m.text or "" for m in person.messages]
        assert len(texts) == 1 and GREETING in texts[0], texts
