"""Time zones people in Russia live in, and reading a zone a person typed."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# (IANA zone, button label with the UTC offset): the zones of Russia, west to east.
RUSSIAN_ZONES: tuple[tuple[str, str], ...] = (
    ("Europe/Kaliningrad", "Калининград UTC+2"),
    ("Europe/Moscow", "Москва UTC+3"),
    ("Europe/Samara", "Самара UTC+4"),
    ("Asia/Yekaterinburg", "Екатеринбург UTC+5"),
    ("Asia/Omsk", "Омск UTC+6"),
    ("Asia/Krasnoyarsk", "Красноярск UTC+7"),
    ("Asia/Irkutsk", "Иркутск UTC+8"),
    ("Asia/Yakutsk", "Якутск UTC+9"),
    ("Asia/Vladivostok", "Владивосток UTC+10"),
    ("Asia/Magadan", "Магадан UTC+11"),
    ("Asia/Kamchatka", "Камчатка UTC+12"),
)
_BY_OFFSET = {int(label.rsplit("+", 1)[1]): zone for zone, label in RUSSIAN_ZONES}
_OFFSET = re.compile(r"^(?:utc|gmt|мск)?\s*([+-])\s*(\d{1,2})(?::00)?$", re.IGNORECASE)
_KNOWN = {zone.lower(): zone for zone in available_timezones()}


def parse_timezone(text: str) -> str | None:
    """`Asia/Yekaterinburg`, `asia/yekaterinburg`, `+5`, `UTC+5` → an IANA zone, else None."""
    value = text.strip()
    if not value or len(value) > 64:
        return None
    if match := _OFFSET.match(value.replace(" ", "")):
        sign, hours = match.groups()
        offset = int(hours) * (1 if sign == "+" else -1)
        if offset in _BY_OFFSET:
            return _BY_OFFSET[offset]
        if -12 <= offset <= 14:
            # Etc/GMT zones have the inverted sign by POSIX convention.
            return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}" if offset else "Etc/UTC"
        return None
    return _KNOWN.get(value.lower())


def local_now(zone: str) -> datetime:
    try:
        return datetime.now(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return datetime.now(ZoneInfo("Europe/Moscow"))
