"""Scheduling bot-initiated messages: enqueue, cancel, and queries for the curator's digest.

Features never call Telegram for messages the bot starts by itself; they write a row here and
the sender (bot/delivery) delivers it once, in time and within Telegram's limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import rowcount
from bot.services.notices.buttons import CALLBACK_LIMIT, FIELDS, Target, packed_length
from models import OutboxMessage, OutboxState, OutboxSubject, User
from models.base import utcnow

KINDS = ("reminder", "survey_prompt", "digest", "announcement")
UNREACHABLE = "unreachable"
EXPIRED = "expired"
ERASED = "erased"  # last_error of a pending row whose content went with a person's /forget
ERASED_PAYLOAD: dict[str, Any] = {"text": "", "erased": True}


@dataclass(frozen=True)
class About:
    """Whose personal data a message holds besides its recipient's own: the participations it
    names or quotes (a name, an answer) and the accounts whose typed text or curator's name it
    carries. Every enqueue says it (NOBODY when only the recipient's own data or none is in
    it), so /forget finds every message that holds the person, pending or sent, without
    reading payloads (bot/services/people/privacy.py)."""

    participations: frozenset[int] = frozenset()
    users: frozenset[int] = frozenset()

    def __or__(self, other: About) -> About:
        return About(self.participations | other.participations, self.users | other.users)

    def rows(self, outbox_id: int) -> list[dict[str, Any]]:
        return ([{"outbox_id": outbox_id, "kind": "participation", "subject_id": i}
                 for i in sorted(self.participations)]
                + [{"outbox_id": outbox_id, "kind": "user", "subject_id": i}
                   for i in sorted(self.users)])


NOBODY = About()


def about(participations: Iterable[int | None] = (), users: Iterable[int | None] = ()) -> About:
    """About(...) from ids that may be missing (None: a person without an account)."""
    return About(frozenset(i for i in participations if i is not None),
                 frozenset(i for i in users if i is not None))


def typed_param(value: object) -> object:
    """Datetimes and dates are stored typed so the renderer formats them per recipient."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in outbox params; use timezone-aware values")
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def button(*, text_key: str | None = None, text: str | None = None,
           target: Target | None = None, fields: Mapping[str, str | int | bool] | None = None,
           url: str | None = None, callback_data: str | None = None,
           params: Mapping[str, object] | None = None,
           max_chars: int | None = None) -> dict[str, Any]:
    """One inline button of a payload: a translated (text_key) or literal (text) label, and
    one of: a target with its fields (callback data packed at send time, see
    bot/services/notices/buttons.py), a url, or callback data the Telegram side packed itself.
    `max_chars` cuts a long label."""
    if (text_key is None) == (text is None):
        raise ValueError("a button needs exactly one of text_key or text")
    if [target, url, callback_data].count(None) != 2:
        raise ValueError("a button needs exactly one of target, url or callback_data")
    if callback_data is not None and len(callback_data.encode()) > CALLBACK_LIMIT:
        raise ValueError("callback_data is limited to 64 bytes")
    result: dict[str, Any] = {"text_key": text_key} if text_key else {"text": text}
    if target is not None:
        values = dict(fields or {})
        unknown = set(values) - FIELDS[Target(target)]
        if unknown:
            raise ValueError(f"{target!r} has no fields {sorted(unknown)}")
        if packed_length(Target(target), values) > CALLBACK_LIMIT:
            raise ValueError("callback data is limited to 64 bytes")
        result.update({"target": Target(target).value, "fields": values})
    elif url is not None:
        result["url"] = url
    else:
        result["callback_data"] = callback_data
    if params:
        result["params"] = {k: typed_param(v) for k, v in params.items()}
    if max_chars is not None:
        result["max_chars"] = max_chars
    return result


def _insert(session: AsyncSession) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(OutboxMessage)
    if dialect == "sqlite":
        return sqlite.insert(OutboxMessage)
    raise NotImplementedError(f"outbox upsert is not written for {dialect}")


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    due_at: datetime,
    dedupe_key: str,
    text_key: str | None = None,
    text: str | None = None,
    body: Mapping[str, Any] | None = None,
    params: Mapping[str, object] | None = None,
    count: int | None = None,
    buttons: Sequence[Sequence[Mapping[str, Any]]] | None = None,
    keyboard: Sequence[Sequence[str]] | None = None,
    attachment: Mapping[str, Any] | None = None,
    user_id: int | None = None,
    locale: str | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
    about: About,
) -> bool:
    """Schedule one message; False when a row with this dedupe key already exists.

    `attachment`: {"type": "document"|"photo", "path": ...} or {"type": ..., "generator": name,
    "args": {...}}, or {"type": "document"|"photo"|"voice", "file_id": ...} (a file Telegram
    already has); the text then becomes the caption. `about`: whose personal data the
    message holds besides the recipient's (required: see About). `body`: a text composed of
    translation keys (bot/services/notices/texts.py) instead of one text_key. `keyboard`: a
    reply keyboard (rows of translation keys of its labels) the message sets in the chat,
    instead of inline `buttons` (a message carries one or the other)."""
    if [text_key, text, body].count(None) != 2:
        raise ValueError("give exactly one of text_key, text or body")
    if buttons and keyboard:
        raise ValueError("a message carries inline buttons or a reply keyboard, not both")
    if due_at.tzinfo is None or (expires_at is not None and expires_at.tzinfo is None):
        raise ValueError("due_at and expires_at must be timezone-aware")
    payload: dict[str, Any] = ({"text_key": text_key} if text_key else
                               {"text": text} if text is not None else {"body": dict(body or {})})
    if params:
        payload["params"] = {key: typed_param(value) for key, value in params.items()}
    if count is not None:
        payload["count"] = count
    if buttons:
        payload["buttons"] = [[dict(b) for b in row] for row in buttons]
    if keyboard:
        payload["keyboard"] = [[{"text_key": key} for key in row] for row in keyboard]
    if attachment:
        payload["attachment"] = dict(attachment)
    statement = _insert(session).values(
        chat_id=chat_id, user_id=user_id, kind=kind, payload=payload, locale=locale,
        due_at=due_at, next_attempt_at=due_at, expires_at=expires_at,
        state=OutboxState.PENDING, attempts=0, created_at=now or utcnow(), dedupe_key=dedupe_key,
    ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id)
    created = (await session.execute(statement)).scalar_one_or_none()
    if created is None:
        return False
    subjects = about.rows(created)
    if subjects:
        await session.execute(_insert_subjects(session), subjects)
    return True


def _insert_subjects(session: AsyncSession) -> postgresql.Insert | sqlite.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(OutboxSubject).on_conflict_do_nothing()
    return sqlite.insert(OutboxSubject).on_conflict_do_nothing()


async def about_of(session: AsyncSession, outbox_id: int) -> About:
    """The subjects of a row (a reminder repeating it says the same)."""
    rows = (await session.execute(select(OutboxSubject.kind, OutboxSubject.subject_id).where(
        OutboxSubject.outbox_id == outbox_id))).all()
    return About(frozenset(i for kind, i in rows if kind == "participation"),
                 frozenset(i for kind, i in rows if kind == "user"))


async def erase_about(session: AsyncSession, subjects: About) -> int:
    """/forget: every message holding these people's data loses its content, pending or sent;
    a pending one is not sent. The row itself stays (its dedupe key still stops a job from
    queueing the same message again). Returns how many rows were erased."""
    if not subjects.participations and not subjects.users:
        return 0
    match = or_(
        and_(OutboxSubject.kind == "participation",
             OutboxSubject.subject_id.in_(sorted(subjects.participations))),
        and_(OutboxSubject.kind == "user", OutboxSubject.subject_id.in_(sorted(subjects.users))))
    ids = select(OutboxSubject.outbox_id).where(match)
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.state.in_(
            (OutboxState.PENDING, OutboxState.SENDING)))
        .values(state=OutboxState.CANCELLED, last_error=ERASED)
        .execution_options(synchronize_session=False))
    erased = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(payload=ERASED_PAYLOAD)
        .execution_options(synchronize_session=False))
    await session.execute(delete(OutboxSubject).where(match))
    return rowcount(erased)


async def erase_kind_before(session: AsyncSession, kind: str, before: datetime) -> int:
    """Messages of this kind queued before `before` lose their content like an erasure (a
    retention period: the pair's channel). A pending one is not sent. Rows already erased (no
    subjects left) are not touched again."""
    ids = select(OutboxSubject.outbox_id).join(
        OutboxMessage, OutboxMessage.id == OutboxSubject.outbox_id).where(
        OutboxMessage.kind == kind, OutboxMessage.created_at < before).distinct()
    found = list((await session.scalars(ids)).all())
    if not found:
        return 0
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(found), OutboxMessage.state.in_(
            (OutboxState.PENDING, OutboxState.SENDING)))
        .values(state=OutboxState.CANCELLED, last_error=EXPIRED)
        .execution_options(synchronize_session=False))
    await session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(found))
                          .values(payload=ERASED_PAYLOAD)
                          .execution_options(synchronize_session=False))
    await session.execute(delete(OutboxSubject).where(OutboxSubject.outbox_id.in_(found)))
    return len(found)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def cancel(session: AsyncSession, *, dedupe_prefix: str | None = None,
                 user_id: int | None = None, chat_id: int | None = None,
                 reason: str = "cancelled") -> int:
    """Cancel pending rows matching every given filter (meeting moved, consent withdrawn)."""
    if dedupe_prefix is None and user_id is None and chat_id is None:
        raise ValueError("cancel needs at least one filter")
    statement = update(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)
    if dedupe_prefix is not None:
        statement = statement.where(
            OutboxMessage.dedupe_key.like(_escape_like(dedupe_prefix) + "%", escape="\\"))
    if user_id is not None:
        statement = statement.where(OutboxMessage.user_id == user_id)
    if chat_id is not None:
        statement = statement.where(OutboxMessage.chat_id == chat_id)
    result = await session.execute(
        statement.values(state=OutboxState.CANCELLED, last_error=reason)
        .execution_options(synchronize_session=False))
    return rowcount(result)


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    chat_id: int
    user_id: int | None
    kind: str
    dedupe_key: str
    attempts: int
    last_error: str | None
    due_at: datetime


@dataclass(frozen=True)
class FailedCount:
    chat_id: int
    user_id: int | None
    count: int


@dataclass(frozen=True)
class UnreachableUser:
    user_id: int
    telegram_id: int
    since: datetime | None


async def failed_messages(session: AsyncSession, *, since: datetime | None = None,
                          chat_id: int | None = None, user_id: int | None = None,
                          include_unreachable: bool = True) -> list[FailedDelivery]:
    """Rows that will not be delivered (failed, or cancelled because the chat is unreachable)."""
    states = [OutboxState.FAILED]
    query = select(OutboxMessage)
    if include_unreachable:
        query = query.where(
            (OutboxMessage.state == OutboxState.FAILED)
            | ((OutboxMessage.state == OutboxState.CANCELLED)
               & (OutboxMessage.last_error == UNREACHABLE)))
    else:
        query = query.where(OutboxMessage.state.in_(states))
    if since is not None:
        query = query.where(OutboxMessage.due_at >= since)
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    if user_id is not None:
        query = query.where(OutboxMessage.user_id == user_id)
    rows = await session.scalars(query.order_by(OutboxMessage.due_at, OutboxMessage.id))
    return [FailedDelivery(r.id, r.chat_id, r.user_id, r.kind, r.dedupe_key, r.attempts,
                           r.last_error, r.due_at) for r in rows]


async def failed_counts(session: AsyncSession, *, since: datetime | None = None
                        ) -> list[FailedCount]:
    """Failed rows per recipient, most first: one line per person in a digest."""
    query = select(OutboxMessage.chat_id, OutboxMessage.user_id, func.count()).where(
        OutboxMessage.state == OutboxState.FAILED)
    if since is not None:
        query = query.where(OutboxMessage.due_at >= since)
    query = query.group_by(OutboxMessage.chat_id, OutboxMessage.user_id).order_by(
        func.count().desc(), OutboxMessage.chat_id)
    return [FailedCount(chat, user, n) for chat, user, n in await session.execute(query)]


async def unreachable_users(session: AsyncSession) -> list[UnreachableUser]:
    rows = await session.scalars(
        select(User).where(User.unreachable.is_(True)).order_by(User.unreachable_since, User.id))
    return [UnreachableUser(u.id, u.telegram_id, u.unreachable_since) for u in rows]


async def pending_count(session: AsyncSession) -> int:
    return await session.scalar(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.SENDING)))) or 0
