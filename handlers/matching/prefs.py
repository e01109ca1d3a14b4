"""Presses on the preference question: name up to three people of the other side, then Done.
Each press is stored at once; the keyboard shows the current choice."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.matching import PreferenceCallback
from bot.i18n import BoundTranslator
from bot.services.matching import prefs as match_prefs
from models import User


def _markup(rows: list[list[dict]], t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.get("text") or t.plain(b["text_key"]),
                              callback_data=b["callback_data"]) for b in row] for row in rows])


def create_router() -> Router:
    router = Router(name="match_prefs")

    @router.callback_query(PreferenceCallback.filter())
    async def pressed(query: CallbackQuery, callback_data: PreferenceCallback,
                      session: AsyncSession, user: User, t: BoundTranslator) -> None:
        if callback_data.chosen_id == 0:
            chooser = await match_prefs.owned_chooser(session, user.id, callback_data.chooser_id)
            chosen = await match_prefs.chosen_ids(session, chooser.id)
            await query.answer()
            await query.message.edit_text(t("match.prefs.thanks", count=len(chosen)))
            return
        chooser, _ = await match_prefs.toggle(session, user.id, callback_data.chooser_id,
                                              callback_data.chosen_id)
        people = await match_prefs.candidates(session, chooser)
        chosen = await match_prefs.chosen_ids(session, chooser.id)
        await query.answer(t.plain("match.prefs.saved", count=len(chosen)))
        await query.message.edit_reply_markup(
            reply_markup=_markup(match_prefs.buttons(chooser.id, people, chosen), t))

    return router
