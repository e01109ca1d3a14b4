"""Who may write to whom in the pair's channel, and what is queued.

A participant of an ACTIVE pair writes to the other side: a mentee to their mentor, a mentor to
one mentee or to their whole group (every active pair they mentor in the programme). Anything
else is refused with a reason: a pair that is not the person's (a forged or someone else's
button: AccessDenied, the same answer whatever exists), a paused pair, a pair or programme that
ended, a side that withdrew (/forget). The message goes through the outbox (pacing, retries),
media by Telegram's file_id; the sender's name is the one the consent shares with the pair (the
introduction's). The content is declared as the sender's data (erased by their /forget) and is
erased after `keep_days` (erase_expired); pair_messages keeps only the counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied, DomainError
from bot.services.notices import outbox
from bot.services.notices.buttons import Target
from models import (
    Pair,
    PairMessage,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    User,
)

KIND = "channel"  # the outbox kind of relayed messages
KINDS = ("text", "photo", "document", "voice")
TEXT_LIMIT = 3500  # characters of a relayed text (Telegram's 4096 less the header)
CAPTION_LIMIT = 800  # of a caption (Telegram's 1024 less the header)


class ChannelPaused(DomainError):
    key = "channel.refused.paused"


class ChannelClosed(DomainError):
    key = "channel.refused.closed"


class ChannelGone(DomainError):
    """The other side withdrew their consent (/forget): nobody to write to."""

    key = "channel.refused.gone"


@dataclass(frozen=True)
class Content:
    kind: str  # one of KINDS
    text: str | None = None  # the text, or the caption of a file
    file_id: str | None = None


@dataclass(frozen=True)
class Recipient:
    pair_id: int  # the pair through which this person gets the message (and replies)
    participation_id: int
    user_id: int
    telegram_id: int


@dataclass(frozen=True)
class Conversation:
    pair_id: int
    group: bool  # a mentor writing to their whole group
    pair_ids: tuple[int, ...]
    my_role: str
    my_participation_id: int
    my_name: str | None
    other_name: str | None  # the one person written to (None for a group)
    recipients: tuple[Recipient, ...]


@dataclass(frozen=True)
class Choice:
    pair_id: int
    group: bool
    my_role: str
    name: str | None  # the other side (None: a group)
    size: int = 1  # people written to


async def choices(session: AsyncSession, user_id: int) -> list[Choice]:
    """Whom this person may write to: each active pair (named by the other side), and a mentor's
    whole group where they mentor several."""
    mentor, mentee = Participation.__table__.alias("mentor"), Participation.__table__.alias("m")
    gone = ParticipationState.WITHDRAWN
    rows = (await session.execute(
        select(Pair.id, Pair.mentor_id, mentor.c.user_id, mentor.c.full_name,
               mentee.c.user_id, mentee.c.full_name)
        .join(mentor, mentor.c.id == Pair.mentor_id).join(mentee, mentee.c.id == Pair.mentee_id)
        .join(Programme, Programme.id == Pair.programme_id)
        .where(Pair.state == PairState.ACTIVE, Programme.state != "completed",
               # both sides still there: nobody is offered a pair whose other side left
               mentor.c.user_id.is_not(None), mentee.c.user_id.is_not(None),
               mentor.c.state != gone, mentee.c.state != gone,
               (mentor.c.user_id == user_id) | (mentee.c.user_id == user_id))
        .order_by(Pair.id))).all()
    result: list[Choice] = []
    groups: dict[int, list[int]] = {}
    for pair_id, mentor_id, mentor_user, mentor_name, _mentee_user, mentee_name in rows:
        if mentor_user == user_id:
            result.append(Choice(pair_id, False, "mentor", mentee_name))
            groups.setdefault(mentor_id, []).append(pair_id)
        else:
            result.append(Choice(pair_id, False, "mentee", mentor_name))
    for pair_ids in groups.values():
        if len(pair_ids) > 1:
            result.append(Choice(pair_ids[0], True, "mentor", None, len(pair_ids)))
    return result


def _reachable(person: Participation) -> bool:
    return person.user_id is not None and person.state != ParticipationState.WITHDRAWN


async def conversation(session: AsyncSession, user_id: int | None, pair_id: int,
                       group: bool = False) -> Conversation:
    """The pair (or the mentor's group) this person may write to now; refused otherwise."""
    pair = await session.get(Pair, pair_id) if user_id is not None else None
    if pair is None:
        raise AccessDenied()
    mentor = await session.get(Participation, pair.mentor_id)
    mentee = await session.get(Participation, pair.mentee_id)
    if mentor is None or mentee is None:
        raise AccessDenied()
    if mentor.user_id == user_id:
        me, other, my_role = mentor, mentee, "mentor"
    elif mentee.user_id == user_id and not group:
        me, other, my_role = mentee, mentor, "mentee"
    else:
        raise AccessDenied()
    programme_state = await session.scalar(
        select(Programme.state).where(Programme.id == pair.programme_id))
    if pair.state == PairState.PAUSED:
        raise ChannelPaused()
    if pair.state != PairState.ACTIVE or programme_state == "completed":
        raise ChannelClosed()
    if not group:
        if not _reachable(other):
            raise ChannelGone()
        telegram_id = await session.scalar(select(User.telegram_id).where(
            User.id == other.user_id))
        if telegram_id is None or other.user_id is None:
            raise ChannelGone()
        return Conversation(pair.id, False, (pair.id,), my_role, me.id, me.full_name,
                            other.full_name, (Recipient(pair.id, other.id, other.user_id,
                                                        telegram_id),))
    rows = (await session.execute(
        select(Pair.id, Participation.id, User.id, User.telegram_id)
        .join(Participation, Participation.id == Pair.mentee_id)
        .join(User, User.id == Participation.user_id)
        .where(Pair.mentor_id == mentor.id, Pair.state == PairState.ACTIVE,
               Participation.state != ParticipationState.WITHDRAWN)
        .order_by(Pair.id))).all()
    if not rows:
        raise ChannelGone()
    recipients = tuple(Recipient(p, part, u, tg) for p, part, u, tg in rows)
    return Conversation(pair.id, True, tuple(r.pair_id for r in recipients), "mentor", me.id,
                        me.full_name, None, recipients)


def check(content: Content) -> None:
    """A message the channel carries, or a refusal naming the limit."""
    if content.kind not in KINDS:
        raise DomainError("channel.refused.kind")
    if content.kind == "text":
        if not content.text or not content.text.strip():
            raise DomainError("channel.refused.kind")
        if len(content.text) > TEXT_LIMIT:
            raise DomainError("channel.refused.too_long", limit=TEXT_LIMIT)
        return
    if not content.file_id:
        raise DomainError("channel.refused.kind")
    if content.text and len(content.text) > CAPTION_LIMIT:
        raise DomainError("channel.refused.too_long", limit=CAPTION_LIMIT)


def reply_button(pair_id: int) -> dict[str, object]:
    return outbox.button(text_key="channel.button.reply", target=Target.CHANNEL_REPLY,
                         fields={"pair": pair_id})


async def relay(session: AsyncSession, talk: Conversation, content: Content, *,
                sender_user_id: int, now: datetime, keep_days: int) -> int:
    """Queue the message to every recipient and count it for each pair; returns how many
    people it goes to."""
    check(content)
    rows = [PairMessage(pair_id=pair_id, sender_role=talk.my_role, kind=content.kind,
                        sent_at=now) for pair_id in talk.pair_ids]
    session.add_all(rows)
    await session.flush()
    first = rows[0].id
    name: object = talk.my_name or {"$t": f"role.{talk.my_role}"}
    heading = f"channel.relay.{talk.my_role}{'_group' if talk.group else ''}"
    params: dict[str, object] = {"name": name}
    if content.text:
        params["text"] = content.text
    else:
        heading += "_media"
    attachment = ({"type": content.kind, "file_id": content.file_id}
                  if content.kind != "text" else None)
    for recipient in talk.recipients:
        await outbox.enqueue(
            session, chat_id=recipient.telegram_id, user_id=recipient.user_id, kind=KIND,
            due_at=now, expires_at=now + timedelta(days=keep_days),
            dedupe_key=f"{KIND}:{first}:{recipient.user_id}", text_key=heading, params=params,
            buttons=[[reply_button(recipient.pair_id)]], attachment=attachment, now=now,
            about=outbox.about([talk.my_participation_id], [sender_user_id]))
    return len(talk.recipients)


async def erase_expired(session: AsyncSession, now: datetime, keep_days: int) -> int:
    """Relayed content older than the retention period loses its content (the counts stay)."""
    return await outbox.erase_kind_before(session, KIND, now - timedelta(days=keep_days))


async def counts(session: AsyncSession, programme_id: int, start: datetime, end: datetime
                 ) -> dict[int, int]:
    """Messages per pair of a programme sent in [start, end): the curator's figures (never
    what was written)."""
    rows = await session.execute(
        select(PairMessage.pair_id, func.count()).join(Pair, Pair.id == PairMessage.pair_id)
        .where(Pair.programme_id == programme_id, PairMessage.sent_at >= start,
               PairMessage.sent_at < end)
        .group_by(PairMessage.pair_id))
    return {pair_id: n for pair_id, n in rows.all()}


async def pair_counts(session: AsyncSession, pair_id: int, since: datetime) -> tuple[int, int]:
    """(messages since `since`, messages in all) of one pair."""
    recent = await session.scalar(select(func.count()).select_from(PairMessage).where(
        PairMessage.pair_id == pair_id, PairMessage.sent_at >= since)) or 0
    total = await session.scalar(select(func.count()).select_from(PairMessage).where(
        PairMessage.pair_id == pair_id)) or 0
    return recent, total
