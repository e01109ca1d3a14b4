"""Joining a programme end to end: invite → age → consent (own or a guardian's) → name →
questionnaire → ready; declining; /mydata; /forget; bad input."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from bot.emulator.seed import seed_programme
from bot.emulator.survey_player import answer_survey
from bot.services.notices import outbox
from models import (
    ConsentRecord,
    Invitation,
    Participation,
    SurveyAnswer,
    User,
)
from tests.e2e.helpers import count, dump_conversations, dump_database, holds_number, join_as_adult
from tests.texts import t


async def test_mentor_and_mentee_from_invite_to_ready(live, emulator):
    seeded = await seed_programme(live.app)
    mentor = emulator.user(3001, first_name="Анна", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    assert "Анкета наставника" in mentor.last_message.text
    answered = await answer_survey(mentor, "mentor_profile", live,
                                   texts={"hours_per_month": "6", "max_mentees": "2"})
    assert answered >= 8
    await live.handled()
    assert "Вы в базе программы" in mentor.last_message.text

    mentee = emulator.user(3002, first_name="Борис", language_code="ru")
    await join_as_adult(mentee, seeded.mentee_token, live, name="Петров Борис")
    await answer_survey(mentee, "mentee_profile", live)

    await live.handled()
    async with live.app.sessionmaker() as session:
        rows = (await session.execute(select(Participation.role, Participation.state,
                                             Participation.full_name))).all()
    assert sorted(rows) == [("mentee", "ready", "Петров Борис"),
                            ("mentor", "ready", "Смирнова Анна Петровна")]
    assert await count(live, ConsentRecord, ConsentRecord.decision == "accepted") == 2

    await mentor.send("/start")
    (overview,) = await mentor.wait_messages(1)
    assert "Наставничество 2026" in overview.text and t("state.ready") in overview.text


async def test_a_class_joining_by_one_link_at_once_all_get_in_and_are_counted(live, emulator):
    seeded = await seed_programme(live.app)
    pupils = [emulator.user(3100 + n, first_name=f"Ученик {n}", language_code="ru")
              for n in range(15)]
    await asyncio.gather(*(join_as_adult(pupil, seeded.mentee_token, live, name=f"Ученик {n}")
                           for n, pupil in enumerate(pupils)))
    await live.handled()
    assert await count(live, Participation, Participation.role == "mentee") == 15
    async with live.app.sessionmaker() as session:
        uses = await session.scalar(select(Invitation.uses)
                                    .where(Invitation.token == seeded.mentee_token))
    assert uses == 15  # every join counted once, none lost to another one at the same moment


async def test_programme_with_several_forms_asks_the_form(live, emulator):
    seeded = await seed_programme(live.app, forms=["teacher_teacher", "custom:наставник – <новичок>"])
    mentor = emulator.user(3003, first_name="Вера", language_code="ru")
    await join_as_adult(mentor, seeded.mentor_token, live)
    assert mentor.last_message.text == t("onboarding.ask_form")
    assert mentor.last_message.buttons == [t("form.teacher_teacher"), "наставник – <новичок>"]
    await mentor.press("наставник – <новичок>")
    await live.handled()
    await live.handled()
    async with live.app.sessionmaker() as session:
        form = await session.scalar(select(Participation.form))
    assert form == "custom:наставник – <новичок>"


async def test_declining_consent_stores_nothing_personal(live, emulator):
    seeded = await seed_programme(live.app)
    user = emulator.user(3010, first_name="Зинаида", last_name="Уникальнова", language_code="ru")
    await user.send(f"/start {seeded.mentee_token}")
    await user.wait_messages(2)
    await user.press(t("age_group.18_plus"))
    await user.wait_messages(1)
    await user.press(t("consent.decline"))
    (declined,) = await user.wait_messages(1)
    assert "ничего не сохранил" in declined.text
    assert t("consent.reconsider") in declined.buttons

    # The update journal holds each raw update (names included) only while it is handled:
    # it must be gone within moments, and then nothing of the person is left anywhere.
    await live.journal_cleared(limit=5)
    assert await count(live, Participation) == 0
    assert await count(live, ConsentRecord) == 0
    assert await count(live, SurveyAnswer) == 0
    dump = await dump_database(live)
    assert "Зинаида" not in dump and "Уникальнова" not in dump
    assert "18_plus" not in dump  # not even the age group survives a decline

    # Reconsidering starts again from the age question.
    await user.press(t("consent.reconsider"))
    await user.wait_messages(2)
    assert t("onboarding.age_group") in user.last_message.text


async def guardian_link_of(child, live) -> str:
    _, link_message = await child.wait_messages(2)
    match = re.search(r"\?start=([A-Za-z0-9_-]+)", link_message.text)
    assert match, link_message.text
    # The link goes out before the update's commit (the guardian's invitation): a parent
    # opens it seconds later at the earliest, the test at once unless it waits.
    await live.handled()
    return match.group(1)


async def test_minor_waits_for_guardian_who_accepts(live, emulator):
    seeded = await seed_programme(live.app)
    child = emulator.user(3020, first_name="Миша", language_code="ru")
    parent = emulator.user(3021, first_name="Елена", language_code="ru")
    await child.send(f"/start {seeded.mentee_token}")
    await child.wait_messages(2)
    await child.press(t("age_group.14_17"))
    token = await guardian_link_of(child, live)

    await live.handled()
    async with live.app.sessionmaker() as session:
        pending = await session.scalar(select(Participation))
    assert (pending.state, pending.age_group, pending.full_name) == ("guardian_pending", "14_17", None)

    # The child cannot consent by opening the guardian link themselves.
    await child.send(f"/start {token}")
    (refusal,) = await child.wait_messages(1)
    assert "переслать родителю" in refusal.text

    await parent.send(f"/start {token}")
    intro, consent = await parent.wait_messages(2)
    assert "законного представителя" in intro.text
    await parent.press(t("guardian.accept"))
    (thanks,) = await parent.wait_messages(1)
    assert "согласие записано" in thanks.text
    (news,) = await child.wait_messages(1)
    assert "родитель дал согласие" in news.text
    await child.press(t("onboarding.start_profile"))
    await child.wait_messages(1)
    await child.send("Иванов Миша")
    await answer_survey(child, "mentee_profile", live)

    await live.handled()
    async with live.app.sessionmaker() as session:
        participation = await session.scalar(select(Participation))
        parent_user = await session.scalar(select(User).where(User.telegram_id == 3021))
        record = await session.scalar(select(ConsentRecord))
    assert participation.state == "ready"
    assert participation.guardian_user_id == parent_user.id
    assert (record.subject, record.decision, record.decided_by_user_id) == (
        "guardian", "accepted", parent_user.id)

    # The link works once.
    other = emulator.user(3022, first_name="Кто-то", language_code="ru")
    await other.send(f"/start {token}")
    (used,) = await other.wait_messages(1)
    assert "максимальное число" in used.text


async def test_minor_whose_guardian_declines_is_not_kept(live, emulator):
    seeded = await seed_programme(live.app)
    child = emulator.user(3030, first_name="Оля", language_code="ru")
    parent = emulator.user(3031, first_name="Нина", language_code="ru")
    await child.send(f"/start {seeded.mentor_token}")
    await child.wait_messages(2)
    await child.press(t("age_group.under_14"))
    token = await guardian_link_of(child, live)
    await parent.send(f"/start {token}")
    await parent.wait_messages(2)
    await parent.press(t("guardian.decline"))
    (recorded,) = await parent.wait_messages(1)
    assert "не будет участвовать" in recorded.text
    (news,) = await child.wait_messages(1)
    assert "не дал согласия" in news.text
    await live.handled()
    async with live.app.sessionmaker() as session:
        participation = await session.scalar(select(Participation))
    assert participation.state == "withdrawn"
    assert participation.full_name is None
    await child.send("/start")
    (overview,) = await child.wait_messages(1)
    assert overview.text.startswith("Здравствуйте")  # no programme listed any more


async def test_mydata_then_forget_erases_the_person(live, emulator):
    seeded = await seed_programme(live.app)
    user = emulator.user(3040, first_name="Гертруда", language_code="ru")
    await join_as_adult(user, seeded.mentee_token, live, name="Гертрудова Гертруда")
    await answer_survey(user, "mentee_profile", live,
                        texts={"grade_or_position": "Учитель физики, 2 года", "anything_else": "Секретик"})

    await user.send("/mydata")
    (export,) = await user.wait_messages(1)
    assert export.document is not None
    data = json.loads(export.document.content.decode("utf-8"))
    (participation,) = data["participations"]
    assert participation["full_name"] == "Гертрудова Гертруда"
    answers = {a["answer"] for q in participation["questionnaires"] for a in q["answers"]}
    assert "Учитель физики, 2 года" in answers
    # What else may name the person when they leave: a reminder waiting in the outbox and a
    # draft kept in the conversation state (in a table, or in Redis).
    async with live.app.sessionmaker() as session, session.begin():
        person = await session.scalar(select(User).where(User.telegram_id == 3040))
        await outbox.enqueue(session, about=outbox.NOBODY, chat_id=3040, user_id=person.id, kind="reminder",
                             dedupe_key="forget-test", text="Гертрудова, встреча завтра",
                             due_at=datetime.now(UTC) + timedelta(days=1))
    # In a group chat: the /forget conversation itself is cleared anyway.
    key = StorageKey(bot_id=live.bot.id, chat_id=-100304, user_id=3040)
    await live.app.dispatcher.storage.set_data(key, {"draft": "Секретик в черновике"})
    assert "Секретик в черновике" in await dump_database(live) + await dump_conversations(live)

    await user.send("/forget")
    await user.wait_messages(1)
    await user.press(t("forget.confirm"))
    await live.handled()
    assert "данные удалены" in user.last_message.text

    # The update journal holds the raw update (the Telegram id in it) only while it is handled:
    # it must be gone within moments (as in the declining test), then nothing of the person is.
    await live.journal_cleared(limit=5)
    dump = await dump_database(live) + await dump_conversations(live)
    for secret in ("Гертрудова", "Учитель физики", "Секретик"):
        assert secret not in dump
    assert not holds_number(dump, 3040)  # not even the Telegram id
    await live.handled()
    async with live.app.sessionmaker() as session:
        anonymous = await session.scalar(select(Participation))
    assert (anonymous.state, anonymous.user_id, anonymous.role) == ("withdrawn", None, "mentee")
    assert await count(live, ConsentRecord, ConsentRecord.decision == "withdrawn") == 1


async def test_bad_answers_get_a_reprompt_and_change_nothing(live, emulator):
    seeded = await seed_programme(live.app)
    user = emulator.user(3050, first_name="Дмитрий", language_code="ru")
    await user.send(f"/start {seeded.mentor_token}")
    await user.wait_messages(2)
    await user.send("мне 30")  # text where a button is expected
    (hint,) = await user.wait_messages(1)
    assert "кнопками" in hint.text
    await user.press(t("age_group.18_plus"))
    await user.wait_messages(1)
    await user.press(t("consent.accept"))
    await user.wait_messages(2)
    await user.send_photo(b"\x89PNG fake")  # a photo instead of the name
    (again,) = await user.wait_messages(1)
    assert "Как вас зовут" in again.text
    await user.send("12345")
    (bad_name,) = await user.wait_messages(1)
    assert "буквами" in bad_name.text
    await user.send("Дмитриев Дмитрий")
    (first_question,) = await user.wait_messages(1)
    assert "Вопрос 1 из" in first_question.text

    before = await count(live, SurveyAnswer)
    await user.send("x" * 201)  # over the 200-character limit of the first question
    (too_long,) = await user.wait_messages(1)
    assert "слишком длинный" in too_long.text
    await user.send_sticker()
    (sticker,) = await user.wait_messages(1)
    assert "ответ текстом" in sticker.text
    assert await count(live, SurveyAnswer) == before

    await user.send("Учитель")
    (second,) = await user.wait_messages(1)
    assert "Вопрос 2 из" in second.text
    await user.send("что-то")  # text where the buttons of a choice question are expected
    (choose,) = await user.wait_messages(1)
    assert "кнопками" in choose.text
    assert await count(live, SurveyAnswer) == before + 1


async def test_unknown_or_stale_invitations_are_refused_without_details(live, emulator):
    user = emulator.user(3060, first_name="Яна", language_code="ru")
    await user.send("/start AAAAAAAAAAAAAAAAAAAAAAAA")
    (reply,) = await user.wait_messages(1)
    assert reply.text == t("invite.invalid")
    await user.press_data("sv:999:position:o:1")  # a forged survey button
    await live.handled()
    assert user.callback_answers[-1].text == t("access.denied")


async def test_guardian_withdrawal_ends_the_childs_participation_and_tells_everyone(live, emulator):
    from bot.services.people import users
    from bot.services.programmes import programmes

    seeded = await seed_programme(live.app)
    curator = emulator.user(3070, first_name="Куратор", language_code="ru")
    await curator.send("/start")
    await curator.wait_messages(1)
    await live.handled()  # the reply goes out before the update's commit (its user row)
    async with live.app.sessionmaker() as session, session.begin():
        account = await users.get_or_create(session, 3070)
        await programmes.add_curator(session, seeded.organisation_id, account.id, "Кураторова К.К.")

    child = emulator.user(3071, first_name="Петя", language_code="ru")
    parent = emulator.user(3072, first_name="Мама", language_code="ru")
    await child.send(f"/start {seeded.mentee_token}")
    await child.wait_messages(2)
    await child.press(t("age_group.14_17"))
    token = await guardian_link_of(child, live)
    await parent.send(f"/start {token}")
    await parent.wait_messages(2)
    await parent.press(t("guardian.accept"))
    await parent.wait_messages(1)
    await child.wait_messages(1)
    await child.press(t("onboarding.start_profile"))
    await child.wait_messages(1)
    await child.send("Петров Пётр")
    await child.wait_messages(1)  # the first question of the questionnaire

    await parent.send("/forget")
    await parent.wait_messages(1)
    await parent.press(t("forget.confirm"))
    (news,) = await child.wait_messages(1, timeout=15)
    assert "отозвал согласие на ваше участие" in news.text
    (notice,) = await curator.wait_messages(1, timeout=15)
    assert t("role.mentee") in notice.text and "отозвал согласие" in notice.text
    assert "Петров" not in notice.text

    dump = await dump_database(live)
    assert "Петров Пётр" not in dump and not holds_number(dump, 3072)
    await live.handled()
    async with live.app.sessionmaker() as session:
        participation = await session.scalar(select(Participation))
    assert participation.state == "withdrawn" and participation.full_name is None


async def test_the_link_opened_again_mid_questionnaire_leads_back_to_the_question(live, emulator):
    """A person who lost the question (a failed reply, a new phone) opens the invitation link
    again: they are told they already take part and get the way back to where they were."""
    seeded = await seed_programme(live.app)
    user = emulator.user(3095, first_name="Анна", language_code="ru")
    await join_as_adult(user, seeded.mentor_token, live)
    await user.send("Учитель истории")
    await live.handled()
    assert "Вопрос 2 из" in user.last_message.text

    await user.send(f"/start {seeded.mentor_token}")
    await live.handled()
    assert "Вы уже участвуете" in user.last_message.text
    assert user.last_message.buttons == [t("onboarding.start_profile")]
    await user.press(t("onboarding.start_profile"))
    await live.handled()
    assert "Вопрос 2 из" in user.last_message.text
    assert await count(live, SurveyAnswer) == 1


async def test_a_button_of_another_question_brings_the_message_back_to_the_current_one(
        live, emulator):
    """The message shows question 3 while the bot is at question 2 (here: the answer to 2 taken
    away, as when the update that sent question 3 failed and rolled back): pressing an answer
    of question 3 stores nothing and turns the message back into question 2."""
    seeded = await seed_programme(live.app)
    user = emulator.user(3096, first_name="Анна", language_code="ru")
    await join_as_adult(user, seeded.mentor_token, live)
    await user.send("Учитель истории")
    await live.handled()
    question = user.last_message
    assert "Вопрос 2 из" in question.text
    await user.press(question.buttons[0])
    await live.handled()
    assert "Вопрос 3 из" in question.text and user.messages[-1] is question
    async with live.app.sessionmaker() as session, session.begin():
        second = (await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id))).all()[1]
        await session.delete(second)

    before = len(user.callback_answers)
    await user.press(question.buttons[0])
    await live.handled()
    assert user.callback_answers[before:] and "уже не актуален" in str(user.callback_answers[-1])
    assert "Вопрос 2 из" in question.text and user.messages[-1] is question
    assert await count(live, SurveyAnswer) == 1  # question 1 only
    await user.press(question.buttons[0])
    await live.handled()
    assert "Вопрос 3 из" in question.text and await count(live, SurveyAnswer) == 2
