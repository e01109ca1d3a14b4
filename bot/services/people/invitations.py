"""Invitation links: unguessable tokens per programme and role, expiring, revocable, limited."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.db import Writes, rowcount, writes_at_commit
from bot.services.errors import InvitationInvalid
from bot.services.programmes import states
from models import Invitation, Programme
from models.base import utcnow

ROLES = ("curator", "mentor", "mentee", "guardian")
# 18 random bytes → 24 URL-safe characters: deep-link payloads allow [A-Za-z0-9_-], up to 64.
TOKEN_BYTES = 18


@dataclass(frozen=True)
class InvitationView:
    id: int
    token: str
    role: str
    organisation_id: int
    programme_id: int | None
    participation_id: int | None
    expires_at: datetime | None
    max_uses: int | None
    uses: int


def _view(invitation: Invitation) -> InvitationView:
    return InvitationView(invitation.id, invitation.token, invitation.role,
                          invitation.organisation_id, invitation.programme_id,
                          invitation.participation_id, invitation.expires_at,
                          invitation.max_uses, invitation.uses)


def deep_link(bot_username: str | None, token: str) -> str:
    # A bot always has a username; aiogram types User.username as optional.
    return f"https://t.me/{bot_username}?start={token}"


async def create(session: AsyncSession, *, organisation_id: int, role: str,
                 programme_id: int | None = None, participation_id: int | None = None,
                 expires_in: timedelta | None = None, max_uses: int | None = None,
                 now: datetime | None = None) -> InvitationView:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    now = now or utcnow()
    invitation = Invitation(
        token=secrets.token_urlsafe(TOKEN_BYTES), organisation_id=organisation_id,
        programme_id=programme_id, role=role, participation_id=participation_id,
        expires_at=now + expires_in if expires_in else None, max_uses=max_uses, uses=0,
    )
    session.add(invitation)
    await session.flush()
    return _view(invitation)


async def active_for(session: AsyncSession, programme_id: int, role: str,
                     now: datetime | None = None) -> InvitationView | None:
    """The newest usable link of a programme and role, to show it again instead of a new one."""
    now = now or utcnow()
    rows = await session.scalars(
        select(Invitation)
        .where(Invitation.programme_id == programme_id, Invitation.role == role,
               Invitation.revoked_at.is_(None), Invitation.participation_id.is_(None))
        .order_by(Invitation.id.desc())
    )
    for invitation in rows:
        if _usable(invitation, now) is None:
            return _view(invitation)
    return None


def _usable(invitation: Invitation, now: datetime) -> str | None:
    if invitation.revoked_at is not None:
        return "invite.revoked"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "invite.expired"
    if invitation.max_uses is not None and invitation.uses >= invitation.max_uses:
        return "invite.used_up"
    return None


# A link with its programme: each step of joining resolves the link and then needs the
# programme (its state here, its title and forms after), a statement each (issue #21). The
# session keeps both, so the steps after ask no more.
_WITH_PROGRAMME = (select(Invitation, Programme)
                   .outerjoin(Programme, Programme.id == Invitation.programme_id)
                   .where(Invitation.token == bindparam("token")))


async def resolve(session: AsyncSession, token: str, now: datetime | None = None) -> InvitationView:
    """The invitation behind a token, or InvitationInvalid whose key says why (never which
    programme it was for, except that a completed one has ended: states.ProgrammeEnded)."""
    if not token or len(token) > 64:
        raise InvitationInvalid("invite.invalid")
    row = (await session.execute(_WITH_PROGRAMME, {"token": token})).first()
    if row is None:
        raise InvitationInvalid("invite.invalid")
    invitation, programme = row
    reason = _usable(invitation, now or utcnow())
    if reason:
        raise InvitationInvalid(reason)
    if programme is not None:
        # A completed programme takes nobody in: its old links say so and who to contact.
        await states.require(session, programme, states.Activity.JOIN)
    return _view(invitation)


# Uses of unlimited links counted when the transaction commits (session.info key).
_USES_AT_COMMIT = "invitation_uses_at_commit"


async def consume(session: AsyncSession, invitation: InvitationView,
                  now: datetime | None = None) -> None:
    """Counts one use of a link `resolve` found usable.

    A limited link is counted at once and atomically, so two people racing for its last use
    can't both get it. An unlimited one has no last use to race for: its count is written just
    before the commit, since the update that counts holds the link's row until it commits,
    and a programme's link is opened by a whole class at once (counted at once, each joiner
    waited for the one before to finish talking to Telegram: seconds, in the benchmark)."""
    if invitation.max_uses is None:
        session.info.setdefault(_USES_AT_COMMIT, Counter())[invitation.id] += 1
        return
    now = now or utcnow()
    result = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.revoked_at.is_(None),
               (Invitation.expires_at.is_(None)) | (Invitation.expires_at > now),
               (Invitation.max_uses.is_(None)) | (Invitation.uses < Invitation.max_uses))
        .values(uses=Invitation.uses + 1)
    )
    if rowcount(result) != 1:
        raise InvitationInvalid("invite.used_up")


_ADD_USES = (update(Invitation).where(Invitation.id == bindparam("invitation_id"))
             .values(uses=Invitation.uses + bindparam("added")))


@writes_at_commit
def _count_uses_at_commit(session: Session) -> Writes:
    # With the update's other writes at its commit: on PostgreSQL in their one statement
    # (bot/merged_writes.py) instead of a statement of its own (issue #21).
    return [(_ADD_USES, {"invitation_id": invitation_id, "added": uses})
            for invitation_id, uses in session.info.pop(_USES_AT_COMMIT, Counter()).items()]


@event.listens_for(Session, "after_soft_rollback")
def _forget_uses(session: Session, previous_transaction: object) -> None:
    session.info.pop(_USES_AT_COMMIT, None)  # nothing joined: nothing to count


async def revoke(session: AsyncSession, invitation_id: int, now: datetime | None = None) -> None:
    await session.execute(update(Invitation).where(Invitation.id == invitation_id)
                          .values(revoked_at=now or utcnow()))
