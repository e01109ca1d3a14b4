"""The real polling loop over HTTP against the emulator: languages, menu, flows."""

from __future__ import annotations

from sqlalchemy import select

from models import User
from tests.texts import t


async def test_start_answers_in_russian_or_english_by_telegram_language(live, emulator):
    anna = emulator.user(1001, first_name="Анна", language_code="ru")
    john = emulator.user(1002, first_name="John", language_code="en")
    await anna.send("/start")
    await john.send("/start")
    (ru,) = await anna.wait_messages(1)
    (en,) = await john.wait_messages(1)
    assert ru.text.startswith("Здравствуйте")
    assert en.text.startswith("Hello")


async def test_language_switch_is_stored_and_used_from_then_on(live, emulator):
    john = emulator.user(1003, first_name="John", language_code="en")
    await john.send("/language")
    (menu,) = await john.wait_messages(1)
    assert t("language.name") in menu.buttons and "English" in menu.buttons
    await john.press(t("language.name"))
    await live.handled()
    assert john.last_message.text.startswith("Готово")
    await john.send("/start")
    (reply,) = await john.wait_messages(1)
    assert reply.text.startswith("Здравствуйте")
    async with live.app.sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 1003))
    assert user.locale == "ru"


async def test_command_menu_is_published_in_both_languages(live, emulator):
    await live.handled()
    menus = emulator.commands
    ru = {c["command"]: c["description"] for c in menus[("default", "ru")]}
    en = {c["command"]: c["description"] for c in menus[("default", "en")]}
    assert ru["language"] == t("commands.language")
    assert en["language"] == "Change language"
    assert set(ru) == set(en) >= {"start", "help", "cancel", "language", "mydata", "forget"}
    assert "newprogramme" not in ru  # curator commands only in curators' chats


async def test_cancel_leaves_a_flow_from_any_state(live, emulator):
    user = emulator.user(1004, first_name="Пётр", language_code="ru")
    await user.send("/timezone")
    await user.wait_messages(1)
    await user.send("/cancel")
    (cancelled,) = await user.wait_messages(1)
    assert cancelled.text == t("cancel.done")
    # The flow is left: a zone typed now is not taken as an answer.
    await user.send("+5")
    (reply,) = await user.wait_messages(1)
    assert "не понял" in reply.text.lower()
    await user.send("/cancel")
    (nothing,) = await user.wait_messages(1)
    assert nothing.text == t("cancel.nothing")


async def test_timezone_typed_or_picked(live, emulator):
    user = emulator.user(1005, first_name="Ольга", language_code="ru")
    await user.send("/timezone")
    await user.wait_messages(1)
    await user.send("Марс")
    (bad,) = await user.wait_messages(1)
    assert "Не понял часовой пояс «Марс»" in bad.text
    await user.send("+5")
    (ok,) = await user.wait_messages(1)
    assert "Asia/Yekaterinburg" in ok.text
    await user.send("/timezone")
    await user.wait_messages(1)
    await user.press("Владивосток UTC+10")
    await live.handled()
    assert "Asia/Vladivostok" in user.last_message.text


async def test_user_names_with_html_are_escaped(live, emulator):
    user = emulator.user(1006, first_name="<b>", language_code="en")
    await user.send("/timezone")
    await user.wait_messages(1)
    await user.send("<script>&")
    (reply,) = await user.wait_messages(1)
    assert "&lt;script&gt;&amp;" in reply.raw["text"] or "<script>&" in reply.text


async def test_help_shows_curator_commands_only_to_curators(live, emulator):
    from bot.emulator.seed import seed_programme
    from bot.services.people import users
    from bot.services.programmes import programmes

    seeded = await seed_programme(live.app)
    async with live.app.sessionmaker() as session, session.begin():
        account = await users.get_or_create(session, 1008)
        await programmes.add_curator(session, seeded.organisation_id, account.id, "Куратор")
    curator = emulator.user(1008, first_name="Куратор", language_code="ru")
    mentee = emulator.user(1009, first_name="Ученик", language_code="ru")
    await curator.send("/help")
    await mentee.send("/help")
    (for_curator,) = await curator.wait_messages(1)
    (for_mentee,) = await mentee.wait_messages(1)
    assert "/meeting" in for_mentee.text and "/match" not in for_mentee.text
    assert "/match" in for_curator.text and "/report" in for_curator.text
