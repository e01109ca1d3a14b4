"""/start without a token (what the person is part of) and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import BoundTranslator
from bot.services.people import access, participants
from bot.services.programmes.forms import form_title
from handlers.meetings.router import send_persistent_keyboard
from handlers.onboarding.views import start_profile_keyboard
from models import ParticipationState, User


def create_router() -> Router:
    router = Router(name="start")

    @router.message(CommandStart())
    async def start(message: Message, session: AsyncSession, user: User | None,
                    t: BoundTranslator) -> None:
        roles = await participants.of_user(session, user.id) if user else []
        if not roles:
            await message.answer(t("start.welcome"))
            return
        lines = [t("start.your_programmes")]
        for item in roles:
            form = f" · {form_title(item.form, t)}" if item.form else ""
            lines.append(t("start.programme_line", programme=item.programme_title,
                           organisation=item.organisation_name, role=t(f"role.{item.role}"),
                           form=form, state=t(f"state.{item.state}")))
        pending = next((r for r in roles if r.state == ParticipationState.QUESTIONNAIRE), None)
        markup = start_profile_keyboard(t, pending.id) if pending else None
        await message.answer("\n".join(lines), reply_markup=markup)
        # Once paired: the persistent meeting buttons (log a meeting / my mentor does not answer).
        await send_persistent_keyboard(message, session, user, t)

    @router.message(Command("help"))
    async def help_(message: Message, session: AsyncSession, user: User | None,
                    t: BoundTranslator, settings: Settings) -> None:
        parts = [t("help.text")]
        if user is not None and await access.is_curator(session, user.id):
            parts.append(t("help.curator"))
        if message.from_user and message.from_user.id in settings.admin_ids:
            parts.append(t("help.owner"))
        await message.answer("\n\n".join(parts))

    return router
