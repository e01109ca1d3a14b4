"""How joins by one link are counted: a class opening the programme's link at once must not
queue behind each other, and a limited link must still give its last use to one person."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.services.errors import InvitationInvalid
from bot.services.people import invitations
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import Invitation


async def _link(app, translator, max_uses: int | None = None):
    """A programme's mentee link, committed."""
    async with app.sessionmaker() as session:
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        programme = await create_programme(
            session, translator, organisation_id=organisation.id, title="П",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 5, 31), forms=["teacher_teacher"])
        link = await invitations.create(session, organisation_id=organisation.id,
                                        programme_id=programme.id, role="mentee",
                                        max_uses=max_uses)
        await session.commit()
        return link


async def _uses(app, invitation_id: int) -> int:
    async with app.sessionmaker() as session:
        return (await session.get(Invitation, invitation_id)).uses


async def test_a_join_is_counted_when_it_commits_and_not_when_it_fails(app, translator):
    link = await _link(app, translator)

    async with app.sessionmaker() as session:
        await invitations.consume(session, await invitations.resolve(session, link.token))
        await session.rollback()  # the join failed: it was not a use
        await session.commit()
    assert await _uses(app, link.id) == 0

    async with app.sessionmaker() as session:
        view = await invitations.resolve(session, link.token)
        await invitations.consume(session, view)
        await invitations.consume(session, view)
        await session.commit()
    assert await _uses(app, link.id) == 2


async def test_joins_by_one_link_do_not_wait_for_each_other(app, translator):
    link = await _link(app, translator)

    async with app.sessionmaker() as first, app.sessionmaker() as second:
        # The first joiner is still talking to Telegram, its transaction open.
        await invitations.consume(first, await invitations.resolve(first, link.token))
        await first.flush()
        # The second one finishes meanwhile (it used to wait for the first one's commit).
        async with asyncio.timeout(5):
            await invitations.consume(second, await invitations.resolve(second, link.token))
            await second.commit()
        await first.commit()
    assert await _uses(app, link.id) == 2


async def test_the_last_use_of_a_limited_link_goes_to_one_person(app, translator):
    link = await _link(app, translator, max_uses=1)

    async with app.sessionmaker() as session:
        view = await invitations.resolve(session, link.token)
        await invitations.consume(session, view)
        await session.commit()
    async with app.sessionmaker() as session:
        with pytest.raises(InvitationInvalid) as refused:
            await invitations.consume(session, view)  # resolved before the other one joined
    assert refused.value.key == "invite.used_up"
    assert await _uses(app, link.id) == 1
