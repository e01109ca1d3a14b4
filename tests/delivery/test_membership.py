from datetime import UTC, datetime

from aiogram.types import Chat, ChatMemberBanned, ChatMemberMember, ChatMemberUpdated, Update
from aiogram.types import User as TgUser
from sqlalchemy import select

from bot.services.notices import outbox
from models import OutboxMessage, OutboxState, User
from models.migrate import downgrade_async, upgrade_async
from tests.delivery.conftest import T0
from tests.recording_bot import create_recording_bot

BOT = TgUser(id=42, is_bot=True, first_name="Bot")


def member_update(update_id: int, user_id: int, old, new) -> Update:
    person = TgUser(id=user_id, is_bot=False, first_name="X", language_code="ru")
    return Update(update_id=update_id, my_chat_member=ChatMemberUpdated(
        chat=Chat(id=user_id, type="private"), from_user=person, date=datetime.now(UTC),
        old_chat_member=old, new_chat_member=new))


async def test_block_and_unblock_via_my_chat_member(app):
    async with app.sessionmaker() as session, session.begin():
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=77, kind="reminder", text="x", due_at=T0,
                             dedupe_key="r:77")
    bot = create_recording_bot()
    kicked = ChatMemberBanned(user=BOT, until_date=0)
    member = ChatMemberMember(user=BOT)
    await app.dispatcher.feed_update(bot, member_update(1, 77, member, kicked))
    async with app.sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 77))
        row = await session.scalar(select(OutboxMessage))
        assert user.unreachable and user.unreachable_since is not None
        assert (row.state, row.last_error) == (OutboxState.CANCELLED, "unreachable")
    await app.dispatcher.feed_update(bot, member_update(2, 77, kicked, member))
    async with app.sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 77))
        assert not user.unreachable and user.unreachable_since is None
    assert bot.session.requests == []  # nothing is said to a person who blocked the bot


async def test_outbox_migration_up_down_up(settings):
    await upgrade_async(settings.database_url)
    await downgrade_async(settings.database_url, "0001")
    await upgrade_async(settings.database_url)
