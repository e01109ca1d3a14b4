"""What the roadmap parser says about a document: a code with parameters, translated where it is
shown (`roadmap.warning.<code>` in the bot's catalogues), and English as a plain string, which
the CLI prints and `mentorbot roadmap preview --json` keeps in its «warnings» lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The English text of each code (the CLI's output; the bot translates the code instead).
ENGLISH: dict[str, str] = {
    # the deadline cell
    "unreadable_deadline": "unreadable deadline: {reason}",
    "no_deadline": "no deadline given",
    "odd_recurrence": "recurrence interval not one of yearly/quarterly/monthly/weekly: not recorded",
    "recurring_no_period": "recurring without dates: no programme period given",
    "unreadable_anchor": "unreadable recurrence anchor: {reason}",
    "period_no_period": "the whole programme period, but no period given",
    "ends_before_start": "the deadline ends before it starts",
    "outside_period": "the deadline lies outside the programme period",
    # why a deadline is unreadable (the {reason} above)
    "two_months": "two months in one date",
    "unexpected_from": "unexpected «с»",
    "to_without_start": "«по» without a start",
    "date_list": "a list of dates",
    "unknown_word": "unknown word «{word}»",
    "dash_without_start": "dash without a start",
    "misplaced_number": "a number in an unexpected place",
    "two_years": "two years in one date",
    "odd_year_range": "odd year range",
    "bad_quarter": "bad quarter",
    "unexpected": "unexpected «{token}»",
    "more_than_two": "more than two dates",
    "incomplete": "an incomplete date",
    "day_without_month": "a day without a month",
    "month_out_of_range": "month out of range",
    "month_with_year_range": "a month with a year range",
    "no_year_no_period": "no year given and no programme period to take it from",
    "month_outside_period": "the month does not fall inside the programme period",
    "year_range_in_range": "a year range inside a range",
    "by_before_range": "«до» before a range",
    "parser_error": "{detail}",
    # the table
    "no_table": "no roadmap table found",
    "table_skipped": "a table without recognisable columns was skipped",
    "columns_guessed": "no header row found: columns were guessed from the content",
    "orphan_text": "text continued from a missing page was ignored: «{text}»",
    "number_without_text": "row {number} has a number but no text; skipped",
    "no_number": "item without a number",
    "duplicate_number": "number {number} occurs more than once",
    "headings_only": "the table has headings but no items",
    "no_title": "no title",
    "columns_by_content": "columns read by content, not the header: {moves}",
    "column_moved": "{role} in column {column}",
    "listed": "{first}, {rest}",
    "role_number": "number",
    "role_deadline": "deadline",
    "role_responsible": "responsible",
}


class ParseWarning(str):
    """A warning: the English text as a string, plus `code` and `params` to translate it.
    A parameter may itself be a ParseWarning (the reason of an unreadable deadline)."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> ParseWarning:
        text = ENGLISH[code].format(**{k: str(v) for k, v in params.items()})
        warning = super().__new__(cls, text)
        warning.code = code
        warning.params = params
        return warning

    def __reduce__(self) -> tuple[Callable[..., ParseWarning], tuple[str, dict[str, Any]]]:
        # copy/pickle keep the code, not only the text
        return (_rebuild, (self.code, self.params))

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code,
                "params": {k: v.to_json() if isinstance(v, ParseWarning) else v
                           for k, v in self.params.items()}}


def _rebuild(code: str, params: dict[str, Any]) -> ParseWarning:
    return ParseWarning(code, **params)


def stored(warning: str) -> dict[str, Any]:
    """A warning as kept in a draft (JSON): its code and parameters; a plain string (written
    by an older version) as {"text": ...}."""
    if isinstance(warning, ParseWarning):
        return warning.to_json()
    return {"text": str(warning)}
