"""CallbackData of the regional centre: the coordinator's list, digest and report, and the
owner's regions. Short prefixes, ids only; every id is checked again against the presser
(bot.services.region.access), so a forged button gets the plain refusal."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks.fields import Int32


class RegionAction(StrEnum):
    CHOOSE = "c"  # a region from the coordinator's regions: its first page
    PAGE = "p"  # a page of the organisations list
    NUDGE = "n"  # «remind the curator» of an organisation
    REPORT = "r"  # the regional workbook
    DIGEST_NOW = "d"  # «show now»
    DIGEST_DAY = "w"  # choose the digest's weekday
    DIGEST_TIME = "t"  # choose its time (value: the weekday)
    DIGEST_SET = "s"  # save (page: weekday, value: index into DIGEST_TIMES)


class RegionCallback(CallbackData, prefix="rgn"):
    action: RegionAction
    region: Int32
    page: Int32 = 0
    org: Int32 = 0
    value: Int32 = 0


class RegionOwnerAction(StrEnum):
    ZONE = "z"  # the new region's time zone (value: index into RUSSIAN_ZONES)
    ORGS = "o"  # a page of organisations to add or take out
    TOGGLE = "t"  # add or take out one (org), staying on the page
    LINK = "l"  # a coordinator's invitation link


class RegionOwnerCallback(CallbackData, prefix="rgo"):
    action: RegionOwnerAction
    region: Int32 = 0
    page: Int32 = 0
    org: Int32 = 0
    value: Int32 = 0
