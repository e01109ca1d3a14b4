"""The reply keyboard of a paired person: mentors get «📝 Отметить встречу» and «✉️ Написать
наставляемому», mentees «🆘 Наставник не отвечает» and «✉️ Написать наставнику». The layout is
the service's (bot/services/channel/keyboard.py), shared with the introduction that carries the
same keyboard through the outbox."""

from __future__ import annotations

from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.db import AsyncSession
from bot.i18n import BoundTranslator, Translator
from bot.services.channel.keyboard import (
    HELP_BUTTON_KEY,
    LOG_BUTTON_KEY,
    WRITE_KEYS,
    WRITE_MENTEE_KEY,
    WRITE_MENTOR_KEY,
    keyboard_keys,
)
from bot.services.meetings.people import my_pairs
from models import User

__all__ = ["HELP_BUTTON_KEY", "LOG_BUTTON_KEY", "WRITE_KEYS", "WRITE_MENTEE_KEY",
           "WRITE_MENTOR_KEY", "all_labels", "labels", "persistent_keyboard",
           "send_persistent_keyboard"]


def labels(translator: Translator, *keys: str) -> set[str]:
    """The buttons' labels in every language (a press sends the label as text)."""
    return {translator.plain(key, locale) for key in keys for locale in translator.locales}


def all_labels(translator: Translator) -> set[str]:
    """Every label of the keyboard: a press of one is never taken as a step's answer."""
    return labels(translator, LOG_BUTTON_KEY, HELP_BUTTON_KEY, *WRITE_KEYS)


def persistent_keyboard(t: BoundTranslator, *, mentor: bool, mentee: bool
                        ) -> ReplyKeyboardMarkup | None:
    rows = keyboard_keys(mentor=mentor, mentee=mentee)
    if not rows:
        return None
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=t.plain(key)) for key in row]
                                         for row in rows],
                               resize_keyboard=True, is_persistent=True)


async def send_persistent_keyboard(message: Message, session: AsyncSession, user: User | None,
                                   t: BoundTranslator, *,
                                   sides: tuple[bool, bool] | None = None) -> None:
    """The keyboard of a paired person, once paired. `sides`: whether they are a mentor, and a
    mentee, of an active pair, when the caller already knows (else they are read here)."""
    if user is None:
        return
    if sides is None:
        pairs = await my_pairs(session, user.id)
        sides = (any(p.my_role == "mentor" for p in pairs),
                 any(p.my_role == "mentee" for p in pairs))
    markup = persistent_keyboard(t, mentor=sides[0], mentee=sides[1])
    if markup is not None:
        await message.answer(t("meetings.keyboard_hint"), reply_markup=markup)
