"""CallbackData of the roadmap's buttons: short prefixes, ids only; every id is checked again
against the person pressing (bot.services.roadmap.status / access)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class RoadmapProgrammeCallback(CallbackData, prefix="rmp"):
    # menu, upload, list (by status bucket), mine
    action: str
    programme_id: int
    bucket: str = ""
    page: int = 0


class RoadmapDraftCallback(CallbackData, prefix="rmd"):
    # items (page), fix (item index), people, person (index), pick (index, choice), skip,
    # invite (index), save, drop
    action: str
    draft_id: int
    index: int = 0
    page: int = 0
    choice: int = 0


class RoadmapItemCallback(CallbackData, prefix="rmi"):
    # done, ext, nocomment, show
    action: str
    item_id: int


class RoadmapExtensionCallback(CallbackData, prefix="rme"):
    approve: bool
    item_id: int
