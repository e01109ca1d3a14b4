"""Issue 16, item 4: after /forget nothing of the person is left anywhere.

A mentee joins through the bot, answers the questionnaire, is paired (the mentor's introduction
names her), writes a goal into the pair's plan, tells the curator the mentor does not answer
(the alert names her), marks a roadmap item done with a comment, and is a candidate in the
curator's unsaved roadmap import. Then she sends /forget. Every column of every table
(enumerated from the models' metadata, so a new table is covered), the conversation records in
Redis (PostgreSQL + Redis backend) and, on SQLite, the bytes of the database file and its
write-ahead log are searched for her name, her answers, her typed texts and her Telegram id."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from bot.services.people import users
from bot.services.programmes import programmes
from models import Base, OutboxMessage, Participation
from models.base import utcnow
from tests.e2e.helpers import dump_conversations, eventually, join_as_adult, press
from tests.texts import t

CURATOR = 4600
MENTOR = 4601
MENTEE = 987654321  # distinctive: searched for as text and as the integer's bytes
NAME = "Забывающая Елизавета"
# Her name as she gave it, her first name, what she typed, her Telegram id. (The roadmap the
# organisation uploads names her «Забывающая Е.»: that document is the organisation's own and
# stays as written; what linked it to her goes.)
SECRETS = (NAME, "Елизавет", "Секретный ответ Лизы", "Цель Лизы", "Комментарий Лизы",
           "Лиза пишет", str(MENTEE))


def readable(value: object) -> str:
    """A stored value as a person would search it: JSON decoded (Cyrillic is kept as \\u
    escapes there), bytes as text."""
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, str):
        try:
            return json.dumps(json.loads(value), ensure_ascii=False)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def tables_holding(live, needles) -> dict[str, list[str]]:
    """table.column -> the needles found there, over every table of the metadata."""
    found: dict[str, list[str]] = {}
    async with live.app.sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            result = await session.execute(text(f"SELECT * FROM {table.name}"))
            columns = list(result.keys())
            for row in result.all():
                for column, value in zip(columns, row, strict=True):
                    shown = readable(value)
                    for needle in needles:
                        if needle in shown:
                            found.setdefault(f"{table.name}.{column}", []).append(needle)
    return found


def file_forms(needle: str) -> list[bytes]:
    """How a text can sit in an SQLite file: UTF-8, or \\u-escaped inside a JSON column."""
    forms = [needle.encode(), json.dumps(needle).strip('"').encode()]
    if needle.isdigit():
        forms.append(int(needle).to_bytes(4, "big"))  # an INTEGER column's record bytes
    return forms


def files_holding(database: Path, needles) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in (database, database.with_name(database.name + "-wal")):
        if not path.exists():
            continue
        content = path.read_bytes()
        hits = [n for n in needles if any(form in content for form in file_forms(n))]
        if hits:
            found[path.name] = hits
    return found


async def test_forget_leaves_nothing_in_any_table_nor_in_the_database_file(live, emulator):
    seeded = await seed_programme(live.app)
    async with live.app.sessionmaker() as session, session.begin():
        curator_account = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, seeded.organisation_id, curator_account.id,
                                     "Кураторова Ольга")
    mentor = emulator.user(MENTOR, first_name="Мария", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live, name="Наставникова Мария")
    await answer_survey(mentor, "mentor_profile", live, texts={"max_mentees": "2"})
    mentee = emulator.user(MENTEE, first_name="Елизавета", language_code="ru")
    await join_as_adult(mentee, seeded.mentee_token, live, name=NAME)
    await answer_survey(mentee, "mentee_profile", live,
                        texts={"grade_or_position": "Секретный ответ Лизы",
                               "anything_else": "Лиза пишет о себе"})

    # Paired: the mentor's introduction names her.
    curator = emulator.user(CURATOR, first_name="Ольга", language_code="ru")
    await curator.send("/match")
    await curator.wait_messages(1)
    await press(live, curator, t("match.btn.approve"))
    await curator.wait_messages(1)
    mentor.mark_read()
    await press(live, curator, t("match.btn.yes"))
    intro = await mentor.wait_messages(1, timeout=15)
    assert any(NAME in m.text for m in intro)

    # A goal she writes into the pair's plan.
    await mentee.wait_messages(1, timeout=15)  # her own introduction
    await live.outbox_sent()  # and the rest the pairing queued for her (the self-assessment)
    mentee.mark_read()
    await mentee.send("/plan")
    await mentee.wait_messages(1)
    await press(live, mentee, t("plan.btn.add"))
    mentee.mark_read()
    await mentee.send("Цель Лизы: читать больше")
    await mentee.wait_messages(1)
    await press(live, mentee, t("plan.btn.no_date"))
    # «My mentor does not answer»: the curator's alert names her.
    mentee.mark_read()
    await mentee.send("/help_me")
    await mentee.wait_messages(1)
    await press(live, mentee, t("meetings.help.confirm"))
    await live.outbox_sent()  # the alert reached the curator

    # A roadmap item she is responsible for, marked done with her comment; and the curator's
    # next import, not saved yet, lists her among the candidates.
    table = ("№\tМероприятие\tСроки\tОтветственные\n"
             "1\tАнкетирование\tдо 15.10.2026\tЗабывающая Е.\n")
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, t("roadmap.btn.upload"))
    curator.mark_read()
    await curator.send(table)
    await curator.wait_messages(1)
    await press(live, curator, t("roadmap.btn.save"))
    mentee.mark_read()
    await mentee.send("/roadmap")
    (mine,) = await mentee.wait_messages(1)
    await press(live, mentee, mine.buttons[0])
    mentee.mark_read()
    await mentee.send("Комментарий Лизы: готово")
    await mentee.wait_messages(1)
    await live.outbox_sent()  # the curator is told the item is done
    await curator.send("/roadmap")
    await live.handled()
    await press(live, curator, t("roadmap.btn.upload"))
    curator.mark_read()
    await curator.send(table.replace("Анкетирование", "Анкетирование, второй этап"))
    (preview,) = await curator.wait_messages(1)
    assert NAME in preview.text

    async def delivered(session):  # what was due has gone out (and is kept); reminders wait
        return not await session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.state.in_(("pending", "sending")),
            OutboxMessage.due_at <= utcnow()))

    await eventually(live, delivered, wait=20)
    before = await tables_holding(live, SECRETS)
    for table_column in ("participations.full_name", "outbox.payload", "plan_goals.title",
                         "roadmap_items.done_comment", "roadmap_drafts.payload",
                         "survey_answers.value"):
        assert table_column in before, f"the test does not reach {table_column}: {before}"

    mentee.mark_read()
    await mentee.send("/forget")
    await mentee.wait_messages(1)
    await press(live, mentee, t("forget.confirm"))
    assert "данные удалены" in mentee.last_message.text
    await live.journal_cleared()  # the /forget updates themselves held her name until now

    left = await tables_holding(live, SECRETS)
    assert not left, f"after /forget the database still holds her: {left}"
    conversations = await dump_conversations(live)
    assert not [s for s in SECRETS if s in conversations], "Redis still holds her"
    async with live.app.sessionmaker() as session:
        withdrawn = (await session.execute(select(Participation.state, Participation.full_name)
                                           .where(Participation.role == "mentee"))).one()
    assert tuple(withdrawn) == ("withdrawn", None)

    url = make_url(live.app.settings.database_url)
    if url.get_backend_name() == "sqlite":
        # Deleted rows are zeroed in place (some SQLite builds do it by default, others not).
        async with live.app.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA secure_delete")).scalar() == 1
        database = Path(url.database)
        for _ in range(75):  # the write-ahead log is emptied after the commit, in the background
            found = await asyncio.to_thread(files_holding, database, SECRETS)
            if not found:
                break
            await asyncio.sleep(0.2)
        assert not found, f"the database file still holds her: {found}"
