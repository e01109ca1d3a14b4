"""The buttons of messages the bot sends by itself, as plain data: what a press should reach
(a Target) and the ids it carries. Services name them; the sender turns them into Telegram's
callback data at send time with the CallbackData class registered for the target
(bot/callbacks/targets.py), so services know nothing of aiogram or callback prefixes' classes.

A target's value is the prefix of its CallbackData class and FIELDS are that class's fields
(tests/delivery/test_button_targets.py holds the two sides equal)."""

from __future__ import annotations

from enum import StrEnum


class Target(StrEnum):
    MEETING_ACTION = "ma"  # confirm, move or cancel a meeting
    MEETING_FEEDBACK = "fb"  # the short survey after a meeting
    PLAN_MEETING = "mp"  # plan a meeting with a pair
    MATCH_PREFERENCE = "mpf"  # whom a participant would like to be paired with
    ROADMAP_ITEM = "rmi"  # a roadmap item's reminder: done, extend
    ROADMAP_EXTENSION = "rme"  # the curator approves or declines an extension
    LIFECYCLE_SURVEY = "ls"  # a monitoring survey of a pair
    LIFECYCLE_CARD = "lc"  # the programme's life-cycle card (the conditions questionnaire)
    DIGEST_NUDGE = "dgn"  # «nudge the mentor» of a pair at risk
    SURVEY_REMIND = "dsr"  # «remind those who have not answered»
    REGION = "rgn"  # the regional centre's /region (the digest's «open the list»)
    CHANNEL_REPLY = "chr"  # «↩️ Ответить» under a message relayed through the pair's channel


# The fields of each target's callback data (a button may leave out those with defaults).
FIELDS: dict[Target, frozenset[str]] = {
    Target.MEETING_ACTION: frozenset({"action", "meeting"}),
    Target.MEETING_FEEDBACK: frozenset({"meeting"}),
    Target.PLAN_MEETING: frozenset({"pair", "group"}),
    Target.MATCH_PREFERENCE: frozenset({"chooser_id", "chosen_id"}),
    Target.ROADMAP_ITEM: frozenset({"action", "item_id"}),
    Target.ROADMAP_EXTENSION: frozenset({"approve", "item_id"}),
    Target.LIFECYCLE_SURVEY: frozenset({"kind", "pair"}),
    Target.LIFECYCLE_CARD: frozenset({"action", "programme_id"}),
    Target.DIGEST_NUDGE: frozenset({"pair_id"}),
    Target.SURVEY_REMIND: frozenset({"programme_id", "kind"}),
    Target.REGION: frozenset({"action", "region", "page", "org", "value"}),
    Target.CHANNEL_REPLY: frozenset({"pair"}),
}

CALLBACK_LIMIT = 64  # bytes of callback data Telegram accepts


def packed_length(target: Target, fields: dict[str, str | int | bool]) -> int:
    """The length of the callback data these fields make (prefix and values joined by ':'),
    the way aiogram packs them; at most the real one (fields left at their defaults add)."""
    values = [str(int(v)) if isinstance(v, bool) else str(v) for v in fields.values()]
    return len(":".join([target.value, *values]).encode())
