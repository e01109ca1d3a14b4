"""The message a pressed button belongs to. Telegram leaves it out (a message sent inline) or
sends it as an InaccessibleMessage (deleted, or otherwise inaccessible to the bot): such a button
is stale, and the person gets the stale-button notice instead of an error."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.services.errors import StaleButton


def editable(query: CallbackQuery) -> Message:
    """The message, to edit in place."""
    if not isinstance(query.message, Message):
        raise StaleButton()
    return query.message


def in_chat(query: CallbackQuery) -> Message | InaccessibleMessage:
    """The message, to answer in its chat (an inaccessible one still names its chat)."""
    if query.message is None:
        raise StaleButton()
    return query.message
