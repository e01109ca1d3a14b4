"""Parse the «срок» cell of a roadmap into dates.

Roadmaps are written by hand, so the parser is a small tokenizer plus a grammar of at most two
date parts («с X по Y», «X - Y») with optional prefixes («до», «ежеквартально»). Anything it
cannot read becomes an undated deadline with a warning; the original text is always kept and
the function never raises.

Semantics of ``start``/``end`` by ``kind``:
- ``date``: one day, start == end.
- ``by``: «до X» / «не позднее X»: start == end == X (the last day when X is a month).
- ``month``: a single month, first..last day.
- ``range``: «с 5 по 23 октября», «Август-сентябрь 2022», a year, a quarter, an academic year.
- ``period``: «в течение года», «весь период», «постоянно»: the programme period.
- ``recurring``: «ежеквартально» etc. Without an anchor the window is the programme period; with
  a month without a year («Ежегодно, июнь») it is that month's first occurrence in the period;
  with a dated anchor («ежеквартально декабрь 2021») the series runs from the period start (or
  the anchor start) to the anchor end.
- ``on_request`` / ``schedule``: no dates (by request / by another schedule or programme).
- ``undated``: unreadable; start and end are None and a warning says why.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from .notes import ParseWarning

Period = tuple[date, date]

KINDS = ("date", "by", "range", "month", "recurring", "period", "on_request", "schedule", "undated")
RECURRENCES = ("yearly", "quarterly", "monthly", "weekly")


@dataclass(frozen=True)
class Deadline:
    text: str
    start: date | None = None
    end: date | None = None
    kind: str = "undated"
    recurrence: str | None = None
    warnings: tuple[ParseWarning, ...] = field(default=())

    @property
    def is_dated(self) -> bool:
        return self.start is not None and self.end is not None


# --- vocabulary -------------------------------------------------------------------------------

# Exact word forms first (short stems like «ма» or «март» would be ambiguous as prefixes).
_MONTH_EXACT = {
    "май": 5, "мая": 5, "мае": 5, "маю": 5, "маем": 5,
    "март": 3, "марта": 3, "марте": 3, "марту": 3, "мартом": 3,
    "янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12,
}
_MONTH_STEMS = (
    ("январ", 1), ("феврал", 2), ("апрел", 4), ("июн", 6), ("июл", 7), ("август", 8),
    ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
)

_RECURRENCE_WORDS = (
    ("ежегодн", "yearly"),
    ("ежеквартальн", "quarterly"),
    ("ежемесячн", "monthly"),
    ("еженедельн", "weekly"),
)
_RECURRENCE_EVERY = {  # «1 раз в квартал», «раз в четверть», «каждый месяц»
    "год": "yearly", "квартал": "quarterly", "четверть": "quarterly", "месяц": "monthly",
    "неделю": "weekly", "неделя": "weekly",
}

# Words that carry no date information and may surround dates.
_FILLER = {
    "г", "гг", "год", "года", "году", "годы", "годов", "учебный", "учебного", "учебном", "уч",
    "включительно", "в", "во", "течение", "месяц", "месяца", "месяце", "срок", "числа", "года.",
    "календарный", "календарного", "на", "конца", "конец", "окончания",
}

_SCHEDULE_RE = re.compile(
    r"граф|в соответствии|согласно|по плану|срокам|в сроки|расписани"
)
_ON_REQUEST_RE = re.compile(r"по запрос|необходимост|по потребност|по требовани")
# «в течение года», «весь период», «в течение всего периода реализации ЦМН», «постоянно».
_PERIOD_RE = re.compile(
    r"^(?:в течени[ея]|на протяжении)\s+(?:всего\s+|всех\s+)?(?:учебного\s+|календарного\s+)?"
    r"(?:года|периода|срока)\b"
    r"|^(?:весь|в течение всего|за весь)\s+(?:учебный\s+)?(?:период|год)\b"
    r"|^(?:постоянно|систематически|регулярно|круглогодично|в течение всего времени)\b"
)
_EVERY_RE = re.compile(
    r"(?:\b1\s+)?\bраз\s+в\s+(год|квартал|четверть|месяц|неделю|неделя)\b"
    r"|\bкажд(?:ый|ую|ое)\s+(год|квартал|четверть|месяц|неделю)\b"
)
_PLURAL_EVERY_RE = re.compile(r"\b(\d+)\s+раз[а]?\s+в\b")

_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_TOKEN_RE = re.compile(
    r"(?P<date>\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d))"
    r"|(?P<daymonth>\d{1,2}\.\d{1,2})(?![\d.])"
    r"|(?P<yearrange>(?:19|20)\d\d\s*[-/]\s*(?:(?:19|20)\d\d|\d\d))(?!\d)"
    r"|(?P<year>(?:19|20)\d\d)(?!\d)"
    r"|(?P<quarter>(?:\d|iv|i{1,3})\s*-?\s*(?:й\s+)?квартал\w*)"
    r"|(?P<num>\d{1,2})(?!\d)"
    r"|(?P<dash>-)"
    r"|(?P<word>[a-zа-я]+)"
    r"|(?P<other>\S)"
)


# --- helpers ----------------------------------------------------------------------------------


def _month_of(word: str) -> int | None:
    if word in _MONTH_EXACT:
        return _MONTH_EXACT[word]
    for stem, month in _MONTH_STEMS:
        if word.startswith(stem):
            return month
    return None


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _normalise(text: str) -> str:
    text = text.lower().replace("ё", "е").translate(_DASHES)
    text = text.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip(" .,;:")


@dataclass
class _Part:
    """One side of a range: any of day, month, year may be missing until resolved."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    year_end: int | None = None  # for a bare year range «2020-2021»
    quarter: int | None = None

    def empty(self) -> bool:
        return self.day is None and self.month is None and self.year is None and not self.quarter


class _Unreadable(Exception):
    """Why a deadline cannot be read: a warning code (see notes.py) with its parameters."""

    def __init__(self, code: str, **params: object) -> None:
        self.warning = ParseWarning(code, **params)
        super().__init__(str(self.warning))


def _expand_year(y: int) -> int:
    return 2000 + y if y < 100 else y


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "other"
        out.append((kind, m.group(kind)))
    return out


def _parse_parts(text: str) -> tuple[str | None, list[_Part]]:
    """Split the text into a prefix marker («by»/«from») and one or two date parts."""
    tokens = _tokens(text)
    prefix: str | None = None
    parts: list[_Part] = [_Part()]
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        cur = parts[-1]
        if kind == "word":
            month = _month_of(value)
            if month is not None:
                if cur.month is not None:
                    raise _Unreadable("two_months")
                cur.month = month
            elif value in ("до", "к") or (value == "не" and _peek_word(tokens, i, "позднее")):
                if not cur.empty() or len(parts) > 1:
                    # «с 1 октября до 31 декабря»: «до» in the middle is a range separator.
                    parts.append(_Part())
                else:
                    prefix = "by"
                if value == "не":
                    i += 1
            elif value in ("с", "со", "от"):
                if not cur.empty() or len(parts) > 1:
                    raise _Unreadable("unexpected_from")
                prefix = prefix or "from"
            elif value == "по":
                if cur.empty():
                    raise _Unreadable("to_without_start")
                parts.append(_Part())
            elif value in ("и",) and not cur.empty():
                raise _Unreadable("date_list")
            elif value in _FILLER:
                pass
            else:
                raise _Unreadable("unknown_word", word=value)
        elif kind == "dash":
            if cur.empty():
                raise _Unreadable("dash_without_start")
            parts.append(_Part())
        elif kind == "date":
            d, m, y = value.split(".")
            if not cur.empty():
                parts.append(_Part())
                cur = parts[-1]
            cur.day, cur.month, cur.year = int(d), int(m), _expand_year(int(y))
        elif kind == "daymonth":
            d, m = value.split(".")
            if not cur.empty():
                parts.append(_Part())
                cur = parts[-1]
            cur.day, cur.month = int(d), int(m)
        elif kind == "num":
            if cur.day is not None or cur.month is not None or cur.year is not None:
                raise _Unreadable("misplaced_number")
            cur.day = int(value)
        elif kind == "year":
            if cur.year is not None:
                raise _Unreadable("two_years")
            cur.year = int(value)
        elif kind == "yearrange":
            a, b = re.split(r"\s*[-/]\s*", value)
            y1, y2 = int(a), int(b)
            if y2 < 100:
                y2 += (y1 // 100) * 100
            if y2 != y1 and y2 != y1 + 1 and not (y1 < y2 <= y1 + 10):
                raise _Unreadable("odd_year_range")
            if cur.year is not None:
                raise _Unreadable("two_years")
            cur.year, cur.year_end = y1, y2
        elif kind == "quarter":
            q = value.split("квартал")[0].strip(" -й")
            number = _ROMAN.get(q) or (int(q) if q.isdigit() else 0)
            if not 1 <= number <= 4 or not cur.empty():
                raise _Unreadable("bad_quarter")
            cur.quarter = number
        else:
            if value in ",;().:":
                pass
            else:
                raise _Unreadable("unexpected", token=value)
        if len(parts) > 2:
            raise _Unreadable("more_than_two")
        i += 1
    if any(p.empty() for p in parts):
        raise _Unreadable("incomplete")
    return prefix, parts


def _peek_word(tokens: list[tuple[str, str]], i: int, word: str) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1] == ("word", word)


def _occurrence(month: int, period: Period | None, not_before: date | None = None) -> int | None:
    """Year of the first occurrence of ``month`` inside the period (and not before a date)."""
    if period is None:
        return None
    start, end = period
    if not_before is not None and not_before > start:
        start = not_before.replace(day=1)
    for year in range(start.year, end.year + 1):
        first = date(year, month, 1)
        if _last_day(year, month) >= start and first <= end:
            return year
    return None


def _bounds(p: _Part) -> tuple[date, date]:
    assert p.year is not None
    if p.quarter:
        first_month = 3 * (p.quarter - 1) + 1
        return date(p.year, first_month, 1), _last_day(p.year, first_month + 2)
    if p.month is None:
        if p.year_end is not None:
            return date(p.year, 1, 1), date(p.year_end, 12, 31)
        return date(p.year, 1, 1), date(p.year, 12, 31)
    if p.day is None:
        return date(p.year, p.month, 1), _last_day(p.year, p.month)
    d = date(p.year, p.month, p.day)
    return d, d


def _resolve(parts: list[_Part], period: Period | None, academic: bool) -> tuple[date, date]:
    """Fill in missing months/years and return the overall start and end."""
    if len(parts) == 1:
        p = parts[0]
        if p.day is not None and p.month is None:
            raise _Unreadable("day_without_month")
        if p.month is not None and p.month not in range(1, 13):
            raise _Unreadable("month_out_of_range")
        if p.year_end is not None and p.month is not None:
            raise _Unreadable("month_with_year_range")
        if p.year is None:
            p.year = _occurrence(p.month, period) if p.month else None
            if p.year is None:
                raise _Unreadable(_no_year_reason(period))
        if academic and p.year_end is not None and p.month is None:
            return date(p.year, 9, 1), date(p.year_end, 8, 31)
        return _bounds(p)

    a, b = parts
    # «сентябрь - февраль 2020-2021»: the year range spreads over both sides.
    if b.year_end is not None and a.year is None:
        a.year, b.year, b.year_end = b.year, b.year_end, None
    if a.year_end is not None or b.year_end is not None:
        raise _Unreadable("year_range_in_range")
    if a.month is None and a.day is not None:
        a.month = b.month  # «с 5 по 23 октября»
    if b.month is None and b.day is not None:
        b.month = a.month  # «с 5 октября по 23»
    for p in (a, b):
        if p.month is None and p.day is not None:
            raise _Unreadable("day_without_month")
        if p.month is not None and p.month not in range(1, 13):
            raise _Unreadable("month_out_of_range")
    if a.year is None and b.year is not None:
        a.year = b.year
        if a.month and b.month and a.month > b.month:
            a.year -= 1  # «сентябрь - февраль 2021»
    elif b.year is None and a.year is not None:
        b.year = a.year
        if a.month and b.month and b.month < a.month:
            b.year += 1
    elif a.year is None and b.year is None:
        if a.month is None or b.month is None:
            raise _Unreadable(_no_year_reason(period))
        a.year = _occurrence(a.month, period)
        if a.year is None:
            raise _Unreadable(_no_year_reason(period))
        b.year = _occurrence(b.month, period, not_before=date(a.year, a.month, 1))
        if b.year is None:
            b.year = a.year + (1 if b.month < a.month else 0)
    start, _ = _bounds(a)
    _, end = _bounds(b)
    return start, end


def _no_year_reason(period: Period | None) -> str:
    if period is None:
        return "no_year_no_period"
    return "month_outside_period"


# --- public API -------------------------------------------------------------------------------


def parse_deadline(text: str, period: Period | None = None) -> Deadline:
    """Parse one deadline cell. Never raises; unreadable text gives kind «undated»."""
    try:
        return _parse(text, period)
    except Exception as exc:  # the contract is «never raise»: report instead
        reason = ParseWarning("parser_error", detail=exc)
        return Deadline(text=text if isinstance(text, str) else str(text),
                        warnings=(ParseWarning("unreadable_deadline", reason=reason),))


def _parse(text: str, period: Period | None) -> Deadline:
    if period is not None and period[0] > period[1]:
        period = None
    raw = text
    norm = _normalise(text)
    if not norm:
        return Deadline(text=raw, warnings=(ParseWarning("no_deadline"),))

    # Parenthesised remarks never hold the date itself; drop them.
    norm = re.sub(r"\([^)]*\)", " ", norm)
    norm = re.sub(r"\s+", " ", norm).strip(" .,;:")

    if _ON_REQUEST_RE.search(norm):
        return Deadline(text=raw, kind="on_request")

    recurrence, rest = _split_recurrence(norm)
    if recurrence is not None:
        return _recurring(raw, recurrence, rest, period)

    if _PERIOD_RE.search(norm):
        return _period(raw, period)

    if _SCHEDULE_RE.search(norm) and not re.search(r"\d", norm):
        return Deadline(text=raw, kind="schedule")

    try:
        kind, start, end = _dated(norm, period)
    except _Unreadable as exc:
        return Deadline(text=raw,
                        warnings=(ParseWarning("unreadable_deadline", reason=exc.warning),))
    return _checked(Deadline(text=raw, start=start, end=end, kind=kind), period)


def _dated(norm: str, period: Period | None) -> tuple[str, date, date]:
    academic = "учеб" in norm or "уч " in norm + " "
    prefix, parts = _parse_parts(norm)
    single = len(parts) == 1
    p = parts[0]
    if single:
        start, end = _resolve(parts, period, academic)
        if prefix == "by":
            return "by", end, end
        if p.day is not None:
            return "date", start, end
        if p.month is not None and not p.quarter:
            return "month", start, end
        return "range", start, end
    if prefix == "by":
        raise _Unreadable("by_before_range")
    start, end = _resolve(parts, period, academic)
    return "range", start, end


def _split_recurrence(norm: str) -> tuple[str | None, str]:
    for stem, recurrence in _RECURRENCE_WORDS:
        m = re.search(rf"\b{stem}\w*", norm)
        if m:
            return recurrence, (norm[: m.start()] + " " + norm[m.end():]).strip(" ,;:.")
    m = _EVERY_RE.search(norm)
    if m:
        unit = m.group(1) or m.group(2)
        return _RECURRENCE_EVERY[unit], (norm[: m.start()] + " " + norm[m.end():]).strip(" ,;:.")
    m = _PLURAL_EVERY_RE.search(norm)
    if m:
        return "", norm[m.end():]  # «2 раза в год»: recurring, but no single recurrence fits
    return None, norm


def _recurring(raw: str, recurrence: str, rest: str, period: Period | None) -> Deadline:
    rec = recurrence or None
    warnings: list[ParseWarning] = []
    if not recurrence:
        warnings.append(ParseWarning("odd_recurrence"))
        rest = re.sub(r"^(год|квартал|четверть|месяц|неделю)\b", "", rest).strip(" ,;:.")
    rest = re.sub(r"^(в|во)\s+", "", rest)
    if not rest or _PERIOD_RE.search(rest) or re.fullmatch(r"(в )?течени[ея].*", rest):
        if period is None:
            warnings.append(ParseWarning("recurring_no_period"))
            return Deadline(text=raw, kind="recurring", recurrence=rec, warnings=tuple(warnings))
        return Deadline(text=raw, start=period[0], end=period[1], kind="recurring",
                        recurrence=rec, warnings=tuple(warnings))
    try:
        prefix, parts = _parse_parts(rest)
        had_year = any(p.year is not None for p in parts)
        start, end = _resolve(parts, period, "учеб" in rest)
    except _Unreadable as exc:
        warnings.append(ParseWarning("unreadable_anchor", reason=exc.warning))
        if period is not None:
            return Deadline(text=raw, start=period[0], end=period[1], kind="recurring",
                            recurrence=rec, warnings=tuple(warnings))
        return Deadline(text=raw, kind="recurring", recurrence=rec, warnings=tuple(warnings))
    if had_year and len(parts) == 1 and (prefix == "by" or rec != "yearly"):
        # «ежеквартально декабрь 2021»: the series runs until the anchor.
        if period is not None and period[0] <= end:
            start = period[0]
    return _checked(Deadline(text=raw, start=start, end=end, kind="recurring", recurrence=rec,
                             warnings=tuple(warnings)), period)


def _period(raw: str, period: Period | None) -> Deadline:
    if period is None:
        return Deadline(text=raw, kind="undated",
                        warnings=(ParseWarning("period_no_period"),))
    return Deadline(text=raw, start=period[0], end=period[1], kind="period")


def _checked(d: Deadline, period: Period | None) -> Deadline:
    """Enforce start <= end and flag dates lying entirely outside the programme period."""
    if d.start is not None and d.end is not None and d.start > d.end:
        return Deadline(text=d.text, recurrence=d.recurrence,
                        kind="recurring" if d.recurrence else "undated",
                        warnings=(*d.warnings, ParseWarning("ends_before_start")))
    if period is not None and d.start is not None and d.end is not None:
        if d.end < period[0] or d.start > period[1]:
            return Deadline(text=d.text, start=d.start, end=d.end, kind=d.kind,
                            recurrence=d.recurrence,
                            warnings=(*d.warnings, ParseWarning("outside_period")))
    return d
