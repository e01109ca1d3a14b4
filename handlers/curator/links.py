"""Invitation links of a programme: show one with its QR code, new ones with a lifetime and a
number of uses, revocation."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks.curator import LinkAction, LinkCallback
from bot.db import AsyncSession
from bot.i18n import BoundTranslator
from bot.services import lookup
from bot.services.errors import AccessDenied
from bot.services.people import access, invitations
from bot.services.people.invitations import InvitationView
from bot.services.people.qr import qr_png
from bot.services.programmes import curation, programmes
from bot.services.programmes.curation import PARTICIPANT_ROLES
from handlers.curator import views as kb
from handlers.shared import confirm
from handlers.shared.guards import curator_router
from handlers.shared.pressed import editable, in_chat
from models import Programme, User


async def send_link(message: Message, bot: Bot, session: AsyncSession, programme_id: int,
                    link: InvitationView, t: BoundTranslator) -> None:
    card = await programmes.card(session, programme_id)
    organisation = await lookup.organisation(session, card.organisation_id)
    if organisation is None:
        raise AccessDenied()
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

    # A programme's invitation links, for a participant role only (anything else is forged).
    def link_button(action: LinkAction):
        return router.callback_query(LinkCallback.filter(
            (F.action == action) & F.role.in_(PARTICIPANT_ROLES)))

    async def curated(session: AsyncSession, user: User, callback_data: LinkCallback
                      ) -> Programme:
        return await access.require_curator(session, user.id, callback_data.programme_id)

    @link_button(LinkAction.SHOW)
    async def link_show(query: CallbackQuery, callback_data: LinkCallback,
                        session: AsyncSession, user: User, t: BoundTranslator, bot: Bot) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        link = await curation.programme_link(session, programme, callback_data.role)
        await query.answer()
        await send_link(message, bot, session, programme.id, link, t)

    @link_button(LinkAction.LIFETIME)
    async def link_lifetime(query: CallbackQuery, callback_data: LinkCallback,
                            session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = in_chat(query)
        programme = await curated(session, user, callback_data)
        await query.answer()
        await message.answer(t("cur.link.ask_life"), reply_markup=kb.link_lifetimes(
            t, programme.id, callback_data.role))

    @link_button(LinkAction.USES)
    async def link_uses(query: CallbackQuery, callback_data: LinkCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        if callback_data.days not in curation.LINK_LIFETIMES:
            raise AccessDenied()
        await query.answer()
        await message.edit_text(
            t("cur.link.ask_uses"),
            reply_markup=kb.link_uses(t, programme.id, callback_data.role, callback_data.days))

    @link_button(LinkAction.NEW)
    async def link_new(query: CallbackQuery, callback_data: LinkCallback,
                       session: AsyncSession, user: User, t: BoundTranslator, bot: Bot) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        link = await curation.new_programme_link(session, programme, callback_data.role,
                                                 callback_data.days, callback_data.uses)
        await query.answer()
        await send_link(message, bot, session, programme.id, link, t)

    @link_button(LinkAction.REVOKE)
    async def link_revoke_ask(query: CallbackQuery, callback_data: LinkCallback,
                              session: AsyncSession, user: User, t: BoundTranslator) -> None:
        """Revoking cannot be undone: say what it does and ask."""
        message = in_chat(query)
        programme = await curated(session, user, callback_data)
        invitation = await access.require_invitation(session, user.id, programme.id,
                                                     callback_data.invitation_id)
        curation.check_revocable(invitation)
        await query.answer()
        await message.answer(
            t("cur.link.revoke_ask", role=t(f"cur.link.role_{invitation.role}"),
              title=programme.title) + "\n"
            + t("cur.link.revoke_uses", count=invitation.uses) + "\n"
            + t("cur.link.revoke_after"),
            reply_markup=confirm.keyboard(
                t, "cur.link.revoke_yes",
                LinkCallback(action=LinkAction.REVOKE_CONFIRMED, programme_id=programme.id,
                             role=invitation.role, invitation_id=invitation.id),
                LinkCallback(action=LinkAction.KEEP, programme_id=programme.id,
                             role=invitation.role, invitation_id=invitation.id)))

    @link_button(LinkAction.REVOKE_CONFIRMED)
    async def link_revoke(query: CallbackQuery, callback_data: LinkCallback,
                          session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        programme = await curated(session, user, callback_data)
        invitation = await access.require_invitation(session, user.id, programme.id,
                                                     callback_data.invitation_id)
        await curation.revoke_link(session, invitation)  # a second tap: «already revoked»
        await query.answer()
        await message.edit_text(t("cur.link.revoked"), reply_markup=kb.link_lifetimes(
            t, programme.id, callback_data.role))

    @link_button(LinkAction.KEEP)
    async def link_keep(query: CallbackQuery, callback_data: LinkCallback,
                        session: AsyncSession, user: User, t: BoundTranslator) -> None:
        message = editable(query)
        await curated(session, user, callback_data)
        await query.answer()
        await confirm.kept(message, t)

    @router.callback_query(LinkCallback.filter())
    async def link_forged(query: CallbackQuery) -> None:
        raise AccessDenied()

    return router
