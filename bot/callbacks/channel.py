"""CallbackData of the pair's channel: whom to write to, and «↩️ Ответить» under a relayed
message. Ids only; every pair id is checked again against the presser
(bot.services.channel.relay.conversation), so a forged or someone else's pair is refused."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class ChannelAction(StrEnum):
    WRITE = "w"  # write to this pair (or, with group, to the mentor's whole group)
    CANCEL = "x"  # do not write after all


class ChannelCallback(CallbackData, prefix="ch"):
    action: ChannelAction
    pair: Int32 = 0
    group: bool = False


class ChannelReplyCallback(CallbackData, prefix="chr"):
    """«↩️ Ответить» under a relayed message (a button target: queued by the service)."""

    pair: Int32
