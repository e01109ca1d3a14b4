"""Keyboards of the digest setting, /status, /report and /announce."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.digest import AnnounceAction, AnnounceCallback, DigestAction, DigestCallback
from bot.i18n import BoundTranslator
from bot.services.notices.announcements import AUDIENCES
from bot.services.notices.digest import DIGEST_TIMES, WEEKDAYS
from handlers.shared.day_time import time_picker, weekday_picker
from models import Programme


def card_button(t: BoundTranslator, programme: Programme) -> InlineKeyboardButton:
    """«Дайджест: пн 09:00» on the programme card."""
    return InlineKeyboardButton(
        text=t.plain("digest.card_button", day=t.plain(f"digest.short_day.{programme.digest_weekday}"),
               time=programme.digest_time),
        callback_data=DigestCallback(action=DigestAction.DAY, programme_id=programme.id).pack())


def weekdays(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    return weekday_picker(t, WEEKDAYS, lambda day: DigestCallback(
        action=DigestAction.TIME, programme_id=programme_id, weekday=day), per_row=2)


def times(programme_id: int, weekday: int) -> InlineKeyboardMarkup:
    return time_picker(DIGEST_TIMES, lambda slot: DigestCallback(
        action=DigestAction.SET, programme_id=programme_id, weekday=weekday, slot=slot))


def audiences(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for audience in AUDIENCES:
        builder.button(text=t.plain(f"ann.audience.{audience}"), callback_data=AnnounceCallback(
            action=AnnounceAction.AUDIENCE, programme_id=programme_id, audience=audience))
    builder.adjust(1)
    return builder.as_markup()


def confirm(t: BoundTranslator, programme_id: int, audience: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("ann.send"), callback_data=AnnounceCallback(
        action=AnnounceAction.SEND, programme_id=programme_id, audience=audience))
    builder.button(text=t.plain("ann.drop"), callback_data=AnnounceCallback(
        action=AnnounceAction.DROP, programme_id=programme_id, audience=audience))
    builder.adjust(2)
    return builder.as_markup()

