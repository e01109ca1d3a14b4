"""A participant's name as a curator sees it (/participants, the participant's card, the
dashboard's registry): the name, or why there is none — still to come with consent, erased on
the person's request (/forget), or never given because consent was not."""

from __future__ import annotations

from collections.abc import Callable

NAMELESS_KEYS = {"pending": "cur.reg.no_name", "erased": "cur.reg.erased",
                 "declined": "cur.reg.declined"}


def participant_name(t: Callable[..., str], full_name: str | None, participation_id: int,
                     nameless: str) -> str:
    """`nameless`: bot.services.people.participants.nameless of the participation."""
    if full_name:
        return full_name
    return t(NAMELESS_KEYS.get(nameless, "cur.reg.no_name"), id=participation_id)
