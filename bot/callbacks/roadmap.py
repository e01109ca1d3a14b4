"""CallbackData of the roadmap's buttons: short prefixes, ids only; every id is checked again
against the person pressing (bot.services.roadmap.status / access)."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class RoadmapProgrammeAction(StrEnum):
    MENU = "menu"
    UPLOAD = "upload"
    LIST = "list"  # the items of one status bucket, paged


class RoadmapProgrammeCallback(CallbackData, prefix="rmp"):
    action: RoadmapProgrammeAction
    programme_id: Int32
    bucket: str = ""
    page: Int32 = 0


class RoadmapDraftAction(StrEnum):
    SUMMARY = "summary"
    ITEMS = "items"  # a page of items
    FIX = "fix"  # an item's deadline (index)
    PEOPLE = "people"
    PERSON = "person"  # one responsible person (index)
    PICK = "pick"  # a candidate for that person (index, choice)
    SKIP = "skip"
    INVITE = "invite"  # a curator's invitation for that person (index)
    SAVE = "save"
    DROP = "drop"


class RoadmapDraftCallback(CallbackData, prefix="rmd"):
    action: RoadmapDraftAction
    draft_id: Int32
    index: Int32 = 0
    page: Int32 = 0
    choice: Int32 = 0


class RoadmapItemAction(StrEnum):
    DONE = "done"
    NO_COMMENT = "nocomment"  # done, without a comment
    EXTEND = "ext"  # ask for more time


class RoadmapItemCallback(CallbackData, prefix="rmi"):
    action: RoadmapItemAction
    item_id: Int32


class RoadmapExtensionCallback(CallbackData, prefix="rme"):
    approve: bool
    item_id: Int32
