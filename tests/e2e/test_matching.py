"""Matching over the real polling loop: participants onboard through the bot, the curator runs
/match, sees the reasons, swaps a mentor, approves; pairs exist, introductions arrive through
the outbox; forged buttons and non-curators are refused. Then the individual plan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from bot.callbacks.matching import MatchCallback, PairCallback, PlanCallback
from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from bot.services.pairs import plans
from bot.services.people import users
from bot.services.programmes import programmes
from models import (
    MatchDraft,
    Pair,
    Participation,
    PlanGoal,
    SurveyAnswer,
    SurveyResponse,
)
from tests.e2e.helpers import eventually, join_as_adult, press, press_data
from tests.texts import button as label
from tests.texts import t

DENIED = t("access.denied")
CURATOR_ONLY = t("access.curator_only")
CURATOR = 4000


def keyboard_of(message) -> list[list[str]]:
    return [[b["text"] for b in row] for row in (message.reply_markup or {}).get("keyboard", [])]


async def add_curator(live, organisation_id: int, telegram_id: int) -> None:
    async with live.app.sessionmaker() as session:
        user = await users.get_or_create(session, telegram_id)
        await programmes.add_curator(session, organisation_id, user.id, "Куратор")
        await session.commit()


async def set_answer(live, name: str, question: str, value) -> None:
    """Steer one stored answer where the questionnaire itself is not the point."""
    async with live.app.sessionmaker() as session:
        pid = await session.scalar(select(Participation.id).where(Participation.full_name == name))
        response_id = await session.scalar(select(SurveyResponse.id).where(
            SurveyResponse.participation_id == pid))
        await session.execute(update(SurveyAnswer).where(
            SurveyAnswer.response_id == response_id, SurveyAnswer.question_id == question)
            .values(value=value))
        await session.commit()


async def ids_by_name(live) -> dict[str, int]:
    async with live.app.sessionmaker() as session:
        return dict((await session.execute(
            select(Participation.full_name, Participation.id))).all())


async def foreign_programme(live) -> dict[str, int]:
    """Another organisation's programme with a ready mentor and a pair the curator must not
    touch."""
    other = await seed_programme(live.app, organisation="Чужая школа", title="Чужая программа",
                                 forms=["teacher_student"])
    async with live.app.sessionmaker() as session:
        people = {}
        for role, name, state in (("mentor", "Чужой Наставник", "ready"),
                                  ("mentor", "Чужой Второй", "paired"),
                                  ("mentee", "Чужой Ученик", "paired")):
            p = Participation(programme_id=other.programme_id, role=role, state=state,
                              age_group="18_plus", form="teacher_student", full_name=name)
            session.add(p)
            await session.flush()
            people[name] = p.id
        pair = Pair(programme_id=other.programme_id, mentor_id=people["Чужой Второй"],
                    mentee_id=people["Чужой Ученик"], form="teacher_student")
        session.add(pair)
        await session.commit()
        return {"mentor": people["Чужой Наставник"], "mentee": people["Чужой Ученик"],
                "pair": pair.id}


async def test_curator_matches_swaps_confirms_and_everyone_is_introduced(live, emulator):
    seeded = await seed_programme(live.app, forms=["teacher_student"])
    await add_curator(live, seeded.organisation_id, CURATOR)
    people = {}
    for telegram_id, name in ((4101, "Смирнова Анна"), (4102, "Орлов Борис")):
        user = emulator.user(telegram_id, first_name=name.split()[1], language_code="ru")
        await join_as_adult(user, seeded.mentor_token, live, name=name)
        await answer_survey(user, "mentor_profile", live, texts={"max_mentees": "3"})
        people[name] = user
    for telegram_id, name in ((4201, "Иванов Миша"), (4202, "Петрова Катя"),
                              (4203, "Сидоров Коля")):
        user = emulator.user(telegram_id, first_name=name.split()[1], language_code="ru")
        await join_as_adult(user, seeded.mentee_token, live, name=name)
        await answer_survey(user, "mentee_profile", live)
        people[name] = user
    # Борис teaches methods and projects; Миша asks exactly that.
    await set_answer(live, "Орлов Борис", "competencies", ["teaching_methods", "project_work"])
    await set_answer(live, "Иванов Миша", "requests", ["project_work", "teaching_methods"])
    for user in people.values():
        user.mark_read()
    foreign = await foreign_programme(live)
    ids = await ids_by_name(live)

    # A mentee cannot run the curator's matching.
    mentee = people["Иванов Миша"]
    await mentee.send("/match")
    (reply,) = await mentee.wait_messages(1)
    assert reply.text == CURATOR_ONLY

    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await curator.send("/match")
    (draft,) = await curator.wait_messages(1)
    assert t("commands.match") in draft.text and "Предложено пар: 3" in draft.text
    assert ("Орлов Борис ↔ Иванов Миша" in draft.text
            and "запросы ↔ компетенции: Проектная деятельность, Методика преподавания"
            in draft.text), draft.text
    assert t("match.btn.approve") in draft.buttons

    await live.handled()  # the draft is committed after the reply was sent
    async with live.app.sessionmaker() as session:
        draft_id = await session.scalar(select(MatchDraft.id))
    assert draft_id is not None

    # A forged swap naming another programme's mentor is refused and changes nothing.
    answer = await press_data(live, curator, MatchCallback(
        action="swto", draft_id=draft_id, mentee_id=ids["Иванов Миша"],
        mentor_id=foreign["mentor"]).pack(), draft.message_id)
    assert answer.text == DENIED and answer.show_alert
    # A forged draft id changes nothing; a draft that is no more (approved, recomputed, never
    # was) says so, without telling whose it might be.
    answer = await press_data(live, curator, MatchCallback(
        action="yes", draft_id=draft_id + 99).pack(), draft.message_id)
    assert answer.text == t("match.gone")

    # Swap Миша's mentor: the list ranks the remaining eligible mentor with a score.
    line = next(n for n, text in enumerate(draft.text.splitlines()) if "↔ Иванов Миша" in text)
    number = draft.text.splitlines()[line].split(".")[0]
    await press(live, curator, f"🔄 {number}")
    (choices,) = await curator.wait_messages(1)
    assert "Иванов Миша" in choices.text
    option = next((b for b in choices.buttons if b.startswith("Смирнова Анна · ")), choices)
    await press(live, curator, option)
    shown = curator.last_message  # the list of mentors turns into the updated draft
    assert "Смирнова Анна ↔ Иванов Миша" in shown.text and t("match.mark.manual") in shown.text

    await press(live, curator, t("match.btn.approve"))
    (ask,) = await curator.wait_messages(1)
    assert "Утвердить 3 пары" in ask.text
    await press(live, curator, t("match.btn.yes"))
    assert "создано 3 пары" in curator.last_message.text

    async def three_pairs(session):
        return await session.scalar(select(func.count()).select_from(Pair).where(
            Pair.programme_id == seeded.programme_id)) == 3

    await eventually(live, three_pairs)
    async with live.app.sessionmaker() as session:
        pairs = (await session.execute(select(Pair.mentor_id, Pair.mentee_id, Pair.state)
                                       .where(Pair.programme_id == seeded.programme_id))).all()
        states = dict((await session.execute(select(Participation.full_name,
                                                    Participation.state))).all())
        drafts = await session.scalar(select(func.count()).select_from(MatchDraft))
    assert (ids["Смирнова Анна"], ids["Иванов Миша"], "active") in pairs
    assert len(pairs) == 3 and drafts == 0
    in_pairs = {name for name, pid in ids.items() for m, e, _ in pairs if pid in (m, e)}
    assert {"Иванов Миша", "Петрова Катя", "Сидоров Коля", "Смирнова Анна"} <= in_pairs
    assert all(states[name] == ("paired" if name in in_pairs else "ready") for name in people)

    # Introductions come through the outbox sender.
    (intro,) = await mentee.wait_messages(1, timeout=15)
    assert "Ваш наставник: Смирнова Анна" in intro.text and t("meetings.kind.intro") in intro.text
    assert "@" not in intro.text
    # The introduction sets the reply keyboard, and says what its buttons do.
    assert keyboard_of(intro) == [[label("meetings.button.help_me")],
                                  [label("channel.button.write_mentor")]]
    assert "«✉️ Написать наставнику»" in intro.text
    anna = people["Смирнова Анна"]
    (group_intro,) = await anna.wait_messages(1, timeout=15)
    assert keyboard_of(group_intro) == [[label("meetings.button.log")],
                                        [label("channel.button.write_mentee")]]
    assert "«📝 Отметить встречу»" in group_intro.text
    # The mentor logs a meeting from that keyboard at once, without /start.
    await anna.send(label("meetings.button.log"))
    (logging_reply,) = await anna.wait_messages(1)
    assert logging_reply.text != t("fallback.unknown") and t("meetings.no_pairs") \
        not in logging_reply.text
    await live.handled()
    mentees_of_anna = [name for (m, e, _) in pairs for name, pid in ids.items()
                       if m == ids["Смирнова Анна"] and pid == e]
    for name in mentees_of_anna:
        assert name in group_intro.text
    for name in in_pairs - {"Иванов Миша", "Смирнова Анна"}:
        (message,) = await people[name].wait_messages(1, timeout=15)
        assert t("meetings.kind.intro") in message.text
    if "Орлов Борис" not in in_pairs:  # a mentor left without mentees hears nothing
        await live.handled()
        assert "Вы в базе программы" in people["Орлов Борис"].messages[-1].text

    # A forged pair button naming another programme's pair is refused and changes nothing.
    answer = await press_data(live, curator, PairCallback(action="pause",
                                                          pair_id=foreign["pair"]).pack())
    assert answer.text == DENIED
    async with live.app.sessionmaker() as session:
        assert (await session.get(Pair, foreign["pair"])).state == "active"

    # The pair's life: ending early returns the mentee to "ready".
    await curator.send("/pairs")
    (listing,) = await curator.wait_messages(1)
    button = next(b for b in listing.buttons if "↔ Иванов Миша" in b)
    await press(live, curator, button)
    (card,) = await curator.wait_messages(1)
    assert "Состояние: работает" in card.text
    await press(live, curator, t("pair.btn.end"))
    await curator.wait_messages(1)
    await curator.send("Наставляемый перешёл в другую школу")
    (question,) = await curator.wait_messages(1)  # the end is confirmed first
    assert "досрочно?" in question.text and "Наставляемый перешёл в другую школу" in question.text
    await press(live, curator, t("pair.end_yes"))
    (card,) = await curator.wait_messages(1)
    assert t("pair.state.ended_early") in card.text
    await live.handled()

    async def mentee_state(session):
        return (await session.get(Participation, ids["Иванов Миша"])).state == "ready"

    await eventually(live, mentee_state)


async def _pair_with_people(live, emulator):
    seeded = await seed_programme(live.app, forms=["teacher_student"])
    await add_curator(live, seeded.organisation_id, CURATOR)
    async with live.app.sessionmaker() as session:
        made = {}
        for telegram_id, role, name in ((4301, "mentor", "Смирнова Анна"),
                                        (4302, "mentee", "Иванов Миша"),
                                        (4303, "mentee", "Третий Лишний")):
            user = await users.get_or_create(session, telegram_id)
            p = Participation(programme_id=seeded.programme_id, user_id=user.id, role=role,
                              state="paired", age_group="18_plus", form="teacher_student",
                              full_name=name)
            session.add(p)
            await session.flush()
            made[role if role == "mentor" or "Миша" in name else "third"] = p.id
        pair = Pair(programme_id=seeded.programme_id, mentor_id=made["mentor"],
                    mentee_id=made["mentee"], form="teacher_student")
        session.add(pair)
        await session.commit()
    return pair.id


async def test_plan_goals_by_mentor_and_mentee_curator_reads_limits_and_strangers(live, emulator):
    pair_id = await _pair_with_people(live, emulator)
    mentor = emulator.user(4301, first_name="Анна", language_code="ru")
    mentee = emulator.user(4302, first_name="Миша", language_code="ru")
    third = emulator.user(4303, first_name="Третий", language_code="ru")
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")

    await mentor.send("/plan")
    (plan,) = await mentor.wait_messages(1)
    assert "Индивидуальный план: Смирнова Анна ↔ Иванов Миша" in plan.text
    await press(live, mentor, t("plan.btn.add"))
    await mentor.wait_messages(1)
    await mentor.send("Подготовить проект к конференции")
    (ask_date,) = await mentor.wait_messages(1)
    await mentor.send("31.02.2026")  # no such day
    (again,) = await mentor.wait_messages(1)
    assert "Не понял дату" in again.text
    await mentor.send("15.12.2026")
    added, plan = await mentor.wait_messages(2)
    assert "1. ⚪️ Подготовить проект к конференции — 15.12.2026" in plan.text
    await press(live, mentor, t("plan.btn.add"))
    await mentor.wait_messages(1)
    await mentor.send("Выступить на классном часе")
    await mentor.wait_messages(1)
    await press(live, mentor, t("plan.btn.no_date"))
    assert mentor.callback_answers[-1].text == t("plan.added")
    (plan,) = await mentor.wait_messages(1)
    assert "2. ⚪️ Выступить на классном часе — без срока" in plan.text

    await mentee.send("/plan")
    (plan,) = await mentee.wait_messages(1)
    await press(live, mentee, "1. ⚪️ Подготовить проект к конференции")
    await mentee.wait_messages(1)
    await press(live, mentee, t("plan.btn.in_progress"))
    await mentee.wait_messages(1)
    await press(live, mentee, t("plan.btn.comment"))
    await mentee.wait_messages(1)
    await mentee.send("Тема выбрана, пишу введение")
    saved, card = await mentee.wait_messages(2)
    assert "🟡" in card.text and "Тема выбрана, пишу введение" in card.text

    # The curator reads the plan from the pair card; no buttons to change it.
    await curator.send("/pairs")
    await curator.wait_messages(1)
    await press(live, curator, "1. Смирнова Анна ↔ Иванов Миша")
    await curator.wait_messages(1)
    await press(live, curator, t("pair.btn.plan"))
    (read_only,) = await curator.wait_messages(1)
    assert "1. 🟡 Подготовить проект к конференции" in read_only.text
    assert "Тема выбрана, пишу введение" in read_only.text and "Только просмотр" in read_only.text
    assert read_only.buttons == []

    # Ten goals at most: the eleventh is refused clearly.
    async with live.app.sessionmaker() as session:
        pair = await session.get(Pair, pair_id)
        for n in range(8):
            await plans.add_goal(session, pair, f"Цель {n + 3}", date(2027, 1, n + 1))
        await session.commit()
    await mentor.send("/plan")
    await mentor.wait_messages(1)
    answer = await press_data(live, mentor, PlanCallback(action="add", pair_id=pair_id).pack())
    assert answer.show_alert and "уже 10 целей" in answer.text
    async with live.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(PlanGoal)) == 10

    # A third person can neither open nor change the pair's plan.
    await third.send("/plan")
    (none,) = await third.wait_messages(1)
    assert "нет наставнической пары" in none.text
    answer = await press_data(live, third, PlanCallback(action="show", pair_id=pair_id).pack())
    assert answer.text == DENIED
    async with live.app.sessionmaker() as session:
        goal_id = await session.scalar(select(PlanGoal.id).order_by(PlanGoal.id).limit(1))
    answer = await press_data(live, third, PlanCallback(action="del", pair_id=pair_id,
                                                        goal_id=goal_id).pack())
    assert answer.text == DENIED
    async with live.app.sessionmaker() as session:
        assert await session.get(PlanGoal, goal_id) is not None
