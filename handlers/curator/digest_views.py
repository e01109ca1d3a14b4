"""Keyboards of the digest setting, /status, /report and /announce."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.digest import AnnounceCallback, DigestCallback
from bot.i18n import BoundTranslator
from bot.services.notices.announcements import AUDIENCES
from bot.services.notices.digest import DIGEST_TIMES, WEEKDAYS
from models import Programme


def card_button(t: BoundTranslator, programme: Programme) -> InlineKeyboardButton:
    """«Дайджест: пн 09:00» on the programme card."""
    return InlineKeyboardButton(
        text=t.plain("digest.card_button", day=t.plain(f"digest.short_day.{programme.digest_weekday}"),
               time=programme.digest_time),
        callback_data=DigestCallback(action="day", programme_id=programme.id).pack())


def weekdays(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in WEEKDAYS:
        builder.button(text=t.plain(f"digest.day.{day}"), callback_data=DigestCallback(
            action="time", programme_id=programme_id, weekday=day))
    builder.adjust(2)
    return builder.as_markup()


def times(programme_id: int, weekday: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for slot, at in enumerate(DIGEST_TIMES):
        builder.button(text=at, callback_data=DigestCallback(
            action="set", programme_id=programme_id, weekday=weekday, slot=slot))
    builder.adjust(3)
    return builder.as_markup()


def audiences(t: BoundTranslator, programme_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for audience in AUDIENCES:
        builder.button(text=t.plain(f"ann.audience.{audience}"), callback_data=AnnounceCallback(
            action="aud", programme_id=programme_id, audience=audience))
    builder.adjust(1)
    return builder.as_markup()


def confirm(t: BoundTranslator, programme_id: int, audience: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("ann.send"), callback_data=AnnounceCallback(
        action="send", programme_id=programme_id, audience=audience))
    builder.button(text=t.plain("ann.drop"), callback_data=AnnounceCallback(
        action="drop", programme_id=programme_id, audience=audience))
    builder.adjust(2)
    return builder.as_markup()


def nudges(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """One «nudge the mentor» button per pair at risk (bot.services.notices.digest.nudge_buttons)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=label, callback_data=data)] for label, data in buttons])
