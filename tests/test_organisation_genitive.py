"""The genitive of real school and college names for printed letters
(bot/services/programmes/genitive.py): only the head noun phrase before a quoted name, a
number or an abbreviation is declined; quoted names, abbreviations and numbers stay as typed."""

from __future__ import annotations

import pytest

from bot.services.lifecycle import letters
from bot.services.programmes import programmes
from bot.services.programmes.genitive import genitive
from models import Organisation

NAMES = [
    ("Лицей «Вектор»", "Лицея «Вектор»"),
    ("Гимназия № 1", "Гимназии № 1"),
    ("Школа № 1535", "Школы № 1535"),
    ("Средняя общеобразовательная школа № 12", "Средней общеобразовательной школы № 12"),
    ("Колледж связи № 54", "Колледжа связи № 54"),
    ("Техникум «Профи»", "Техникума «Профи»"),
    ("Политехнический техникум", "Политехнического техникума"),
    ("Центр образования № 1", "Центра образования № 1"),
    ("Детский сад № 5", "Детского сада № 5"),
    ("Лицей-интернат № 2", "Лицея-интерната № 2"),
    ("Президентский физико-математический лицей № 239",
     "Президентского физико-математического лицея № 239"),
    ("Московский государственный колледж электромеханики и информационных технологий",
     "Московского государственного колледжа электромеханики и информационных технологий"),
    ("Гимназия имени А. С. Пушкина", "Гимназии имени А. С. Пушкина"),
    ("Лицей № 1 г. Москвы", "Лицея № 1 г. Москвы"),
    ("Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 3»",
     "Муниципального бюджетного общеобразовательного учреждения «Средняя школа № 3»"),
    ("Частная школа «Росток»", "Частной школы «Росток»"),
    ("лицей «Вектор»", "лицея «Вектор»"),
    # An abbreviation heads the name: «Администрация МБОУ «СОШ № 5»» is already right.
    ("МБОУ «СОШ № 5»", "МБОУ «СОШ № 5»"),
    ("ГБПОУ «Колледж связи № 54»", "ГБПОУ «Колледж связи № 54»"),
    ("ГБОУ Школа № 1535", "ГБОУ Школа № 1535"),
    ("МБОУ МУК № 4 г. Кирова", "МБОУ МУК № 4 г. Кирова"),
    ("«Вектор»", "«Вектор»"),
    ("School 5", "School 5"),
    ("№ 5", "№ 5"),
    ("При школе", "При школе"),  # no noun in the nominative: left for the owner to type
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_genitive_of_real_names(name: str, expected: str) -> None:
    assert genitive(name) == expected


def test_a_proposal_is_cleaned_like_the_name() -> None:
    assert programmes.propose_genitive("  Лицей   «Вектор» ") == "Лицея «Вектор»"


def test_an_organisation_without_a_stored_genitive_gets_one_computed() -> None:
    """Organisations created before migration 0022 have NULL: their letters still decline;
    a confirmed or typed genitive wins over the computed one."""
    old = Organisation(name="Гимназия № 7", name_genitive=None, kind="school",
                       timezone="Europe/Moscow")
    assert programmes.name_in_genitive(old) == "Гимназии № 7"
    typed = Organisation(name="Гимназия № 7", name_genitive="Гимназии № 7 им. Гагарина",
                         kind="school", timezone="Europe/Moscow")
    assert programmes.name_in_genitive(typed) == "Гимназии № 7 им. Гагарина"


def test_a_letter_queued_before_the_genitive_prints_the_name() -> None:
    args = {"organisation": "Лицей «Вектор»", "full_name": "А", "programme": "П",
            "starts_on": "2026-09-01", "ends_on": "2027-05-31", "curator_name": "К",
            "issued_on": "2027-06-01", "locale": "ru"}
    assert letters.letter_of(args).organisation_after_administration == "Лицей «Вектор»"
