"""Keyboards of the roadmap: the programme menu, the import preview and its pages."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.roadmap import (
    RoadmapDraftCallback,
    RoadmapItemCallback,
    RoadmapProgrammeCallback,
)
from bot.i18n import BoundTranslator
from bot.services.roadmap.items import BUCKETS
from models import Programme


def programmes(items: Iterable[Programme]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for programme in items:
        builder.button(text=programme.title, callback_data=RoadmapProgrammeCallback(
            action="menu", programme_id=programme.id))
    builder.adjust(1)
    return builder.as_markup()


def menu(t: BoundTranslator, programme_id: int, counts: dict[str, int]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("roadmap.btn.upload"), callback_data=RoadmapProgrammeCallback(
        action="upload", programme_id=programme_id))
    for bucket in BUCKETS:
        builder.button(text=t.plain(f"roadmap.bucket.{bucket}", n=counts.get(bucket, 0)),
                       callback_data=RoadmapProgrammeCallback(
                           action="list", programme_id=programme_id, bucket=bucket))
    builder.adjust(1, 2, 2)
    return builder.as_markup()


def bucket_page(t: BoundTranslator, programme_id: int, bucket: str, page: int, pages: int
                ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    sizes = []
    nav = 0
    if page > 0:
        builder.button(text="◀️", callback_data=RoadmapProgrammeCallback(
            action="list", programme_id=programme_id, bucket=bucket, page=page - 1))
        nav += 1
    if page + 1 < pages:
        builder.button(text="▶️", callback_data=RoadmapProgrammeCallback(
            action="list", programme_id=programme_id, bucket=bucket, page=page + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    builder.button(text=t.plain("roadmap.btn.back"), callback_data=RoadmapProgrammeCallback(
        action="menu", programme_id=programme_id))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def preview(t: BoundTranslator, draft_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("roadmap.btn.items"),
                   callback_data=RoadmapDraftCallback(action="items", draft_id=draft_id))
    builder.button(text=t.plain("roadmap.btn.people"),
                   callback_data=RoadmapDraftCallback(action="people", draft_id=draft_id))
    builder.button(text=t.plain("roadmap.btn.save"),
                   callback_data=RoadmapDraftCallback(action="save", draft_id=draft_id))
    builder.button(text=t.plain("roadmap.btn.drop"),
                   callback_data=RoadmapDraftCallback(action="drop", draft_id=draft_id))
    builder.adjust(2, 2)
    return builder.as_markup()


def draft_items(t: BoundTranslator, draft_id: int, page: int, pages: int,
                labels: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    labels = list(labels)
    for index, label in labels:
        builder.button(text=t.plain("roadmap.btn.fix", item=label),
                       callback_data=RoadmapDraftCallback(action="fix", draft_id=draft_id,
                                                          index=index))
    sizes = [2] * (len(labels) // 2) + ([1] if len(labels) % 2 else [])
    nav = 0
    if page > 0:
        builder.button(text="◀️", callback_data=RoadmapDraftCallback(
            action="items", draft_id=draft_id, page=page - 1))
        nav += 1
    if page + 1 < pages:
        builder.button(text="▶️", callback_data=RoadmapDraftCallback(
            action="items", draft_id=draft_id, page=page + 1))
        nav += 1
    if nav:
        sizes.append(nav)
    builder.button(text=t.plain("roadmap.btn.back"),
                   callback_data=RoadmapDraftCallback(action="summary", draft_id=draft_id))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def draft_people(t: BoundTranslator, draft_id: int, entries: Iterable[tuple[int, str]]
                 ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, raw in entries:
        builder.button(text=f"👤 {raw}"[:60], callback_data=RoadmapDraftCallback(
            action="person", draft_id=draft_id, index=index))
    builder.button(text=t.plain("roadmap.btn.back"),
                   callback_data=RoadmapDraftCallback(action="summary", draft_id=draft_id))
    builder.adjust(1)
    return builder.as_markup()


def draft_person(t: BoundTranslator, draft_id: int, index: int, candidates: list[list]
                 ) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice, (_, _, name) in enumerate(candidates):
        builder.button(text=f"✅ {name}"[:60], callback_data=RoadmapDraftCallback(
            action="pick", draft_id=draft_id, index=index, choice=choice))
    builder.button(text=t.plain("roadmap.btn.nobody"), callback_data=RoadmapDraftCallback(
        action="skip", draft_id=draft_id, index=index))
    builder.button(text=t.plain("roadmap.btn.invite"), callback_data=RoadmapDraftCallback(
        action="invite", draft_id=draft_id, index=index))
    builder.button(text=t.plain("roadmap.btn.back"),
                   callback_data=RoadmapDraftCallback(action="people", draft_id=draft_id))
    builder.adjust(1)
    return builder.as_markup()


def no_comment(t: BoundTranslator, item_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t.plain("roadmap.btn.no_comment"),
                   callback_data=RoadmapItemCallback(action="nocomment", item_id=item_id))
    return builder.as_markup()


def my_items(t: BoundTranslator, items: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    count = 0
    for item_id, label in items:
        builder.button(text=t.plain("roadmap.btn.done_item", item=label),
                       callback_data=RoadmapItemCallback(action="done", item_id=item_id))
        count += 1
    builder.adjust(1)
    return builder.as_markup() if count else None
