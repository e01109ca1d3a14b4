"""The CallbackData class of each button target the services name
(bot.services.notices.buttons.Target): the sender packs a stored button with it at send time,
and the feature's router filters presses with the same class."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.channel import ChannelReplyCallback
from bot.callbacks.digest import NudgeCallback, SurveyRemindCallback
from bot.callbacks.lifecycle import LifecycleCardCallback, LifecycleSurveyCallback
from bot.callbacks.matching import PreferenceCallback
from bot.callbacks.meetings import FeedbackCallback, MeetingActionCallback, PlanTargetCallback
from bot.callbacks.region import RegionCallback
from bot.callbacks.roadmap import RoadmapExtensionCallback, RoadmapItemCallback
from bot.services.notices.buttons import Target

CALLBACKS: dict[Target, type[CallbackData]] = {
    Target.MEETING_ACTION: MeetingActionCallback,
    Target.MEETING_FEEDBACK: FeedbackCallback,
    Target.PLAN_MEETING: PlanTargetCallback,
    Target.MATCH_PREFERENCE: PreferenceCallback,
    Target.ROADMAP_ITEM: RoadmapItemCallback,
    Target.ROADMAP_EXTENSION: RoadmapExtensionCallback,
    Target.LIFECYCLE_SURVEY: LifecycleSurveyCallback,
    Target.LIFECYCLE_CARD: LifecycleCardCallback,
    Target.DIGEST_NUDGE: NudgeCallback,
    Target.SURVEY_REMIND: SurveyRemindCallback,
    Target.REGION: RegionCallback,
    Target.CHANNEL_REPLY: ChannelReplyCallback,
}


def pack(target: str, fields: Mapping[str, object]) -> str:
    """The callback data of a stored button; ValueError for an unknown target or bad fields."""
    try:
        callback = CALLBACKS[Target(target)]
    except (KeyError, ValueError):
        raise ValueError(f"unknown button target {target!r}") from None
    return callback(**fields).pack()
