"""/start without a token (what the person is part of) and /help."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot.config import Settings
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services.people import access, participants
from bot.services.programmes.forms import form_title
from bot.services.region import access as region_access
from handlers.onboarding.views import start_profile_keyboard
from handlers.shared.persistent_keyboard import send_persistent_keyboard
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
        await send_persistent_keyboard(message, session, user, t, sides=(
            any(r.in_active_pair for r in roles if r.role == "mentor"),
            any(r.in_active_pair for r in roles if r.role == "mentee")))

    @router.message(Command("help"))
    async def help_(message: Message, session: AsyncSession, user: User | None,
                    t: BoundTranslator, settings: Settings) -> None:
        parts = [t("help.text")]
        curator, coordinator = (await access.staff_roles(session, user.id) if user is not None
                                else (False, False))
        if curator:
            assert user is not None
            parts.append(t("help.curator"))
            regions = await region_access.regions_of_curator(session, user.id)
            if regions:  # what the regional centre sees of their programmes
                parts.append(t("region.help.curator", regions=", ".join(regions)))
        if coordinator:
            parts.append(t("region.help.coordinator"))
        if message.from_user and message.from_user.id in settings.admin_ids:
            parts.append(t("help.owner"))
            parts.append(t("region.help.owner"))
        await message.answer("\n\n".join(parts))

    return router
