"""The reply keyboard of a paired person: mentors get «📝 Отметить встречу», mentees
«🆘 Наставник не отвечает»."""

from __future__ import annotations

from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.meetings.people import my_pairs
from models import User

LOG_BUTTON_KEY = "meetings.button.log"
HELP_BUTTON_KEY = "meetings.button.help_me"


def persistent_keyboard(t: BoundTranslator, *, mentor: bool, mentee: bool
                        ) -> ReplyKeyboardMarkup | None:
    row = []
    if mentor:
        row.append(KeyboardButton(text=t.plain(LOG_BUTTON_KEY)))
    if mentee:
        row.append(KeyboardButton(text=t.plain(HELP_BUTTON_KEY)))
    if not row:
        return None
    return ReplyKeyboardMarkup(keyboard=[row], resize_keyboard=True, is_persistent=True)


async def send_persistent_keyboard(message: Message, session: AsyncSession, user: User | None,
                                   t: BoundTranslator) -> None:
    """Mentors get «📝 Отметить встречу», mentees «🆘 Наставник не отвечает»: once paired."""
    if user is None:
        return
    pairs = await my_pairs(session, user.id)
    markup = persistent_keyboard(t, mentor=any(p.my_role == "mentor" for p in pairs),
                                    mentee=any(p.my_role == "mentee" for p in pairs))
    if markup is not None:
        await message.answer(t("meetings.keyboard_hint"), reply_markup=markup)
