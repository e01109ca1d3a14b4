"""Turn a raw answer (button payload or typed text) into a stored value.

`validate` never raises on user input: every problem becomes an `Invalid`
with a translation key, so the bot can always reply something sensible.
Stored values are accepted too (validate(q, ok.value) == ok), which lets the
caller re-check old answers after a definition changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .models import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ScaleQuestion,
    SingleQuestion,
    TextQuestion,
)

# Stored answer: option id, int, list of option ids, text, ISO date; None = skipped.
AnswerValue = str | int | list[str] | None

E_OUT_OF_RANGE = "survey.error.out_of_range"
E_NOT_A_NUMBER = "survey.error.not_a_number"
E_TOO_LONG = "survey.error.too_long"
E_CHOOSE_BUTTON = "survey.error.choose_button"
E_EMPTY = "survey.error.empty"
E_BAD_DATE = "survey.error.bad_date"
E_DATE_TOO_EARLY = "survey.error.date_too_early"
E_DATE_TOO_LATE = "survey.error.date_too_late"
E_CHOOSE_AT_LEAST = "survey.error.choose_at_least"
E_CHOOSE_AT_MOST = "survey.error.choose_at_most"


@dataclass(frozen=True, slots=True)
class Ok:
    value: AnswerValue


@dataclass(frozen=True, slots=True)
class Invalid:
    code: str
    params: dict[str, Any] = field(default_factory=dict)


ValidationResult = Ok | Invalid

# ASCII digits only: int() would also accept other scripts' digits and "1_000".
_INT_RE = re.compile(r"[+-]?\d{1,12}", re.ASCII)
_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_RU_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", re.ASCII)


def validate(question: Question, raw: object) -> ValidationResult:
    """Check one raw answer against its question; return the value to store."""
    match question:
        case SingleQuestion():
            return _single(question, raw)
        case MultiQuestion():
            return _multi(question, raw)
        case ScaleQuestion():
            return _integer(raw, question.min, question.max)
        case NumberQuestion():
            return _integer(raw, question.min, question.max)
        case TextQuestion():
            return _text(question, raw)
        case DateQuestion():
            return _date(question, raw)
    raise TypeError(f"unknown question type: {type(question).__name__}")  # programming error


def _single(q: SingleQuestion, raw: object) -> ValidationResult:
    if isinstance(raw, str) and raw.strip() in q.option_ids:
        return Ok(raw.strip())
    return Invalid(E_CHOOSE_BUTTON)


def _multi(q: MultiQuestion, raw: object) -> ValidationResult:
    # Typed text is not a selection: multi answers come from toggled buttons.
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        return Invalid(E_CHOOSE_BUTTON)
    chosen: set[str] = set()
    for item in raw:
        if not isinstance(item, str) or item not in q.option_ids:
            return Invalid(E_CHOOSE_BUTTON)
        chosen.add(item)
    if len(chosen) < q.min:
        return Invalid(E_CHOOSE_AT_LEAST, {"min": q.min})
    if len(chosen) > q.max_choices:
        return Invalid(E_CHOOSE_AT_MOST, {"max": q.max_choices})
    # Definition order, not click order: stable storage and display.
    return Ok([oid for oid in q.option_ids if oid in chosen])


def parse_int(raw: object) -> int | None:
    """An int from an int or from text like " 7 "; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if _INT_RE.fullmatch(text):
            return int(text)
    return None


def _integer(raw: object, lo: int, hi: int) -> ValidationResult:
    value = parse_int(raw)
    if value is None:
        if isinstance(raw, str) and not raw.strip():
            return Invalid(E_EMPTY)
        return Invalid(E_NOT_A_NUMBER, {"min": lo, "max": hi})
    if not lo <= value <= hi:
        return Invalid(E_OUT_OF_RANGE, {"min": lo, "max": hi})
    return Ok(value)


def _text(q: TextQuestion, raw: object) -> ValidationResult:
    if not isinstance(raw, str) or not raw.strip():
        return Invalid(E_EMPTY)
    text = raw.strip()
    if len(text) > q.max_length:
        return Invalid(E_TOO_LONG, {"max": q.max_length, "length": len(text)})
    return Ok(text)


def parse_date(raw: object) -> date | None:
    """ISO "2024-05-17" or Russian "17.05.2024" / "17.05.24"; None if not a real date.

    Two-digit years follow strptime's %y: 00–68 -> 20xx, 69–99 -> 19xx.
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        if m := _ISO_RE.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _RU_RE.fullmatch(text):
            year = int(m[3])
            if len(m[3]) == 2:
                year += 2000 if year <= 68 else 1900
            return date(year, int(m[2]), int(m[1]))
    except ValueError:  # 31.02.2024, month 13, year 0
        return None
    return None


def _date(q: DateQuestion, raw: object) -> ValidationResult:
    if isinstance(raw, str) and not raw.strip():
        return Invalid(E_EMPTY)
    value = parse_date(raw)
    if value is None:
        return Invalid(E_BAD_DATE)
    if q.min and q.max and not q.min <= value <= q.max:
        return Invalid(E_OUT_OF_RANGE, {"min": q.min.isoformat(), "max": q.max.isoformat()})
    if q.min and value < q.min:
        return Invalid(E_DATE_TOO_EARLY, {"min": q.min.isoformat()})
    if q.max and value > q.max:
        return Invalid(E_DATE_TOO_LATE, {"max": q.max.isoformat()})
    return Ok(value.isoformat())
