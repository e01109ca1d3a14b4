"""Keyboards of the digest setting, /status, /report and /announce."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from babel.dates import format_date

from bot.callbacks.digest import AnnounceAction, AnnounceCallback, DigestAction, DigestCallback
from bot.i18n import BoundTranslator
from bot.services.notices.announcements import AUDIENCES
from bot.services.notices.digest import DIGEST_TIMES, WEEKDAYS, NextDigest
from handlers.shared.day_time import time_picker, weekday_picker
from models import Programme


def card_button(t: BoundTranslator, programme: Programme) -> InlineKeyboardButton:
    """«Дайджест: пн 09:00» on the programme card."""
    return InlineKeyboardButton(
        text=t.plain("digest.card_button", day=t.plain(f"digest.short_day.{programme.digest_weekday}"),
               time=programme.digest_time),
        callback_data=DigestCallback(action=DigestAction.DAY, programme_id=programme.id).pack())


def show_now_button(t: BoundTranslator, programme_id: int) -> InlineKeyboardButton:
    """«📨 Показать дайджест сейчас» on the programme card."""
    return InlineKeyboardButton(
        text=t.plain("digest.show_now"),
        callback_data=DigestCallback(action=DigestAction.NOW, programme_id=programme_id).pack())


def first_digest(t: BoundTranslator, found: NextDigest) -> str:
    """When the first weekly digest comes: «Первый дайджест придёт в понедельник, 8 декабря,
    в 09:00» (the organisation's local date and time)."""
    day = t(f"digest.on_day.{found.weekday}")
    if found.state == "completed":
        return t("digest.first_completed")
    if found.state != "running":
        return t("digest.first_after_start", day=day, time=found.at)
    local = found.moment.astimezone(ZoneInfo(found.timezone))
    return t("digest.first", day=day, date=format_date(local.date(), "d MMMM", locale=t.locale),
             time=local.strftime("%H:%M"))


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

