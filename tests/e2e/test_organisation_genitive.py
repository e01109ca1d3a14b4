"""Letters say «Администрация Лицея «Вектор»», not «Администрация Лицей «Вектор»» (issue #19,
item 6): the owner creating an organisation is offered its name in the genitive, computed with
pymorphy3, confirms it with a button or types the right one; the printed letter uses it, and an
English letter the name as it is."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot.callbacks.curator import ProgrammeCallback
from bot.clock import ManualClock
from bot.emulator.live import live_bot
from bot.services.people import users
from bot.services.programmes import programmes
from handlers.shared.consent import create_programme
from models import Organisation, Pair, PairState
from tests.e2e.helpers import press, pressed_data, say
from tests.e2e.world import T0, World
from tests.texts import t

OWNER = 530
CURATOR = 5931
CONFIRM = t("owner.new.genitive_ok")


@pytest.fixture
async def world_with_owner(settings, emulator):
    settings = settings.model_copy(update={"admin_ids": frozenset({OWNER}),
                                           "outbox_tick_seconds": 0.3})
    async with live_bot(settings, emulator) as live:
        clock = ManualClock(T0)
        scheduler = live.app.dispatcher["scheduler"]
        scheduler.clock = clock
        scheduler.sender.clock = clock
        yield live, clock


async def create_organisation(live, owner, name: str, genitive: str | None = None) -> str:
    """/neworg as the owner does it; returns the text of the genitive question."""
    await owner.send("/neworg")
    await owner.wait_messages(1)
    await owner.send(name)
    (question,) = await owner.wait_messages(1)
    if genitive is None:
        assert question.buttons == [CONFIRM]
        await press(live, owner, CONFIRM)
    else:
        await say(live, owner, genitive)
    await owner.wait_messages(1)  # the kinds
    done = await choose_kind_and_zone(owner)
    return question.text + "\n" + done.text


async def choose_kind_and_zone(owner):
    """The steps after the genitive: a school in Moscow's time; the «created» message."""
    await owner.press(t("owner.kind.school"))
    await owner.wait_messages(1)
    await owner.press("Москва UTC+3")
    done, _link = await owner.wait_messages(2)
    return done


async def completed_pair(world_with_owner, emulator, title: str, curator_name: str,
                         mentor: tuple[int, str], mentee: tuple[int, str]):
    """A completed programme of «Лицей «Вектор»» with its curator and one completed pair;
    returns the programme's id, the mentor's chat and the world."""
    live, clock = world_with_owner
    async with live.app.sessionmaker() as session, session.begin():
        organisation = await session.scalar(select(Organisation).where(
            Organisation.name == "Лицей «Вектор»"))
        programme = await create_programme(
            session, live.app.translator, organisation_id=organisation.id,
            title=title, starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31),
            forms=["teacher_teacher"])
        curator_user = await users.get_or_create(session, CURATOR)
        await programmes.add_curator(session, organisation.id, curator_user.id, curator_name)
    world = World(live, emulator, clock, programme.id, organisation.id)
    mentor_chat, mentor_pid = await world.person(mentor[0], "mentor", mentor[1])
    _, mentee_pid = await world.person(mentee[0], "mentee", mentee[1])
    (pair_id,) = await world.pair(mentor_pid, mentee_pid)
    async with live.app.sessionmaker() as session, session.begin():
        (await session.get(Pair, pair_id)).state = PairState.COMPLETED
    await world.programme(state="completed")
    return programme.id, mentor_chat, world


async def printed_letter(live, curator, programme_id: int, locale: str,
                         send: str | None = None) -> str:
    """The curator opens the programme's letters and sends them (`send`: the button, else the
    last one): the letter's printed text."""
    await say(live, curator, "/start")
    curator.mark_read()
    await pressed_data(live, curator, ProgrammeCallback(action="card",
                                                        programme_id=programme_id).pack())
    await curator.wait_messages(1)
    await press(live, curator, t("lifecycle.card.letters", locale=locale))
    await curator.wait_messages(1)
    await press(live, curator, send or curator.last_message.buttons[-1])
    (archive,) = await curator.wait_messages(1)
    with zipfile.ZipFile(BytesIO(archive.document.content)) as zipped:
        (name,) = zipped.namelist()
        return pdf_text(zipped.read(name))


async def stored(live) -> dict[str, str | None]:
    async with live.app.sessionmaker() as session:
        return {o.name: o.name_genitive for o in await session.scalars(select(Organisation))}


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(BytesIO(content)).pages)


async def test_the_owner_confirms_the_genitive_and_the_letter_prints_it(world_with_owner,
                                                                       emulator):
    live, _clock = world_with_owner
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")

    said = await create_organisation(live, owner, "Лицей «Вектор»")
    assert "«Администрация Лицея «Вектор» выражает искреннюю благодарность…»" in said
    assert "В письмах: «Администрация Лицея «Вектор»»." in said

    # A name the morphology gets wrong for this school is typed right by the owner instead;
    # bad input first: too long is refused and the step stays.
    await owner.send("/neworg")
    await owner.wait_messages(1)
    await owner.send("Школа-интернат «Надежда»")
    (question,) = await owner.wait_messages(1)
    assert "Администрация Школы-интерната «Надежда» выражает" in question.text
    await say(live, owner, "Ш" * (programmes.MAX_TITLE + 1))
    assert owner.messages[-1].text == t("org.error.name", max=programmes.MAX_TITLE)
    await say(live, owner, "Школы-интерната  «Надежда» <b>")
    await owner.wait_messages(2)  # the refusal, then the kinds
    done = await choose_kind_and_zone(owner)
    assert "В письмах: «Администрация Школы-интерната «Надежда» <b>»." in done.text
    assert await stored(live) == {"Лицей «Вектор»": "Лицея «Вектор»",
                                  "Школа-интернат «Надежда»": "Школы-интерната «Надежда» <b>"}
    # A stale «✅ Верно» after the step changes nothing.
    await press(live, owner, CONFIRM)
    assert len(await stored(live)) == 2

    # The letter of a mentor of the lyceum, through the curator's letters flow.
    programme_id, mentor, world = await completed_pair(
        world_with_owner, emulator, "Наставничество 2026", "Куратор Ольга",
        (5932, "Орлов Борис Ильич"), (5933, "Петрова Катя"))
    mentor.mark_read()
    curator = emulator.user(CURATOR, first_name="Ольга", language_code="ru")
    printed = await printed_letter(live, curator, programme_id, "ru", "📨 Отправить 1 письмо")
    assert "Администрация Лицея «Вектор» выражает искреннюю благодарность наставнику" in printed
    assert "Лицей «Вектор»" in printed  # the heading keeps the name as it is

    await world.deliver()
    (letter,) = await mentor.wait_messages(1)
    assert "Администрация Лицея «Вектор» выражает" in pdf_text(letter.document.content)


async def test_an_english_letter_uses_the_name_as_it_is(world_with_owner, emulator):
    """The curator works in English: the letters are in English, the name as it is."""
    live, _clock = world_with_owner
    owner = emulator.user(OWNER, first_name="Владелец", language_code="ru")
    await create_organisation(live, owner, "Лицей «Вектор»")
    assert await stored(live) == {"Лицей «Вектор»": "Лицея «Вектор»"}

    programme_id, _mentor, _world = await completed_pair(
        world_with_owner, emulator, "Mentoring 2026", "Olga", (5942, "Boris Orlov"),
        (5943, "Kate Petrova"))
    curator = emulator.user(CURATOR, first_name="Olga", language_code="en")
    printed = await printed_letter(live, curator, programme_id, "en")
    assert "The administration of Лицей «Вектор» expresses" in printed
