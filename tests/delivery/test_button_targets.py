"""Buttons of bot-initiated messages are stored as a target and fields and packed at send time:
every target has exactly one CallbackData class (its prefix, its fields), every button a
service makes packs to what the feature's router filters (at most 64 bytes), and rows stored
with packed callback data before the upgrade still send."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from aiogram.filters.callback_data import CallbackData

import bot.callbacks
from bot.callbacks.channel import ChannelReplyCallback
from bot.callbacks.digest import NudgeCallback, SurveyRemindCallback
from bot.callbacks.lifecycle import LifecycleCardCallback, LifecycleSurveyCallback
from bot.callbacks.matching import PreferenceCallback
from bot.callbacks.meetings import FeedbackCallback, MeetingActionCallback, PlanTargetCallback
from bot.callbacks.region import RegionAction, RegionCallback
from bot.callbacks.roadmap import RoadmapExtensionCallback, RoadmapItemCallback
from bot.callbacks.targets import CALLBACKS
from bot.delivery.render import Renderer, RenderError
from bot.services.channel import relay as channel
from bot.services.matching import prefs
from bot.services.meetings import cadence
from bot.services.meetings import notify as meeting_notify
from bot.services.notices import digest, outbox
from bot.services.notices.buttons import FIELDS, Target
from bot.services.region import digest as region_digest
from bot.services.roadmap import schedule

BIG = 2**31 - 1  # the largest id the tables' INTEGER keys hold (ten digits: the longest)


def callback_classes() -> list[type[CallbackData]]:
    for info in pkgutil.iter_modules(bot.callbacks.__path__):
        importlib.import_module(f"bot.callbacks.{info.name}")
    found, stack = [], list(CallbackData.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("bot.callbacks."):
            found.append(cls)
    return found


def test_every_target_has_exactly_one_callback_class_with_its_prefix_and_fields():
    classes = callback_classes()
    for target in Target:
        same_prefix = [c for c in classes if c.__prefix__ == target.value]
        assert same_prefix == [CALLBACKS[target]], target
        assert set(CALLBACKS[target].model_fields) == FIELDS[target], target
    assert set(CALLBACKS) == set(Target) == set(FIELDS)


def render_buttons(translator, rows) -> list[tuple[str, str]]:
    rendered = Renderer(translator, "ru", "Europe/Moscow").render(
        {"text": "x", "buttons": rows}, user_locale="ru", row_locale=None, user_timezone=None)
    return [(b.text, b.callback_data) for row in rendered.reply_markup.inline_keyboard
            for b in row]


def every_service_button() -> list[tuple[list[list[dict]], list[CallbackData]]]:
    """Each button builder of the services with the largest ids, and what a press must carry."""
    meeting = SimpleNamespace(id=BIG)
    return [
        (meeting_notify._action_buttons(meeting, ("ok", "meetings.button.confirm"),
                                        ("mv", "meetings.button.other_time")),
         [MeetingActionCallback(action="ok", meeting=BIG),
          MeetingActionCallback(action="mv", meeting=BIG)]),
        ([[outbox.button(text_key="meetings.feedback.button", target=Target.MEETING_FEEDBACK,
                         fields={"meeting": BIG})]], [FeedbackCallback(meeting=BIG)]),
        ([[cadence.plan_button(BIG)]], [PlanTargetCallback(pair=BIG)]),
        (prefs.buttons(BIG, [(BIG, "Иванова Анна")], {BIG}),
         [PreferenceCallback(chooser_id=BIG, chosen_id=BIG),
          PreferenceCallback(chooser_id=BIG, chosen_id=0)]),
        (schedule.reminder_buttons(BIG),
         [RoadmapItemCallback(action="done", item_id=BIG),
          RoadmapItemCallback(action="ext", item_id=BIG)]),
        ([[outbox.button(text_key="roadmap.btn.approve", target=Target.ROADMAP_EXTENSION,
                         fields={"approve": False, "item_id": BIG})]],
         [RoadmapExtensionCallback(approve=False, item_id=BIG)]),
        ([[outbox.button(text_key="lifecycle.button.refl", target=Target.LIFECYCLE_SURVEY,
                         fields={"kind": "refl", "pair": BIG})]],
         [LifecycleSurveyCallback(kind="refl", pair=BIG)]),
        ([[outbox.button(text_key="practices.button.conditions", target=Target.LIFECYCLE_CARD,
                         fields={"action": "cond", "programme_id": BIG})]],
         [LifecycleCardCallback(action="cond", programme_id=BIG)]),
        ([[digest.nudge_button(BIG, "Я" * 60, "Ю" * 60)]], [NudgeCallback(pair_id=BIG)]),
        ([[digest.survey_button(BIG, "exit")]],
         [SurveyRemindCallback(programme_id=BIG, kind="exit")]),
        ([[region_digest.list_button(BIG)]],
         [RegionCallback(action=RegionAction.CHOOSE, region=BIG)]),
        ([[channel.reply_button(BIG)]], [ChannelReplyCallback(pair=BIG)]),
    ]


def test_every_service_button_packs_to_what_its_router_filters(translator):
    seen = set()
    for rows, expected in every_service_button():
        rendered = render_buttons(translator, rows)
        assert [data for _, data in rendered] == [e.pack() for e in expected]
        for (label, data), callback in zip(rendered, expected, strict=True):
            assert len(data.encode()) <= 64 and label
            assert type(callback).unpack(data) == callback
            seen.add(type(callback))
    assert seen == set(CALLBACKS.values())  # a new target needs its case here


def test_labels_are_translated_and_cut(translator):
    (label, _), = render_buttons(translator, [[digest.nudge_button(1, "Я" * 60, "Ю")]])
    assert label.startswith("🔔 Напомнить: ") and len(label) == digest.BUTTON_CHARS


def test_a_row_stored_with_packed_callback_data_still_sends(translator):
    old = [[{"text_key": "meetings.button.confirm", "callback_data": "ma:ok:42"},
            {"text": "Мой", "callback_data": "mpf:1:2"}]]
    assert render_buttons(translator, old) == [("✅ Подтвердить", "ma:ok:42"), ("Мой", "mpf:1:2")]


def test_a_region_digest_queued_with_packed_callback_data_still_opens_the_list(translator):
    old = [[{"text_key": "region.button.open_list", "callback_data": "rgn:c:42:0:0:0"}]]
    assert render_buttons(translator, old) == render_buttons(
        translator, [[region_digest.list_button(42)]]) == [
        ("📋 Открыть список организаций", "rgn:c:42:0:0:0")]


def test_bad_buttons_are_refused_when_queued_or_sent(translator):
    with pytest.raises(ValueError):
        outbox.button(text_key="k", target=Target.DIGEST_NUDGE, fields={"pair": 1})
    with pytest.raises(ValueError):
        outbox.button(text_key="k", target=Target.LIFECYCLE_SURVEY,
                      fields={"kind": "x" * 70, "pair": 1})
    with pytest.raises(RenderError):  # a stored row with an unknown target: not retried
        render_buttons(translator, [[{"text": "a", "target": "zz", "fields": {}}]])
    with pytest.raises(RenderError):  # fields that no longer fit the class
        render_buttons(translator, [[{"text": "a", "target": "dgn", "fields": {"pair_id": "x"}}]])
