"""The processed-update record on each backend: claimed once, what it owes Telegram replaced and
cleared (bot/services/updates.py; the statements are built once, issue #21)."""

from __future__ import annotations

from bot.services.updates import claim_update, handled_replies, set_replies


async def test_an_update_is_claimed_once_and_its_owed_replies_replaced_then_cleared(app):
    async with app.sessionmaker() as session:
        assert await claim_update(session, 7, 1001) is True
        assert await claim_update(session, 7, 1001) is False  # the same update again
        assert await claim_update(session, 8, 1001) is True  # another bot's update
        await set_replies(session, 7, 1001, '[{"method": "sendMessage"}]')
        await session.commit()
    async with app.sessionmaker() as session:
        assert await handled_replies(session, 7, 1001) == (True, '[{"method": "sendMessage"}]')
        assert await handled_replies(session, 8, 1001) == (True, None)  # untouched
        await set_replies(session, 7, 1001, None)
        await session.commit()
    async with app.sessionmaker() as session:
        assert await handled_replies(session, 7, 1001) == (True, None)
        assert await handled_replies(session, 7, 1002) == (False, None)
