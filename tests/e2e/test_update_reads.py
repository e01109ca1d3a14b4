"""What one update reads (issue #10): each thing once, in one transaction; and it writes after
it has talked to Telegram.

Every update of a person answering the questionnaire is watched: the SQL statements it sends
and the transactions it opens. The conversation record, the survey response, its participation
and its answers are each read at most once per update (they used to be read 2-5 times), and
the FSM state is read in the update's own transaction, not in one of its own before it."""

from __future__ import annotations

import contextlib
import contextvars

from sqlalchemy import event, func, select

from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey, current_question
from models import Participation, SurveyAnswer, SurveyResponse, User
from tests.e2e.helpers import join_as_adult, pressed_data
from tests.texts import t

_current: contextvars.ContextVar[dict | None] = contextvars.ContextVar("watched", default=None)


def _reads(statements: list[str], table: str) -> int:
    return sum(1 for s in statements if s.startswith(("SELECT", "WITH claim AS"))
               and (f"FROM {table} " in s + " " or f"JOIN {table} " in s))


@contextlib.asynccontextmanager
async def watched_updates(live):
    """Every update handled inside the block, as {"statements", "begins", "events"}."""
    watched: list[dict] = []

    async def watch(handler, event_, data):  # outermost: sees the whole update
        record = {"statements": [], "begins": 0, "events": [],
                  "button": event_.callback_query is not None}
        token = _current.set(record)
        try:
            return await handler(event_, data)
        finally:
            _current.reset(token)
            watched.append(record)

    def statement(conn, cursor, sql, parameters, context, executemany):
        record = _current.get()
        if record is not None:
            record["statements"].append(" ".join(sql.replace('"', "").split()))
            # PostgreSQL's first statement records the update's id (a claim, not a write of
            # the person's data: it holds back only another delivery of the same update).
            kind = ("read" if sql.lstrip()[:6].upper() == "SELECT"
                    else "claim" if sql.lstrip().startswith("WITH claim AS") else "write")
            record["events"].append(kind)

    async def request(make_request, bot, method):  # a Bot API request of the update
        record = _current.get()
        if record is not None:
            record["events"].append("telegram")
        return await make_request(bot, method)

    def begin(conn):
        record = _current.get()
        if record is not None:
            record["begins"] += 1

    engine = live.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    live.app.dispatcher.update.outer_middleware._middlewares.insert(0, watch)
    live.bot.session.middleware(request)
    try:
        yield watched
    finally:
        live.bot.session.middleware.unregister(request)
        live.app.dispatcher.update.outer_middleware._middlewares.remove(watch)
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)


async def test_each_thing_is_read_once_per_update(live, emulator):
    seeded = await seed_programme(live.app)
    mentor = emulator.user(3301, first_name="Анна", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    await live.handled()

    async with watched_updates(live) as watched:
        answered = await answer_survey(mentor, "mentor_profile", live,
                                       texts={"hours_per_month": "6", "max_mentees": "2"})
        await live.handled()

    assert answered >= 8
    assert len(watched) >= answered
    for record in watched:
        statements = record["statements"]
        assert record["begins"] == 1, statements  # the FSM read has no transaction of its own
        assert _reads(statements, "fsm_records") <= 1, statements
        assert _reads(statements, "processed_updates") <= 1, statements
        assert _reads(statements, "users") <= 1, statements
        assert _reads(statements, "survey_responses") <= 1, statements
        assert _reads(statements, "participations") <= 1, statements
        assert _reads(statements, "survey_answers") <= 1, statements
    # A question answered mid-survey: the update's first statement (handled? account?
    # conversation?), the response with its participation and its answers, the new answer,
    # the update id; plus a conversation write when the keyboard's ticks change.
    typical = sorted(len(r["statements"]) for r in watched)[len(watched) // 2]
    # On PostgreSQL the first statement also records the update's id: one statement less.
    postgres = live.app.engine.dialect.name == "postgresql"
    assert typical <= (4 if postgres else 5), [r["statements"] for r in watched]
    for record in watched:  # the answers are read with their response, not after it
        assert not any(_reads([s], "survey_answers") and not _reads([s], "survey_responses")
                       for s in record["statements"]), record["statements"]
    # SQLite has one writer, held from an update's first write to its commit: an answer's
    # writes wait until its replies (the answered button, the next question) are sent, so
    # other people's updates do not wait for this one's talk with Telegram. (The last answer,
    # which completes the survey and then reads what to send next, is the exception.)
    mid_survey = [r for r in watched
                  if not any("SET completed_at" in s for s in r["statements"])]
    assert len(mid_survey) >= answered - 1
    for record in mid_survey:
        events = record["events"]
        if "telegram" in events and "write" in events:
            last_request = len(events) - 1 - events[::-1].index("telegram")
            assert events.index("write") > last_request, (events, record["statements"])


async def test_a_survey_button_reads_its_response_in_the_updates_first_statement(
        live, emulator):
    """Most updates are answers to the questionnaire (issue #21): a press of a question's button
    gets the response it names, its participation and its answers from the update's first
    statement (with the account and the conversation), not from a statement of its own. What
    is left is the answer's write (and on SQLite the update's id, recorded at the commit)."""
    seeded = await seed_programme(live.app)
    mentor = emulator.user(3304, first_name="Ирина", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    await live.handled()

    async with watched_updates(live) as watched:
        await answer_survey(mentor, "mentor_profile", live,
                            texts={"hours_per_month": "6", "max_mentees": "2"})
        await live.handled()

    presses = [r for r in watched if r["button"]
               and not any("SET completed_at" in s for s in r["statements"])]
    assert len(presses) >= 5
    for record in presses:
        first, rest = record["statements"][:1], record["statements"][1:]
        assert _reads(first, "survey_responses") == 1, record["statements"]
        for table in ("survey_responses", "survey_answers", "participations", "users",
                      "fsm_records"):
            assert _reads(rest, table) == 0, (table, record["statements"])
    postgres = live.app.engine.dialect.name == "postgresql"
    typical = sorted(len(r["statements"]) for r in presses)[len(presses) // 2]
    assert typical <= (2 if postgres else 3), [r["statements"] for r in presses]


async def test_a_forged_survey_button_is_refused_as_someone_elses_is(live, emulator):
    """The update's first statement reads the response a survey button names: a forged number
    is refused with a clear answer, and nothing changes. Another person's response, or none:
    «not yours»; a number beyond the database's integers (it failed the update in the driver,
    an int4 overflow or sqlite3's OverflowError): a button nobody takes, «outdated»."""
    seeded = await seed_programme(live.app)
    mentor = emulator.user(3305, first_name="Олег", language_code="ru")
    other = emulator.user(3306, first_name="Пётр", language_code="ru")
    for person in (mentor, other):
        await join_as_adult(person, seeded.mentor_token, live)
    await live.handled()
    async with live.app.sessionmaker() as session:
        responses = dict((await session.execute(
            select(User.telegram_id, SurveyResponse.id)
            .join(Participation, Participation.user_id == User.id)
            .join(SurveyResponse, SurveyResponse.participation_id == Participation.id))).all())
        answers_before = await session.scalar(select(func.count(SurveyAnswer.id)))
    question = current_question(mentor, "mentor_profile", "ru")
    refusals = {responses[other.chat_id]: "access.denied", 0: "access.denied",
                -1: "access.denied", 2**31: "access.stale", 10**20: "access.stale",
                -(10**20): "access.stale"}
    for response_id, refusal in refusals.items():
        data = f"sv:{response_id}:{question.id}:o:0"
        assert await pressed_data(live, mentor, data) == t(refusal), data
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count(SurveyAnswer.id))) == answers_before
    # the person's own questionnaire goes on from where it was, to the end
    answered = await answer_survey(mentor, "mentor_profile", live,
                                   texts={"hours_per_month": "6", "max_mentees": "2"})
    assert answered >= 8


async def _watched_joining(live, emulator, telegram_id: int, first_name: str,
                           full_name: str) -> list[dict]:
    """A newcomer joins by the mentor link as an adult; their four updates (the link, the age
    group, the consent, the name) as watched_updates records them."""
    seeded = await seed_programme(live.app)
    newcomer = emulator.user(telegram_id, first_name=first_name, language_code="ru")
    async with watched_updates(live) as watched:
        await join_as_adult(newcomer, seeded.mentor_token, live, name=full_name)
        await live.handled()
    assert len(watched) == 4, [r["statements"] for r in watched]
    return watched


async def test_joining_reads_each_row_once_and_a_first_contact_creates_the_account_at_once(
        live, emulator):
    """A class joining by one link at once (bench.class_at_once): each joining step reads a row
    at most once (a programme checked while resolving the link was read again by the next
    lookup, the ORM's identity map holding it only weakly), and the account of a first contact
    is created in one statement (not read before — the update's first statement found none —
    nor after: the insert returns it)."""
    watched = await _watched_joining(live, emulator, 3302, "Борис", "Борисов Борис")
    first = watched[0]["statements"]
    assert _reads(first, "users") == 1 and "users" in first[0], first  # only the prefetch
    assert sum(1 for s in first if s.startswith("INSERT INTO users")) == 1, first
    for record in watched:
        statements = record["statements"]
        for table in ("users", "invitations", "programmes", "participations",
                      "survey_responses", "survey_answers", "consent_texts"):
            assert _reads(statements, table) <= 1, (table, statements)


async def test_joining_reads_a_link_with_its_programme_and_writes_the_consent_at_the_commit(
        live, emulator):
    """Each joining step that opens the link reads the link and its programme in one statement
    (they were two, issue #21), and on PostgreSQL the consent step's record and the link's use
    go in the commit's one statement with the conversation, not in statements of their own."""
    watched = await _watched_joining(live, emulator, 3304, "Глеб", "Глебов Глеб")
    for record in watched[:3]:
        links = [s for s in record["statements"] if _reads([s], "invitations")]
        assert len(links) == 1 and _reads(links, "programmes") == 1, record["statements"]
        assert _reads(record["statements"], "programmes") == 1, record["statements"]
    consent = watched[2]["statements"]
    alone = [s for s in consent if s.startswith(("INSERT INTO consent_records",
                                                 "UPDATE invitations"))]
    if live.app.engine.dialect.name == "postgresql":
        assert not alone, consent
        (merged,) = [s for s in consent if s.startswith("WITH w0 AS")]
        assert "consent_records" in merged and "UPDATE invitations" in merged, merged
    else:
        assert len(alone) == 2, consent


async def test_replies_are_not_read_back_into_aiogram_types(live, emulator, monkeypatch):
    """A reply whose answer no handler reads (a message, an edit, a callback answer) is sent
    and its answer left unread, whether it goes out at once (before the update's first write)
    or after the commit (issue #21): reading a Message with its keyboard into aiogram's types
    was pydantic's work for nothing. The person still gets every reply."""
    from bot.runtime.update_unit import DEFERRABLE
    from bot.telegram.session import JsonBodySession

    seeded = await seed_programme(live.app)
    mentor = emulator.user(3303, first_name="Вера", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    await live.handled()

    read: list[str] = []
    original = JsonBodySession.__mro__[1].check_response

    def counting(self, *args, **kwargs):
        read.append(kwargs["method"].__api_method__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(JsonBodySession.__mro__[1], "check_response", counting)
    before = len(emulator.calls)
    async with watched_updates(live) as watched:
        await mentor.send("/help")  # answered at once: it writes nothing
        await mentor.wait_messages(1)
        answered = await answer_survey(mentor, "mentor_profile", live,
                                       texts={"hours_per_month": "6", "max_mentees": "2"})
        await live.handled()
    assert answered >= 8 and len(watched) > answered
    sent = [c.method for c in emulator.calls[before:] if c.method in DEFERRABLE]
    assert {"sendMessage", "editMessageText", "answerCallbackQuery"} <= set(sent)
    assert [m for m in read if m in DEFERRABLE] == []
