"""Invitation links of a programme: show one with its QR code, new ones with a lifetime and a
number of uses, revocation."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.curator import LinkCallback
from bot.i18n import BoundTranslator
from bot.services.errors import AccessDenied
from bot.services.people import access, invitations
from bot.services.people.invitations import InvitationView
from bot.services.people.qr import qr_png
from bot.services.programmes import curation, programmes
from bot.services.programmes.curation import PARTICIPANT_ROLES
from handlers.curator import views as kb
from handlers.shared.guards import curator_router
from models import Organisation, User


async def send_link(message: Message, bot: Bot, session: AsyncSession, programme_id: int,
                    link: InvitationView, t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    organisation = await session.get(Organisation, card.organisation_id)
    me = await bot.me()
    url = invitations.deep_link(me.username, link.token)
    if link.expires_at:
        expires = link.expires_at.astimezone(ZoneInfo(organisation.timezone)).strftime(
            "%d.%m.%Y %H:%M")
    else:
        expires = t("cur.link.no_expiry")
    uses = (t("cur.link.uses_of", used=link.uses, max=link.max_uses) if link.max_uses
            else t("cur.link.uses_free", used=link.uses))
    await message.answer(
        t("cur.link.card", role=t(f"cur.link.role_{link.role}"), programme=card.title, link=url,
          expires=expires, uses=uses),
        reply_markup=kb.link_card(t, programme_id, link.role, link.id))
    await message.answer_photo(BufferedInputFile(qr_png(url), filename="invite.png"), caption=url)


def create_router() -> Router:
    router = curator_router("curator_links")

    @router.callback_query(LinkCallback.filter(F.role.in_(PARTICIPANT_ROLES)))
    async def link_action(query: CallbackQuery, callback_data: LinkCallback,
                          session: AsyncSession, user: User, t: BoundTranslator,
                          bot: Bot) -> None:
        programme = await access.require_curator(session, user.id, callback_data.programme_id)
        action, role = callback_data.action, callback_data.role
        if action == "show":
            link = await curation.programme_link(session, programme, role)
            await query.answer()
            await send_link(query.message, bot, session, programme.id, link, t)
        elif action == "life":
            await query.answer()
            await query.message.answer(t("cur.link.ask_life"),
                                       reply_markup=kb.link_lifetimes(t, programme.id, role))
        elif action == "uses":
            if callback_data.days not in curation.LINK_LIFETIMES:
                raise AccessDenied()
            await query.answer()
            await query.message.edit_text(
                t("cur.link.ask_uses"),
                reply_markup=kb.link_uses(t, programme.id, role, callback_data.days))
        elif action == "new":
            link = await curation.new_programme_link(session, programme, role,
                                                     callback_data.days, callback_data.uses)
            await query.answer()
            await send_link(query.message, bot, session, programme.id, link, t)
        elif action == "revoke":
            invitation = await access.require_invitation(session, user.id, programme.id,
                                                         callback_data.invitation_id)
            await curation.revoke_link(session, invitation)
            await query.answer()
            await query.message.edit_text(t("cur.link.revoked"),
                                          reply_markup=kb.link_lifetimes(t, programme.id, role))
        else:
            raise AccessDenied()

    @router.callback_query(LinkCallback.filter())
    async def link_forged(query: CallbackQuery) -> None:
        raise AccessDenied()

    return router
