"""Keyboards of joining a programme."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.onboarding import (
    AgeGroupCallback,
    ConsentCallback,
    ForgetCallback,
    FormChoiceCallback,
    GuardianCallback,
    ReconsiderCallback,
    StartProfileCallback,
)
from bot.i18n import BoundTranslator
from bot.services.people.participants import AGE_GROUPS
from bot.services.programmes.forms import form_title


def age_group_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for group in AGE_GROUPS:
        builder.button(text=t.plain(f"age_group.{group}"), callback_data=AgeGroupCallback(group=group))
    builder.adjust(1)
    return builder.as_markup()


def consent_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("consent.accept"), callback_data=ConsentCallback(accept=True))
    builder.button(text=t.plain("consent.decline"), callback_data=ConsentCallback(accept=False))
    builder.adjust(1)
    return builder.as_markup()


def guardian_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("guardian.accept"), callback_data=GuardianCallback(accept=True))
    builder.button(text=t.plain("guardian.decline"), callback_data=GuardianCallback(accept=False))
    builder.adjust(1)
    return builder.as_markup()


def reconsider_keyboard(t: BoundTranslator, token: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("consent.reconsider"), callback_data=ReconsiderCallback(token=token))
    return builder.as_markup()


def start_profile_keyboard(t: BoundTranslator, participation_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("onboarding.start_profile"),
                   callback_data=StartProfileCallback(participation_id=participation_id))
    return builder.as_markup()


def form_keyboard(t: BoundTranslator, participation_id: int, forms: list[str]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, form in enumerate(forms):
        builder.button(text=form_title(form, t),
                       callback_data=FormChoiceCallback(participation_id=participation_id, index=index))
    builder.adjust(1)
    return builder.as_markup()


def forget_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("forget.confirm"), callback_data=ForgetCallback(confirm=True))
    builder.button(text=t.plain("forget.keep"), callback_data=ForgetCallback(confirm=False))
    builder.adjust(1)
    return builder.as_markup()
