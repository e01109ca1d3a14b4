"""The responsible-people matcher: initials, order, ё, case, roles, ambiguity."""

from __future__ import annotations

import pytest

from bot.services.roadmap.people import Person, match_all, match_entry, name_matches, role_of

KARPOVA = Person("participation", 1, "Карпова Ирина Николаевна")
GEORGIEVSKAYA = Person("curator", 2, "Мария Григорьевна Георгиевская")
SVETLICHNAYA = Person("participation", 3, "Светличная Мария Ивановна")
FEDOROVA = Person("participation", 4, "Фёдорова Анна")
PEOPLE = [KARPOVA, GEORGIEVSKAYA, SVETLICHNAYA, FEDOROVA]


@pytest.mark.parametrize("raw, person", [
    ("Карпова И.Н.", KARPOVA),
    ("И.Н. Карпова", KARPOVA),
    ("Карпова И. Н.", KARPOVA),
    ("КАРПОВА и.н.", KARPOVA),
    ("Карпова Ирина Николаевна", KARPOVA),
    ("Ирина Карпова", KARPOVA),
    ("М.Г. Георгиевская", GEORGIEVSKAYA),
    ("Георгиевская М.Г.", GEORGIEVSKAYA),
    ("Федорова А.", FEDOROVA),
    ("Фёдорова Анна", FEDOROVA),
])
def test_names_match_whatever_the_order_initials_case_and_yo(raw, person):
    match = match_entry(raw, PEOPLE)
    assert match.kind == "person"
    assert match.candidates == (person,)
    assert match.confident


@pytest.mark.parametrize("raw", ["Карпова А.Н.", "Карпова И.П.", "Карпов И.Н.", "Петрова И.Н."])
def test_wrong_initials_or_surname_do_not_match(raw):
    assert match_entry(raw, PEOPLE).kind == "unknown"


def test_a_name_matching_two_people_is_not_confirmed_automatically():
    twins = [KARPOVA, Person("curator", 9, "Карпова Инна Николаевна")]
    match = match_entry("Карпова И.Н.", twins)
    assert match.kind == "person" and len(match.candidates) == 2
    assert not match.confident
    # The full first name tells them apart.
    assert match_entry("Карпова Инна", twins).candidates == (twins[1],)


@pytest.mark.parametrize("raw, role", [
    ("Куратор", "curator"),
    ("Кураторы целевой модели наставничества", "curator"),
    ("кураторы целевой модели наставничества", "curator"),
    ("Наставники", "mentor"),
    ("наставник", "mentor"),
    ("Наставляемые", "mentee"),
    ("Администрация МБОУ МУК № 4 г. Кирова", "administration"),
    ("Методисты", "methodist"),
    ("методиста", "methodist"),
    ("Педагоги", "teacher"),
    ("организации - партнеры", "partner"),
])
def test_roles_are_recognised_in_plural_and_other_forms(raw, role):
    assert role_of(raw) == role
    match = match_entry(raw, PEOPLE)
    assert match.kind == "role" and match.role == role and match.confident


def test_match_all_matches_each_distinct_entry_once():
    result = match_all(["Карпова И.Н.", "Наставники", "Карпова И.Н.", "Сидоров П.П."], PEOPLE)
    assert set(result) == {"Карпова И.Н.", "Наставники", "Сидоров П.П."}
    assert result["Сидоров П.П."].kind == "unknown"


def test_a_person_without_patronymic_still_matches_two_initials():
    assert name_matches("Федорова А.В.", "Фёдорова Анна")
    assert not name_matches("", "Фёдорова Анна")
