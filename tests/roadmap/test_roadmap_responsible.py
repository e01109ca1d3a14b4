"""The «Ответственные» cell: roles written one after another without separators become
several responsible parties; one role with abbreviations or a school's name stays one."""

from __future__ import annotations

import pytest

from bot.services.roadmap.responsible import names_people, split_responsible


@pytest.mark.parametrize(("cell", "entries"), [
    ("Педагог-психолог Классные руководители", ["Педагог-психолог", "Классные руководители"]),
    ("Руководители МО Наставники", ["Руководители МО", "Наставники"]),
    ("Заместитель директора по ВР Социальный педагог",
     ["Заместитель директора по ВР", "Социальный педагог"]),
    ("Зам. директора по УВР Педагог-организатор",
     ["Зам. директора по УВР", "Педагог-организатор"]),
    ("Руководитель ШМО Старшая вожатая", ["Руководитель ШМО", "Старшая вожатая"]),
    # One role each: an abbreviation, a school's name, a town are not the start of a new role.
    ("Заместитель директора по ВР", ["Заместитель директора по ВР"]),
    ("Администрация МБОУ МУК № 4 г. Кирова", ["Администрация МБОУ МУК № 4 г. Кирова"]),
    ("Руководитель МО учителей начальных классов",
     ["Руководитель МО учителей начальных классов"]),
    ("Заместитель директора по УВР Иванова И.И.", ["Заместитель директора по УВР", "Иванова И.И."]),
])
def test_roles_written_one_after_another_become_several_parties(cell, entries):
    assert split_responsible(cell) == entries


@pytest.mark.parametrize(("cell", "people"), [
    ("Педагог-психолог Классные руководители", True),
    ("Заместитель директора по ВР", True),
    ("Иванова А.П.", True),
    ("М.Г. Георгиевская, кураторы", True),
    ("Все педагоги", True),
    ("Информирование педагогов о запуске программы наставничества", False),
    ("Октябрь-ноябрь", False),
    ("Весь учебный год", False),
    ("База наставников", False),
    ("1.2", False),
])
def test_a_cell_of_people_and_roles_is_told_from_activities_and_dates(cell, people):
    assert names_people(cell) is people
