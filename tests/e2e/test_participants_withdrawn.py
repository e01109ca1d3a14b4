"""/participants names why a withdrawn person has no name (issue 19, item 6): «данные удалены
по запросу» for someone who consented and then sent /forget, «согласие не дано» for a child
whose parent refused — not «(имя после согласия)», which promised a name still to come. The
same in English, and on the participant's card."""

from __future__ import annotations

from sqlalchemy import select

from bot.emulator.seed import seed_programme
from models import Participation
from tests.e2e.helpers import join_as_adult, press
from tests.e2e.test_matching import add_curator
from tests.e2e.test_onboarding import guardian_link_of
from tests.texts import t

CURATOR = 4500


async def test_participants_say_erased_on_request_or_consent_not_given(live, emulator):
    seeded = await seed_programme(live.app)
    await add_curator(live, seeded.organisation_id, CURATOR)
    # An adult joins, then asks for her data to be erased.
    adult = emulator.user(4501, first_name="Гертруда", language_code="ru")
    await join_as_adult(adult, seeded.mentee_token, live, name="Гертрудова Гертруда")
    adult.mark_read()
    await adult.send("/forget")
    await adult.wait_messages(1)
    await press(live, adult, t("forget.confirm"))
    # A child's parent refuses.
    child = emulator.user(4502, first_name="Оля", language_code="ru")
    parent = emulator.user(4503, first_name="Нина", language_code="ru")
    await child.send(f"/start {seeded.mentee_token}")
    await child.wait_messages(2)
    await child.press(t("age_group.under_14"))
    token = await guardian_link_of(child, live)
    await parent.send(f"/start {token}")
    await parent.wait_messages(2)
    await press(live, parent, t("guardian.decline"))
    # A second child still waits for a parent: their name is still to come.
    waiting = emulator.user(4504, first_name="Петя", language_code="ru")
    await waiting.send(f"/start {seeded.mentee_token}")
    await waiting.wait_messages(2)
    await waiting.press(t("age_group.under_14"))
    await guardian_link_of(waiting, live)
    async with live.app.sessionmaker() as session:
        erased, declined, pending = (await session.scalars(
            select(Participation.id).order_by(Participation.id))).all()

    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")
    await live.outbox_sent()  # the notices of the withdrawal come before the registry asked for
    curator.mark_read()
    await curator.send("/participants")
    (registry,) = await curator.wait_messages(1)
    lines = registry.text.splitlines()
    assert any(t("cur.reg.erased", id=erased) + " — " in line and t("state.withdrawn") in line
               for line in lines), registry.text
    assert any(t("cur.reg.declined", id=declined) + " — " in line
               and t("state.withdrawn") in line for line in lines), registry.text
    assert any(t("cur.reg.no_name", id=pending) + " — " in line for line in lines)
    assert registry.text.count("(имя после согласия)") == 1  # only the child still waiting
    assert f"Участник №{erased} (данные удалены по запросу)" in registry.text
    assert f"Участник №{declined} (согласие не дано)" in registry.text
    # The participant's card says the same.
    await press(live, curator, f"2. #{declined}")
    (card,) = await curator.wait_messages(1)
    assert t("cur.reg.declined", id=declined) in card.text

    # In English.
    await curator.send("/language")
    await curator.wait_messages(1)
    await press(live, curator, "English")
    curator.mark_read()
    await curator.send("/participants")
    (english,) = await curator.wait_messages(1)
    assert f"Participant #{erased} (data erased on request)" in english.text
    assert f"Participant #{declined} (consent not given)" in english.text
    await live.handled()  # nothing left in flight when the bot stops
