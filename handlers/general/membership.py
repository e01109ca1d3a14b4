"""`my_chat_member` in private chats: the person blocked the bot (kicked) or came back (member).

Blocking flags the account unreachable and drops its queued messages; unblocking makes it
reachable again for messages scheduled from then on."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.notices import outbox
from bot.services.people import users as user_service


def create_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.filter(F.chat.type == "private")

    @router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=KICKED))
    async def blocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
        await user_service.mark_reachable(session, event.chat.id, reachable=False,
                                          when=event.date)
        await outbox.cancel(session, chat_id=event.chat.id, reason=outbox.UNREACHABLE)

    @router.my_chat_member(ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    async def unblocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
        await user_service.mark_reachable(session, event.chat.id, reachable=True)

    return router
