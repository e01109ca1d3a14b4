"""parse_deadline: every expression met in real roadmaps, plus properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.roadmap.deadlines import KINDS, RECURRENCES, parse_deadline

D = date
P20 = (D(2020, 9, 1), D(2021, 8, 31))
P21 = (D(2021, 1, 1), D(2021, 12, 31))
P22 = (D(2022, 8, 1), D(2023, 6, 30))

# text, period, kind, start, end, recurrence
CASES = [
    ("до 15.02.2021", P21, "by", D(2021, 2, 15), D(2021, 2, 15), None),
    ("15.02.2021", P21, "date", D(2021, 2, 15), D(2021, 2, 15), None),
    ("21.09.2020", P20, "date", D(2020, 9, 21), D(2020, 9, 21), None),
    ("до 21 декабря 2020 г.", P20, "by", D(2020, 12, 21), D(2020, 12, 21), None),
    ("декабрь 2021 г.", P21, "month", D(2021, 12, 1), D(2021, 12, 31), None),
    ("Сентябрь 2022", P22, "month", D(2022, 9, 1), D(2022, 9, 30), None),
    ("Август-сентябрь 2022", P22, "range", D(2022, 8, 1), D(2022, 9, 30), None),
    ("Август-сентябрь 2020 г.", P20, "range", D(2020, 8, 1), D(2020, 9, 30), None),
    ("Сентябрь – октябрь", P22, "range", D(2022, 9, 1), D(2022, 10, 31), None),
    ("сентябрь - декабрь 2020 г.", P20, "range", D(2020, 9, 1), D(2020, 12, 31), None),
    ("сентябрь - февраль 2020-2021 гг.", P20, "range", D(2020, 9, 1), D(2021, 2, 28), None),
    ("Ноябрь 2020 - декабрь 2021 г.", P20, "range", D(2020, 11, 1), D(2021, 12, 31), None),
    ("с 5 по 23 октября 2020 г.", P20, "range", D(2020, 10, 5), D(2020, 10, 23), None),
    ("с 1 по 23 октября 2020 г.", P20, "range", D(2020, 10, 1), D(2020, 10, 23), None),
    ("С 1 октября по 31 декабря 2020 г.", P20, "range", D(2020, 10, 1), D(2020, 12, 31), None),
    ("Октябрь 2022 по май 2023", P22, "range", D(2022, 10, 1), D(2023, 5, 31), None),
    ("ежеквартально", P21, "recurring", D(2021, 1, 1), D(2021, 12, 31), "quarterly"),
    ("ежеквартально декабрь 2021", P21, "recurring", D(2021, 1, 1), D(2021, 12, 31), "quarterly"),
    ("Ежегодно, июнь", P22, "recurring", D(2023, 6, 1), D(2023, 6, 30), "yearly"),
    ("ежемесячно", P22, "recurring", D(2022, 8, 1), D(2023, 6, 30), "monthly"),
    ("в течение года", P21, "period", D(2021, 1, 1), D(2021, 12, 31), None),
    ("в течение всего периода реализации ЦМН", P21, "period", D(2021, 1, 1), D(2021, 12, 31), None),
    ("В течение всего периода внедрения ЦМН", P20, "period", D(2020, 9, 1), D(2021, 8, 31), None),
    ("В течение периода", P22, "period", D(2022, 8, 1), D(2023, 6, 30), None),
    ("Весь период", P22, "period", D(2022, 8, 1), D(2023, 6, 30), None),
    ("постоянно", P22, "period", D(2022, 8, 1), D(2023, 6, 30), None),
    ("по отдельному графику", P20, "schedule", None, None, None),
    ("По запросу", P22, "on_request", None, None, None),
    ("в соответствии со сроками реализации программ наставничества", P20, "schedule", None, None, None),
    ("в соответствии со сроками, устанавливаемыми Минпросвещения России", P20, "schedule", None,
     None, None),
    ("Январь 2023", P22, "month", D(2023, 1, 1), D(2023, 1, 31), None),
    ("Май 2023", P22, "month", D(2023, 5, 1), D(2023, 5, 31), None),
    # Beyond the seeds: other case forms, spellings and layouts.
    ("в мае 2023 г.", P22, "month", D(2023, 5, 1), D(2023, 5, 31), None),
    ("ЯНВАРЕ 2021", None, "month", D(2021, 1, 1), D(2021, 1, 31), None),
    ("до 1 марта", P22, "by", D(2023, 3, 1), D(2023, 3, 1), None),
    ("не позднее 01.09.22", None, "by", D(2022, 9, 1), D(2022, 9, 1), None),
    ("сентябрь-май", P22, "range", D(2022, 9, 1), D(2023, 5, 31), None),
    ("с октября 2022 г. по май 2023 г.", None, "range", D(2022, 10, 1), D(2023, 5, 31), None),
    ("01.10.2022 - 15.10.2022", None, "range", D(2022, 10, 1), D(2022, 10, 15), None),
    ("2020-2021 учебный год", None, "range", D(2020, 9, 1), D(2021, 8, 31), None),
    ("I квартал 2021 г.", None, "range", D(2021, 1, 1), D(2021, 3, 31), None),
    ("1 раз в четверть", P22, "recurring", D(2022, 8, 1), D(2023, 6, 30), "quarterly"),
    ("По мере необходимости", None, "on_request", None, None, None),
    ("декабрь 2021 г. (итоговый отчёт)", None, "month", D(2021, 12, 1), D(2021, 12, 31), None),
    ("февраль.", P22, "month", D(2023, 2, 1), D(2023, 2, 28), None),
]

MONTH_FORMS = {
    1: ["январь", "января", "январе"], 2: ["февраль", "февраля", "феврале"],
    3: ["март", "марта", "марте"], 4: ["апрель", "апреля", "апреле"], 5: ["май", "мая", "мае"],
    6: ["июнь", "июня", "июне"], 7: ["июль", "июля", "июле"], 8: ["август", "августа", "августе"],
    9: ["сентябрь", "сентября", "сентябре"], 10: ["октябрь", "октября", "октябре"],
    11: ["ноябрь", "ноября", "ноябре"], 12: ["декабрь", "декабря", "декабре"],
}


@pytest.mark.parametrize(("text", "period", "kind", "start", "end", "recurrence"), CASES)
def test_expressions(text, period, kind, start, end, recurrence):
    d = parse_deadline(text, period)
    assert (d.kind, d.start, d.end, d.recurrence) == (kind, start, end, recurrence), d
    assert d.text == text


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_every_case_form(month):
    for form in MONTH_FORMS[month]:
        for text in (f"{form} 2022", form.upper() + " 2022 г.", f"{form.capitalize()} 2022г"):
            d = parse_deadline(text, None)
            assert (d.kind, d.start.month, d.start.year) == ("month", month, 2022), text
            d = parse_deadline(f"15 {form} 2022", None)
            assert d.start == d.end == D(2022, month, 15)


@pytest.mark.parametrize(
    "text",
    ["в течение года", "Весь период", "в течение всего периода реализации ЦМН", "Сентябрь – октябрь",
     "Ежегодно, июнь"],
)
def test_relative_deadlines_without_period_are_undated_with_warning(text):
    d = parse_deadline(text, None)
    assert d.start is None and d.end is None
    assert d.warnings


@pytest.mark.parametrize(
    "text", ["", "   ", "???", "после педсовета", "31.02.2021", "с 23 по 5 октября 2020",
             "до", "13.13.2020", "по итогам"]
)
def test_unreadable_is_undated_and_keeps_text(text):
    d = parse_deadline(text, P22)
    assert d.start is None and d.end is None
    assert d.text == text
    assert d.warnings
    assert d.kind in ("undated", "recurring")


def test_recurrence_without_a_fitting_interval_keeps_the_period_window():
    d = parse_deadline("1 раз в полугодие", P22)
    assert (d.kind, d.recurrence, d.start, d.end) == ("recurring", None, *P22)
    assert d.warnings


def test_outside_period_is_flagged_not_moved():
    d = parse_deadline("до 21.12.2021", P20)
    assert d.start == D(2021, 12, 21)
    assert any("outside" in w for w in d.warnings)


_VOCAB = st.sampled_from(
    ["до", "с", "по", "-", "–", "—", "г.", "гг.", "в течение", "года", "периода", "ежегодно",
     "ежеквартально", "раз в", "квартал", "I", "IV", "сентябрь", "мая", "февраля", "декабрь",
     "1", "5", "23", "29", "31", "0", "99", "2020", "2021", "2020-2021", "15.02.2021",
     "31.02.2021", "29.02", "01.13.2020", "(", ")", ",", ".", "учебный", "год", "по запросу"]
)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.just(P22), st.just(P20)))
def test_never_raises_on_any_text(text, period):
    d = parse_deadline(text, period)
    assert d.text == text
    assert d.kind in KINDS
    assert d.recurrence is None or d.recurrence in RECURRENCES
    if d.start is not None and d.end is not None:
        assert d.start <= d.end


@settings(max_examples=600, deadline=None)
@given(st.lists(_VOCAB, max_size=7).map(" ".join),
       st.one_of(st.none(), st.just(P22), st.just(P20), st.just((D(2023, 1, 1), D(2022, 1, 1)))))
def test_never_raises_on_deadline_like_text(text, period):
    d = parse_deadline(text, period)
    assert d.kind in KINDS
    if d.start is not None and d.end is not None:
        assert d.start <= d.end
    if d.kind == "undated":
        assert d.start is None and d.end is None and d.warnings


def test_warnings_are_codes_with_parameters_and_english_as_text():
    """The bot translates a warning by its code (issue 16); the CLI prints the English text."""
    from bot.services.roadmap.notes import ParseWarning

    (warning,) = parse_deadline("ноябрь <2026>", (date(2026, 9, 1), date(2027, 5, 31))).warnings
    assert isinstance(warning, ParseWarning)
    assert warning.code == "unreadable_deadline"
    assert warning.params["reason"].code == "unexpected"
    assert warning.params["reason"].params == {"token": "<"}
    assert warning == "unreadable deadline: unexpected «<»"
    assert warning.to_json() == {"code": "unreadable_deadline", "params": {
        "reason": {"code": "unexpected", "params": {"token": "<"}}}}
    (outside,) = parse_deadline("июнь 2030", (date(2026, 9, 1), date(2027, 5, 31))).warnings
    assert outside.code == "outside_period"
    assert str(outside) == "the deadline lies outside the programme period"
