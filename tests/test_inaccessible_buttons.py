"""A button under a message the bot can no longer reach: Telegram sends the callback query with an
InaccessibleMessage (a deleted message, or one otherwise inaccessible to the bot). Every button,
pressed by someone allowed to press it, gets an answer (its usual one, or the stale-button
notice when it would have changed that message) and never the apology of a crash.

The seeded world and the button table of tests/test_roles.py; the Dispatcher fed directly."""

from __future__ import annotations

from tests import test_roles
from tests.test_roles import answers, button_table, run_cell, update_for

world = test_roles.world
# Who presses a button of several roles: the one whose screens have most to change.
PREFERENCE = ("curator", "owner", "mentor", "mentee", "guardian", "other_curator", "none")


def inaccessible(raw: dict) -> dict:
    query = raw["callback_query"]
    chat = query["message"]["chat"]
    query["message"] = {"message_id": 1, "date": 0, "chat": chat}  # date 0: inaccessible
    return raw


async def test_every_button_under_an_inaccessible_message_is_answered(world, caplog):
    app, w, restore = world
    t = app.translator.bind("ru")
    problems = []
    for factory, (make, allowed, _) in sorted(button_table(w).items(),
                                              key=lambda item: item[0].__name__):
        role = next((r for r in PREFERENCE if r in allowed), None)
        if role is None:  # a button of a step nobody is at: stale for everyone (test_roles)
            continue
        data = make().pack()
        requests, records = await run_cell(app, role, inaccessible(update_for(role, data=data)),
                                           caplog)
        crashes = [r for r in records if r.name == "mentorbot.errors" and r.levelno >= 40]
        if crashes:
            problems.append(f"{factory.__name__}({data}) as {role}: crashed "
                            f"({crashes[0].getMessage()})")
        elif not requests:
            problems.append(f"{factory.__name__}({data}) as {role}: no answer")
        elif t("error.generic") in answers(requests):
            problems.append(f"{factory.__name__}({data}) as {role}: the apology of a crash")
        await restore()
    assert not problems, "\n".join(problems)

