from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.surveys import Invalid, Ok, Survey, validate

from .conftest import DEMO

S = Survey.model_validate(DEMO)
Q = {q.id: q for q in S.questions}

CASES = [
    # (question, raw, expected)
    ("status", "pupil", Ok("pupil")),
    ("status", " teacher ", Ok("teacher")),
    ("status", "Ученик", Invalid("survey.error.choose_button")),  # typed label, not a button
    ("status", "ghost", Invalid("survey.error.choose_button")),
    ("status", ["pupil"], Invalid("survey.error.choose_button")),
    ("status", None, Invalid("survey.error.choose_button")),
    ("topics", ["exam_prep"], Ok(["exam_prep"])),
    ("topics", ["other", "exam_prep"], Ok(["exam_prep", "other"])),
    ("topics", [], Invalid("survey.error.choose_at_least", {"min": 1})),
    (
        "topics",
        ["exam_prep", "olympiad_prep", "other"],
        Invalid("survey.error.choose_at_most", {"max": 2}),
    ),
    ("topics", "exam_prep", Invalid("survey.error.choose_button")),
    ("topics", ["exam_prep", "ghost"], Invalid("survey.error.choose_button")),
    ("topics", [1], Invalid("survey.error.choose_button")),
    ("mood", "7", Ok(7)),
    ("mood", " 7 ", Ok(7)),
    ("mood", 10, Ok(10)),
    ("mood", "1", Ok(1)),
    ("mood", "11", Invalid("survey.error.out_of_range", {"min": 1, "max": 10})),
    ("mood", "0", Invalid("survey.error.out_of_range", {"min": 1, "max": 10})),
    ("mood", "-3", Invalid("survey.error.out_of_range", {"min": 1, "max": 10})),
    ("mood", "семь", Invalid("survey.error.not_a_number", {"min": 1, "max": 10})),
    ("mood", True, Invalid("survey.error.not_a_number", {"min": 1, "max": 10})),
    ("mood", "", Invalid("survey.error.empty")),
    ("grade", "5", Ok(5)),
    ("grade", "+5", Ok(5)),
    ("grade", "5.5", Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("grade", "5,5", Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("grade", "пять", Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("grade", "1_0", Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("grade", "٥", Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),  # Arabic-Indic 5
    ("grade", "12", Invalid("survey.error.out_of_range", {"min": 1, "max": 11})),
    ("grade", "9" * 40, Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("grade", 5.5, Invalid("survey.error.not_a_number", {"min": 1, "max": 11})),
    ("topics_other", "  шахматы  ", Ok("шахматы")),
    ("topics_other", "x" * 20, Ok("x" * 20)),
    ("topics_other", "x" * 21, Invalid("survey.error.too_long", {"max": 20, "length": 21})),
    ("topics_other", "   ", Invalid("survey.error.empty")),
    ("topics_other", "", Invalid("survey.error.empty")),
    ("topics_other", None, Invalid("survey.error.empty")),
    ("note", "y" * 500, Ok("y" * 500)),
    ("note", "y" * 501, Invalid("survey.error.too_long", {"max": 500, "length": 501})),
    ("start", "2025-05-17", Ok("2025-05-17")),
    ("start", "17.05.2025", Ok("2025-05-17")),
    ("start", "7.5.2025", Ok("2025-05-07")),
    ("start", " 17.05.25 ", Ok("2025-05-17")),
    ("start", "29.02.2024", Ok("2024-02-29")),
    ("start", dt.date(2026, 9, 1), Ok("2026-09-01")),
    ("start", dt.datetime(2026, 9, 1, 12, 30), Ok("2026-09-01")),
    ("start", "31.02.2024", Invalid("survey.error.bad_date")),
    ("start", "29.02.2025", Invalid("survey.error.bad_date")),
    ("start", "2025-13-01", Invalid("survey.error.bad_date")),
    ("start", "17/05/2025", Invalid("survey.error.bad_date")),
    ("start", "завтра", Invalid("survey.error.bad_date")),
    ("start", "", Invalid("survey.error.empty")),
    (
        "start",
        "31.12.2023",
        Invalid("survey.error.out_of_range", {"min": "2024-01-01", "max": "2030-12-31"}),
    ),
    (
        "start",
        "01.01.31",
        Invalid("survey.error.out_of_range", {"min": "2024-01-01", "max": "2030-12-31"}),
    ),
]


@pytest.mark.parametrize(
    ("qid", "raw", "expected"), CASES, ids=[f"{c[0]}:{c[1]!r}"[:60] for c in CASES]
)
def test_validation_table(qid, raw, expected):
    assert validate(Q[qid], raw) == expected


def test_one_sided_date_bounds():
    only_min = Q["start"].model_copy(update={"max": None})
    only_max = Q["start"].model_copy(update={"min": None})
    assert validate(only_min, "31.12.2023") == Invalid(
        "survey.error.date_too_early", {"min": "2024-01-01"}
    )
    assert validate(only_max, "01.01.2031") == Invalid(
        "survey.error.date_too_late", {"max": "2030-12-31"}
    )
    assert validate(only_max, "01.01.1999") == Ok("1999-01-01")


def test_two_digit_year_pivot():
    unbounded = Q["start"].model_copy(update={"min": None, "max": None})
    assert validate(unbounded, "01.01.68") == Ok("2068-01-01")
    assert validate(unbounded, "01.01.69") == Ok("1969-01-01")


raw_inputs = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 .-+,/").map(str),
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    st.lists(st.one_of(st.text(), st.sampled_from(["exam_prep", "other", "pupil"]), st.integers())),
    st.dates(),
)


@settings(max_examples=300, deadline=None)
@given(qid=st.sampled_from(sorted(Q)), raw=raw_inputs)
def test_validate_never_raises(qid, raw):
    result = validate(Q[qid], raw)
    assert isinstance(result, Ok | Invalid)
    if isinstance(result, Ok):
        # Stored values are JSON-friendly and re-validate to themselves.
        assert isinstance(result.value, str | int | list)
        assert validate(Q[qid], result.value) == result
    else:
        assert result.code.startswith("survey.error.")


@settings(max_examples=200, deadline=None)
@given(raw=st.text())
def test_validate_never_raises_on_real_definitions(registry, raw):
    for survey in registry:
        for q in survey.questions:
            assert isinstance(validate(q, raw), Ok | Invalid)
