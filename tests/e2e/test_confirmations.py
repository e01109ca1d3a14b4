"""Irreversible actions ask first (issue #19, item 2), through the live bot: completing the
programme, completing a pair, ending a pair early, revoking a link, deleting a material or a
goal of a pair's plan (approving pairs: tests/e2e/test_programme_states.py). The
question says what will happen with the numbers; «cancel» changes nothing; «yes» pressed twice
does it once and the second press is told so; a forged «yes» (someone else's programme) is
refused and changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.callbacks.curator import LinkCallback, MaterialCallback, ProgrammeCallback
from bot.callbacks.matching import PairCallback, PlanCallback
from bot.services.people import invitations, users
from bot.services.programmes import programmes
from models import Invitation, Material, OutboxMessage, Pair, PairState, PlanGoal, Programme
from tests.e2e.helpers import press, pressed_data
from tests.e2e.world import DENIED, World
from tests.lifecycle.test_lifecycle_e2e import curator_of
from tests.texts import t

INTRUDER = 7790


async def intruder_of(world: World):
    """The curator of another organisation: owns a programme, but not this one."""
    async with world.live.app.sessionmaker() as session, session.begin():
        organisation = await programmes.create_organisation(session, "Чужая школа", "school",
                                                            "Europe/Moscow")
        user = await users.get_or_create(session, INTRUDER)
        await programmes.add_curator(session, organisation.id, user.id, "Чужой Куратор")
    sim = world.emulator.user(INTRUDER, first_name="Чужой", language_code="ru")
    await sim.send("/start")
    await world.live.handled()
    sim.mark_read()
    return sim


async def double_tap(world: World, who, text: str) -> list[str | None]:
    """Press the button twice before the bot handles either (a double tap); the two answers."""
    before = len(who.callback_answers)
    await who.press(text)
    await who.press(text)
    await world.live.handled()
    assert len(who.callback_answers) == before + 2
    return [a.text for a in who.callback_answers[before:]]


async def programme_state(world: World) -> str:
    async with world.live.app.sessionmaker() as session:
        return (await session.get(Programme, world.programme_id)).state


async def pair_states(world: World) -> dict[int, str]:
    async with world.live.app.sessionmaker() as session:
        return dict((await session.execute(select(Pair.id, Pair.state))).all())


async def final_prompts(world: World) -> int:
    async with world.live.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("survey:final_satisfaction%"),
            OutboxMessage.dedupe_key.not_like("%:r%"))))


async def test_completing_the_programme_asks_with_the_numbers_cancel_double_tap_forged(
        world: World):
    curator = await curator_of(world)
    intruder = await intruder_of(world)
    for n in range(3):
        _, mentor = await world.person(7701 + n, "mentor", f"Наставник {n}")
        _, mentee = await world.person(7711 + n, "mentee", f"Ученик {n}")
        await world.pair(mentor, mentee)
    await world.programme(state="running")
    card_data = ProgrammeCallback(action="card", programme_id=world.programme_id).pack()
    await pressed_data(world.live, curator, card_data)
    await curator.wait_messages(1)

    # The question names what will happen, in correct Russian plural forms.
    await press(world.live, curator, t("cur.card.complete"))
    (question,) = await curator.wait_messages(1)
    assert "Завершить программу «Наставничество 2026»?" in question.text
    assert "Завершатся 3 открытые пары." in question.text
    assert "6 участников получат итоговые анкеты" in question.text
    assert "Отменить завершение нельзя" in question.text
    assert question.buttons == [t("cur.complete.yes"), t("confirm.keep")]

    # Cancel: the question says so, and nothing changed.
    await press(world.live, curator, t("confirm.keep"))
    cancelled = next(m for m in curator.messages if m.message_id == question.message_id)
    assert cancelled.text == t("confirm.kept") and not cancelled.buttons
    await world.deliver()
    assert await programme_state(world) == "running"
    assert set((await pair_states(world)).values()) == {PairState.ACTIVE}
    assert await final_prompts(world) == 0

    # A forged «yes» from another organisation's curator, and from a participant: refused.
    yes = ProgrammeCallback(action="doneok", programme_id=world.programme_id).pack()
    assert await pressed_data(world.live, intruder, yes) == DENIED
    assert await programme_state(world) == "running"

    # «Yes» tapped twice: completed once; the second tap is told it already is.
    await pressed_data(world.live, curator, card_data)
    await curator.wait_messages(1)
    await press(world.live, curator, t("cur.card.complete"))
    (question,) = await curator.wait_messages(1)
    answers = await double_tap(world, curator, t("cur.complete.yes"))
    assert answers == [t("cur.card.state_changed", state=t("cur.state.completed")),
                       t("cur.error.already_completed", title="Наставничество 2026")]
    done = next(m for m in curator.messages if m.message_id == question.message_id)
    assert "Программа «Наставничество 2026» завершена" in done.text
    assert "Итоговые анкеты уходят 6 участникам" in done.text
    await world.deliver()
    assert await programme_state(world) == "completed"
    assert set((await pair_states(world)).values()) == {PairState.COMPLETED}
    assert await final_prompts(world) == 6  # one each

    # The old card's button, pressed after the change: a clear answer, no second question.
    curator.mark_read()
    answer = await pressed_data(world.live, curator, ProgrammeCallback(
        action="done", programme_id=world.programme_id).pack())
    assert answer == t("cur.error.already_completed", title="Наставничество 2026")
    await world.live.handled()
    assert not curator.messages[curator._read:]


async def test_completing_and_ending_a_pair_ask_first(world: World):
    curator = await curator_of(world)
    intruder = await intruder_of(world)
    _, m1 = await world.person(7721, "mentor", "Орлова Вера")
    _, e1 = await world.person(7722, "mentee", "Гусев Пётр")
    _, m2 = await world.person(7723, "mentor", "Ким Ольга")
    _, e2 = await world.person(7724, "mentee", "Белова Ира")
    (p1,) = await world.pair(m1, e1)
    (p2,) = await world.pair(m2, e2)
    await world.programme(state="running")

    # Completing: the question names the pair and who gets the surveys; cancel keeps it.
    await pressed_data(world.live, curator, PairCallback(action="card", pair_id=p1).pack())
    await curator.wait_messages(1)
    await press(world.live, curator, t("pair.btn.done"))
    (question,) = await curator.wait_messages(1)
    assert "Завершить пару Орлова Вера ↔ Гусев Пётр?" in question.text
    assert "2 участника получат итоговые анкеты и рефлексию." in question.text
    await press(world.live, curator, t("confirm.keep"))
    assert (await pair_states(world))[p1] == PairState.ACTIVE

    # Forged: another organisation's curator.
    assert await pressed_data(world.live, intruder, PairCallback(
        action="doneok", pair_id=p1).pack()) == DENIED
    assert (await pair_states(world))[p1] == PairState.ACTIVE

    # Double tap: once.
    await press(world.live, curator, t("pair.btn.done"))
    await curator.wait_messages(1)
    answers = await double_tap(world, curator, t("pair.done_yes"))
    assert answers == [t("pair.changed.done"), t("pair.error.ended")]
    assert (await pair_states(world))[p1] == PairState.COMPLETED

    # Ending early: the typed reason is quoted in the question; cancel drops it.
    curator.mark_read()
    await pressed_data(world.live, curator, PairCallback(action="card", pair_id=p2).pack())
    await curator.wait_messages(1)
    await press(world.live, curator, t("pair.btn.end"))
    await curator.wait_messages(1)
    await curator.send("Переезд <b>семьи</b>")
    (question,) = await curator.wait_messages(1)
    assert "Завершить пару Ким Ольга ↔ Белова Ира досрочно?" in question.text
    assert "Причина: «Переезд <b>семьи</b>»" in question.text  # shown as typed, not as HTML
    assert "Наставляемый снова станет доступен для подбора" in question.text
    await press(world.live, curator, t("confirm.keep"))
    assert (await pair_states(world))[p2] == PairState.ACTIVE
    await curator.send("Ещё одна причина")  # the conversation is over: not taken as a reason
    (reply,) = await curator.wait_messages(1)
    assert "досрочно?" not in reply.text
    assert (await pair_states(world))[p2] == PairState.ACTIVE

    # And confirmed, twice: ended once; then the mentee is free again.
    await press(world.live, curator, t("pair.btn.end"))
    await curator.wait_messages(1)
    await curator.send("Переезд семьи")
    await curator.wait_messages(1)
    answers = await double_tap(world, curator, t("pair.end_yes"))
    assert answers == [t("pair.changed.end"), t("pair.error.ended")]
    async with world.live.app.sessionmaker() as session:
        pair = await session.get(Pair, p2)
        assert (pair.state, pair.end_reason) == (PairState.ENDED_EARLY, "Переезд семьи")


async def test_revoking_a_link_and_deleting_a_material_ask_first(world: World):
    curator = await curator_of(world)
    intruder = await intruder_of(world)
    async with world.live.app.sessionmaker() as session, session.begin():
        link = await invitations.create(session, organisation_id=world.organisation_id,
                                        role="mentee", programme_id=world.programme_id)
        material = Material(programme_id=world.programme_id, title="Методичка",
                            url="https://school.example/m")
        session.add(material)
        await session.flush()
        material_id = material.id

    async def revoked() -> bool:
        async with world.live.app.sessionmaker() as session:
            return (await session.get(Invitation, link.id)).revoked_at is not None

    async def material_left() -> bool:
        async with world.live.app.sessionmaker() as session:
            return await session.get(Material, material_id) is not None

    # The link: the question says how many joined by it; cancel keeps it usable.
    await pressed_data(world.live, curator, LinkCallback(
        action="show", programme_id=world.programme_id, role="mentee").pack())
    await curator.wait_messages(2)  # the card and its QR code
    await press(world.live, curator, t("cur.link.revoke"))
    (question,) = await curator.wait_messages(1)
    assert "Отозвать ссылку для наставляемых программы «Наставничество 2026»?" in question.text
    assert "По ней присоединились 0 человек." in question.text
    await press(world.live, curator, t("confirm.keep"))
    assert not await revoked()
    forged = LinkCallback(action="revokeok", programme_id=world.programme_id, role="mentee",
                          invitation_id=link.id).pack()
    assert await pressed_data(world.live, intruder, forged) == DENIED
    assert not await revoked()
    await press(world.live, curator, t("cur.link.revoke"))
    await curator.wait_messages(1)
    answers = await double_tap(world, curator, t("cur.link.revoke_yes"))
    assert answers[1] == t("cur.link.already_revoked")
    assert await revoked()

    # The material: named in the question; cancel keeps it; forged refused; twice, once.
    curator.mark_read()
    await pressed_data(world.live, curator, ProgrammeCallback(
        action="mats", programme_id=world.programme_id).pack())
    await curator.wait_messages(1)
    await press(world.live, curator, "🗑 Методичка")
    (question,) = await curator.wait_messages(1)
    assert "Удалить материал «Методичка»?" in question.text
    await press(world.live, curator, t("confirm.keep"))
    assert await material_left()
    assert await pressed_data(world.live, intruder, MaterialCallback(
        action="delok", programme_id=world.programme_id, material_id=material_id).pack()
    ) == DENIED
    assert await material_left()
    await press(world.live, curator, "🗑 Методичка")
    await curator.wait_messages(1)
    answers = await double_tap(world, curator, t("mat.delete_yes"))
    assert answers == [t("mat.deleted"), t("mat.gone")]
    assert not await material_left()


async def test_deleting_a_plan_goal_asks_first(world: World):
    mentor, mentor_pid = await world.person(7731, "mentor", "Орлова Вера")
    _, mentee_pid = await world.person(7732, "mentee", "Гусев Пётр")
    stranger, _ = await world.person(7733, "mentee", "Чужой Петя")
    (pair_id,) = await world.pair(mentor_pid, mentee_pid)
    async with world.live.app.sessionmaker() as session, session.begin():
        goal = PlanGoal(pair_id=pair_id, position=1, title="Подготовить доклад")
        session.add(goal)
        await session.flush()
        goal_id = goal.id

    async def goal_left() -> bool:
        async with world.live.app.sessionmaker() as session:
            return await session.get(PlanGoal, goal_id) is not None

    async def open_goal() -> None:
        await mentor.send("/plan")
        await mentor.wait_messages(1)
        await press(world.live, mentor, "1. ⚪️ Подготовить доклад")
        await mentor.wait_messages(1)
        await press(world.live, mentor, t("plan.btn.delete"))

    await open_goal()
    assert "Удалить цель «Подготовить доклад» из плана?" in mentor.last_message.text
    await press(world.live, mentor, t("confirm.keep"))
    assert mentor.last_message.text == t("confirm.kept")
    assert await goal_left()
    assert await pressed_data(world.live, stranger, PlanCallback(
        action="delok", pair_id=pair_id, goal_id=goal_id).pack()) == DENIED
    assert await goal_left()
    await open_goal()
    answers = await double_tap(world, mentor, t("plan.delete_yes"))
    assert answers == [t("plan.deleted"), t("plan.goal_gone")]
    assert not await goal_left()
