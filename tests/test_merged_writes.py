"""The commit's writes as one PostgreSQL statement (bot/merged_writes.py, issue #21): only writes
that cannot see one another are merged, each keeps its own values, and what they write is what
the statements one by one would have written. On SQLite they stay one by one."""

from __future__ import annotations

import contextlib
from datetime import date

from sqlalchemy import bindparam, event, insert, select, update

from bot.db import defer_write, write_deferred
from bot.merged_writes import can_merge
from bot.services.programmes import programmes
from bot.services.updates import claim_update, replies_write
from handlers.shared.consent import create_programme
from models import Organisation, ProcessedUpdate, Programme, User

# Two statements with the same parameter names ("value", "of"), as the answer and the
# conversation record both have an "at".
RENAME_USER = update(User).where(User.id == bindparam("of")).values(timezone=bindparam("value"))
RENAME_ORGANISATION = (update(Organisation).where(Organisation.id == bindparam("of"))
                       .values(name=bindparam("value")))
RENAME_PROGRAMME = (update(Programme).where(Programme.id == bindparam("of"))
                    .values(title=bindparam("value")))


def test_only_writes_that_cannot_see_one_another_are_merged():
    user = (RENAME_USER, {})
    organisation = (RENAME_ORGANISATION, {})
    assert can_merge([user, organisation])
    assert not can_merge([user])  # nothing to merge
    assert not can_merge([user, (RENAME_USER, {})])  # one table twice: order would matter
    # A programme refers to its organisation: the parent's row must be there first.
    assert not can_merge([organisation, (RENAME_PROGRAMME, {})])
    assert not can_merge([user, (select(User.id), {})])  # a read is not a write


@contextlib.contextmanager
def sent(engine) -> list[str]:
    statements: list[str] = []

    def record(conn, cursor, sql, parameters, context, executemany):
        statements.append(sql.lstrip())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_each_write_keeps_its_own_values_in_one_statement(backend_sessionmaker):
    async with backend_sessionmaker() as session, session.begin():
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        user = User(telegram_id=501)
        session.add(user)
        await session.flush()
        await claim_update(session, 1, 77)
        ids = organisation.id, user.id
    postgres = session.bind.dialect.name == "postgresql"

    async with backend_sessionmaker() as session:
        defer_write(session, RENAME_USER, {"of": ids[1], "value": "Asia/Omsk"})
        defer_write(session, RENAME_ORGANISATION, {"of": ids[0], "value": "Лицей №1"})
        with sent(session.bind) as statements:
            await write_deferred(session, [replies_write(1, 77, '[{"method": "sendMessage"}]')])
        await session.commit()
    assert len(statements) == (1 if postgres else 3), statements
    if postgres:
        assert statements[0].startswith("WITH w0 AS"), statements

    async with backend_sessionmaker() as session:
        assert await session.scalar(select(User.timezone).where(User.id == ids[1])) == "Asia/Omsk"
        assert await session.scalar(
            select(Organisation.name).where(Organisation.id == ids[0])) == "Лицей №1"
        assert await session.scalar(select(ProcessedUpdate.replies).where(
            ProcessedUpdate.update_id == 77)) == '[{"method": "sendMessage"}]'


async def test_a_parent_and_its_child_go_one_by_one(backend_sessionmaker, translator):
    """A programme refers to its organisation: never merged, so each sees the database as
    the statements before it left it."""
    async with backend_sessionmaker() as session, session.begin():
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        programme = await create_programme(
            session, translator, organisation_id=organisation.id, title="П",
            starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31), forms=["teacher_teacher"])
        ids = organisation.id, programme.id
    async with backend_sessionmaker() as session:
        with sent(session.bind) as statements:
            await write_deferred(session, [
                (RENAME_ORGANISATION, {"of": ids[0], "value": "Гимназия"}),
                (RENAME_PROGRAMME, {"of": ids[1], "value": "Наставничество"})])
        await session.commit()
    assert len(statements) == 2 and not statements[0].startswith("WITH"), statements
    async with backend_sessionmaker() as session:
        assert await session.scalar(select(Programme.title).where(
            Programme.id == ids[1])) == "Наставничество"


async def test_a_write_leaving_a_column_to_its_default_goes_on_its_own(backend_sessionmaker):
    """SQLAlchemy fills in a Python-side default (an account's created_at) only for a statement
    of its own: merged, the account would have been written without it (NOT NULL failed for a
    consent record). Such a write is sent one by one and gets its defaults."""
    async with backend_sessionmaker() as session, session.begin():
        organisation = await programmes.create_organisation(session, "Школа", "school",
                                                            "Europe/Moscow")
        organisation_id = organisation.id
    new_account = insert(User).values(telegram_id=bindparam("telegram_id"))
    assert not can_merge([(new_account, {}), (RENAME_ORGANISATION, {})])
    async with backend_sessionmaker() as session:
        with sent(session.bind) as statements:
            await write_deferred(session, [
                (new_account, {"telegram_id": 502}),
                (RENAME_ORGANISATION, {"of": organisation_id, "value": "Гимназия"})])
        await session.commit()
    assert len(statements) == 2 and not statements[0].startswith("WITH"), statements
    async with backend_sessionmaker() as session:
        account = await session.scalar(select(User).where(User.telegram_id == 502))
        assert account is not None and account.created_at is not None
        assert account.unreachable is False
        assert await session.scalar(select(Organisation.name).where(
            Organisation.id == organisation_id)) == "Гимназия"


def test_a_write_giving_every_defaulted_column_is_merged():
    """The writes an update makes at its commit give every column that has a default, so they
    still go as one statement (a consent record, a link's uses, a setting)."""
    from bot.services.people import invitations, participants, users
    from bot.services.surveys import store

    consent = participants._ACCEPTED_BY_SELF
    uses = invitations._ADD_USES
    answer = store._SAVE["postgresql"]
    assert can_merge([(consent, {}), (uses, {}), (answer, {})])
    assert can_merge([(users._SET["timezone"], {}), (uses, {})])
    assert not can_merge([(insert(User).values(telegram_id=1), {}), (uses, {})])
