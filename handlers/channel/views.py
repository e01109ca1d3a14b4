"""Texts and keyboards of the pair's channel: whom to write to, the prompt, what a message
carries (text, photo, document, voice)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.channel import ChannelAction, ChannelCallback
from bot.i18n import BoundTranslator
from bot.services.channel.relay import Choice, Content, Conversation


def content_of(message: Message) -> Content | None:
    """What the channel carries of a message; None for anything else (stickers, video…)."""
    if message.photo:
        return Content("photo", message.caption, message.photo[-1].file_id)
    if message.document:
        return Content("document", message.caption, message.document.file_id)
    if message.voice:
        return Content("voice", message.caption, message.voice.file_id)
    if message.text:
        return Content("text", message.text)
    return None


def choice_label(t: BoundTranslator, choice: Choice) -> str:
    if choice.group:
        return t.plain("channel.choice.group", n=choice.size)
    name = choice.name or t.plain(f"role.{'mentee' if choice.my_role == 'mentor' else 'mentor'}")
    return t.plain(f"channel.choice.{choice.my_role}", name=name)


def choices_keyboard(t: BoundTranslator, choices: list[Choice]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in choices:
        builder.button(text=choice_label(t, choice)[:60],
                       callback_data=ChannelCallback(action=ChannelAction.WRITE,
                                                     pair=choice.pair_id, group=choice.group))
    builder.adjust(1)
    return builder.as_markup()


def cancel_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("channel.button.cancel"),
                   callback_data=ChannelCallback(action=ChannelAction.CANCEL))
    return builder.as_markup()


def prompt(t: BoundTranslator, talk: Conversation) -> str:
    if talk.group:
        return t("channel.prompt.group", n=len(talk.recipients))
    other = "mentee" if talk.my_role == "mentor" else "mentor"
    name = talk.other_name or t.plain(f"role.{other}")
    return t(f"channel.prompt.{other}", name=name)


def sent(t: BoundTranslator, talk: Conversation) -> str:
    if talk.group:
        return t("channel.sent.group", n=len(talk.recipients))
    other = "mentee" if talk.my_role == "mentor" else "mentor"
    return t("channel.sent.one", name=talk.other_name or t.plain(f"role.{other}"))
