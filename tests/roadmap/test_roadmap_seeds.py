"""Every item of each roadmap, written out by hand from the documents: the project's own
fixtures (tests/roadmap/fixtures) and the three real seed roadmaps (../shared/seeds, skipped
when absent)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.roadmap import parse_roadmap
from tests.roadmap.conftest import ALL

D = date
P000 = (D(2021, 1, 1), D(2021, 12, 31))
P001 = (D(2022, 8, 1), D(2023, 6, 30))
P002 = (D(2020, 9, 1), D(2021, 8, 31))
DEC21 = (D(2021, 12, 1), D(2021, 12, 31))
SEP22 = (D(2022, 9, 1), D(2022, 9, 30))
AUG_SEP22 = (D(2022, 8, 1), D(2022, 9, 30))
SEP_DEC20 = (D(2020, 9, 1), D(2020, 12, 31))
SEP_FEB = (D(2020, 9, 1), D(2021, 2, 28))
DEC20 = (D(2020, 12, 1), D(2020, 12, 31))
NONE = (None, None)


def on(d: date) -> tuple[date, date]:
    return d, d


# (number, title start, (start, end)) in document order.
EXPECTED_000 = [
    ("1.1", "Разработка дорожной карты внедрения ЦМН", on(D(2021, 2, 15))),
    ("1.2", "Утверждение дорожной карты", on(D(2021, 2, 20))),
    ("1.3", "Разработка и утверждение иной распорядительной", P000),
    ("1.4", "Заключение соглашений с организациями-партнерами", P000),  # «в течение года»
    ("1.5", "Разработка и утверждение системы мотивации", on(D(2021, 12, 30))),
    ("2.1", "Формирование перечня партнерских организаций", P000),
    ("2.2", "Формирование баз наставников и наставляемых", P000),
    ("2.3", "Формирование баз программ наставничества", P000),
    ("2.4", "Разработка программно-методических материалов", P000),
    ("2.5", "Информирование педагогов, родителей", P000),
    ("2.6", "Популяризация ЦМН через региональные", P000),
    ("3.1", "Информационное продвижение ЦМН", P000),
    ("3.2", "Организация цикла обучающих семинаров", P000),  # «ежеквартально декабрь 2021»
    ("4.1", "Формирование и актуализация базы наставляемых", P000),
    ("4.2", "Формирование базы наставников для реализации ЦМН", P000),
    ("4.3", "Формирование наставнических пар и групп", P000),
    ("4.4", "Организация работы наставнических пар и групп", P000),
    ("4.5", "Формирование профессиональных сообществ", P000),
    ("4.6", "Завершение наставничества", NONE),  # «в соответствии со сроками … плана»
    ("5.1", "Осуществление персонифицированного учета", P000),  # «ежеквартально»
    ("5.2", "Оценка качества реализации программ", DEC21),
    ("5.3", "Оценка мотивационно-личностного", DEC21),
]

EXPECTED_001 = [
    ("1.1", "Изучение и систематизация имеющихся материалов", AUG_SEP22),
    ("1.2", "Подготовка нормативной базы", AUG_SEP22),
    ("1.3", "Выбор форм и программ наставничества", SEP22),
    ("1.4", "Информирование педагогов о целях целевой модели наставничества", SEP22),
    ("2.1", "Сбор данных о наставляемых", SEP22),
    ("2.2", "Формирование базы данных наставляемых", SEP22),
    ("3.1", "Сбор данных о наставниках", SEP22),
    ("3.2", "Формирование базы наставников", SEP22),
    ("4.1", "Отбор наставников", SEP22),
    ("4.2", "Обучение наставников для работы с наставляемыми", P001),  # «В течение периода»
    ("5.1", "Формирование наставнических пар/групп", SEP22),
    ("5.2", "Разработка индивидуального плана", (D(2022, 10, 1), D(2022, 10, 31))),
    ("6.1", "Организация комплекса последовательных встреч", (D(2022, 10, 1), D(2023, 5, 31))),
    ("6.2", "Организация текущего контроля", (D(2023, 1, 1), D(2023, 1, 31))),
    ("7.1", "Отчеты по итогам наставнической программы", (D(2023, 5, 1), D(2023, 5, 31))),
    ("7.2", "Мотивация и поощрения наставников", (D(2023, 5, 1), D(2023, 5, 31))),
]

EXPECTED_002 = [
    ("1.8", "Разработка положения о программе наставничества", on(D(2020, 10, 19))),
    ("1.9", "Разработка и утверждение распорядительных актов", on(D(2020, 11, 16))),
    ("1.10", "Разработка и утверждение распорядительной документации", on(D(2020, 11, 16))),
    ("1.11", "Заключение соглашений с организациями-партнерами", on(D(2021, 12, 21))),
    ("1.12", "Разработка и утверждение системы мотивации", on(D(2020, 12, 21))),
    ("1.13", "Разработка и утверждение мер по обеспечению доступности", on(D(2020, 12, 21))),
    ("2.1", "Информирование участников образовательных отношений", on(D(2020, 9, 21))),
    ("2.3", "Формирование перечня партнерских организаций", on(D(2020, 12, 1))),
    ("2.4", "Формирование баз наставников на уровне школы", P002),
    ("2.5", "Формирование баз программ наставничества", P002),
    ("2.6", "Информирование педагогов, родителей", SEP_DEC20),
    ("2.7", "Популяризация ЦМН через", SEP_DEC20),
    ("3.1", "Подготовка условий для запуска программы", (D(2020, 8, 1), D(2020, 9, 30))),
    ("3.2", "Формирование базы наставляемых в 2020 - 2021", (D(2020, 10, 5), D(2020, 10, 23))),
    ("3.3", "Формирование базы наставников для реализации", (D(2020, 10, 1), D(2020, 10, 23))),
    ("3.4", "Обучение наставников", NONE),  # «по отдельному графику»
    ("3.5", "Формирование наставнических пар или групп", on(D(2020, 12, 21))),
    ("3.6", "Организация работы наставнических пар или групп", NONE),
    ("3.7", "Завершение наставничества", NONE),
    ("4.1", "Участие в тематических мероприятиях", P002),
    ("4.2", "Создание специальных рубрик", on(D(2020, 11, 30))),
    ("4.3", "Формирование профессиональных сообществ", P002),
    ("4.4", "Организация встреч с сообществом выпускников", (D(2020, 11, 1), D(2021, 12, 31))),
    ("5.1", "Осуществление персонифицированного учета", SEP_DEC20),
    ("5.2", "Внесение в формы федерального статистического", NONE),  # Минпросвещения's dates
    ("5.3", "Проведение внутреннего мониторинга", SEP_FEB),
    ("5.4", "Сбор результатов мониторинга", SEP_FEB),
    ("5.5", "Мониторинг процесса реализации программ", NONE),  # no deadline in the document
    ("5.6", "Оценка качества реализации программ", DEC20),
    ("5.7", "Оценка мотивационно-личностного", DEC20),
    ("6.1.1", "на уровне школы: - контроль процедуры", (D(2020, 10, 1), D(2020, 12, 31))),
    ("6.2.1", "На уровне школы", P002),
]


PC = (D(2024, 1, 1), D(2024, 12, 31))
PS = (D(2024, 8, 1), D(2025, 6, 30))
PV = (D(2023, 9, 1), D(2024, 8, 31))
DEC24 = (D(2024, 12, 1), D(2024, 12, 31))
AUG_SEP24 = (D(2024, 8, 1), D(2024, 9, 30))
SEP24 = (D(2024, 9, 1), D(2024, 9, 30))
MAY25 = (D(2025, 5, 1), D(2025, 5, 31))

EXPECTED_COLLEGE = [
    ("1.1", "Подготовка проекта дорожной карты наставничества", on(D(2024, 2, 12))),
    ("1.2", "Утверждение дорожной карты приказом директора", on(D(2024, 2, 19))),
    ("1.3", "Подготовка положения о наставничестве", PC),  # «в течение года»
    ("1.4", "Договоры о сотрудничестве с предприятиями", PC),
    ("2.1", "Формирование базы наставников и наставляемых", PC),  # «… всего периода …»
    ("2.2", "Публикации о наставничестве на сайте техникума", PC),  # «ежеквартально декабрь 2024»
    ("2.3", "Семинары для наставников", PC),  # «ежеквартально»
    ("3.1", "Формирование наставнических пар и групп", on(D(2024, 3, 30))),
    ("3.2", "Встречи пар: знакомство", NONE),  # «в соответствии со сроками … плана»
    ("3.3", "Итоговая конференция наставников и наставляемых", DEC24),
    ("4.1", "Анкетирование участников об удовлетворенности", DEC24),
]

EXPECTED_SCHOOL = [
    ("1.1", "Анализ опыта наставничества в МАОУ СОШ № 7 г. Вологды", AUG_SEP24),
    ("1.2", "Подготовка локальных актов программы", AUG_SEP24),
    ("1.3", "Информирование коллектива о программе наставничества", SEP24),
    ("2.1", "Выявление запросов молодых педагогов", SEP24),
    ("3.1", "Отбор и обучение наставников", PS),  # «В течение периода»
    ("4.1", "Закрепление наставнических пар", SEP24),
    ("4.2", "Индивидуальные планы наставничества", (D(2024, 10, 1), D(2024, 10, 31))),
    ("5.1", "Регулярные встречи наставников и наставляемых", (D(2024, 10, 1), D(2025, 5, 31))),
    ("5.2", "Промежуточный контроль", (D(2025, 1, 1), D(2025, 1, 31))),
    ("6.1", "Итоговая оценка программы", MAY25),
    ("6.2", "Поощрение наставников", MAY25),
]

EXPECTED_VILLAGE = [
    ("1.6", "Разработка положения о наставничестве в МКОУ Береговской СОШ", on(D(2023, 10, 18))),
    ("1.7", "Подготовка приказов о программе наставничества", on(D(2023, 11, 20))),
    ("1.8", "Соглашения с организациями-партнерами", on(D(2024, 12, 21))),
    ("2.1", "Родительское собрание о программе наставничества", on(D(2023, 9, 25))),
    ("2.2", "Формирование базы наставников из учителей", PV),
    ("3.1", "Формирование базы наставляемых", (D(2023, 10, 2), D(2023, 10, 20))),
    ("3.2", "Обучение наставников", NONE),  # «по отдельному графику»
    ("3.3", "Формирование наставнических пар", on(D(2023, 12, 20))),
    ("3.4", "Встречи выпускников с учениками", (D(2023, 11, 1), D(2024, 5, 31))),
    ("4.1", "Внутренний мониторинг программы", (D(2023, 9, 1), D(2024, 2, 29))),
    ("4.2", "Мониторинг удовлетворенности участников", NONE),  # no deadline in the document
    ("4.3", "Оценка результатов программы", (D(2024, 5, 1), D(2024, 5, 31))),
    ("5.1.1", "на уровне школы: - контроль сроков", (D(2023, 10, 1), D(2023, 12, 29))),
    ("5.2.1", "На уровне школы", PV),
]

EXPECTED = {"college": EXPECTED_COLLEGE, "school": EXPECTED_SCHOOL, "village": EXPECTED_VILLAGE,
            "000": EXPECTED_000, "001": EXPECTED_001, "002": EXPECTED_002}


def _check(items, expected):
    got = [(i.number, i.title, (i.deadline.start, i.deadline.end)) for i in items]
    assert len(got) == len(expected), [g[0] for g in got]
    for (number, title, dates), (e_number, e_title, e_dates) in zip(got, expected, strict=True):
        assert number == e_number
        assert title.startswith(e_title), (number, title)
        assert dates == e_dates, (number, dates)


@pytest.mark.parametrize("key", ALL)
def test_seed_items(seed, key):
    name, content, period = seed(key)
    parsed = parse_roadmap(content, name, period)
    _check(parsed.items, EXPECTED[key])


def test_college_details(seed):
    """The shapes of seed 000 in the project's own words."""
    name, content, period = seed("college")
    items = {i.number: i for i in parse_roadmap(content, name, period).items}
    assert items["1.1"].section == (
        "1. Нормативное обеспечение наставничества студентов и молодых преподавателей техникума")
    assert items["4.1"].section == "4. Мониторинг программы наставничества"
    assert items["1.1"].responsible == ["А.С. Воронцова"]
    assert items["1.1"].deadline.kind == "by"
    assert items["1.1"].result == "Дорожная карта"
    # Rows continued over a page break are merged into the row they belong to.
    assert items["2.1"].result == (
        "База участников программы наставничества, в том числе: - студенты первого курса; "
        "- выпускники прошлых лет; - мастера производственного обучения")
    assert items["3.3"].result == (
        "Программа конференции и итоговые материалы, лучшие практики наставничества")
    assert items["2.2"].deadline.recurrence == "quarterly"
    assert items["2.3"].deadline.recurrence == "quarterly"
    assert items["3.2"].deadline.kind == "schedule"
    assert items["3.2"].result is None
    assert all(i.content is None for i in items.values())  # no content column


def test_school_details(seed):
    """The shapes of seed 001 in the project's own words."""
    name, content, period = seed("school")
    items = {i.number: i for i in parse_roadmap(content, name, period).items}
    assert items["1.2"].section == "1. Подготовка к запуску программы наставничества"
    assert items["6.2"].section == "6. Завершение программы"
    assert items["1.2"].content.startswith("1. Приказ о внедрении программы наставничества.")
    # 1.3 spills over a page break in three columns.
    assert items["1.3"].title == "Информирование коллектива о программе наставничества"
    assert items["1.3"].content == (
        "1. Выступление на педагогическом совете. 2. Новость на сайте школы. "
        "3. Памятка для родителей.")
    assert items["1.3"].responsible == ["Администрация МАОУ СОШ № 7 г. Вологды"]
    assert items["4.1"].content.endswith("2. Приказ о закреплении наставнических пар.")
    assert items["4.2"].responsible == ["Кураторы программы наставничества", "Наставники"]
    assert items["6.2"].responsible == [
        "Администрация МАОУ СОШ № 7 г. Вологды",
        "кураторы программы наставничества",
    ]
    assert all(i.result is None for i in items.values())  # the document has no result column


def test_village_details(seed):
    """The shapes of seed 002 in the project's own words."""
    name, content, period = seed("village")
    parsed = parse_roadmap(content, name, period)
    items = {i.number: i for i in parsed.items}
    assert items["1.6"].section is None  # the file starts mid-table, inside section 1
    assert items["2.1"].section == "2. Информирование и поддержка участников программы"
    assert items["5.1.1"].section == (
        "5. Управление программой наставничества / 5.1 Контроль реализации программы")
    assert items["5.2.1"].section.endswith("/ 5.2 Координация программы")
    assert items["1.7"].responsible == ["Зимина Е.А.", "Орлова Т.В."]
    assert items["3.1"].responsible == ["Орлова Т.В.", "Ковалев С.Д."]
    assert items["4.3"].responsible == ["Орлова Т.В.", "Зимина Е.А.", "организации - партнеры"]
    # HTML list markup is gone, the list text stays.
    assert "<" not in items["1.7"].title and "- сроки запуска программы в школе" in items["1.7"].title
    assert "<" not in items["2.2"].result and "- специалисты сельского поселения" in items["2.2"].result
    assert items["3.4"].title.endswith("представителями сельских предприятий о выборе профессии")
    assert items["3.4"].result == "Выступления выпускников перед учениками"
    assert items["3.2"].deadline.kind == "schedule"
    assert items["4.2"].deadline.kind == "undated" and items["4.2"].warnings
    assert any("outside the programme period" in w for w in items["1.8"].warnings)
    assert items["3.2"].result is None


def test_seed_000_details(seed):
    name, content, period = seed("000")
    items = {i.number: i for i in parse_roadmap(content, name, period).items}
    assert items["1.1"].section.startswith("1. Нормативное правовое регулирование")
    assert items["5.3"].section.startswith("5. Мониторинг и оценка результатов")
    assert items["1.1"].responsible == ["М.Г. Георгиевская"]
    assert items["1.1"].deadline.kind == "by"
    assert items["1.1"].result == "Дорожная карта"
    # Rows continued over a page break are merged into the row they belong to.
    assert items["2.2"].result == (
        "База наставников, потенциальных участников программ наставничества, включая: "
        '- базы обучающихся (в роли "наставляемого" и "наставника"); - базы выпускников; '
        "- базы наставников от предприятий и организаций; "
        "- базы наставников из числа активных педагогов"
    )
    assert items["5.1"].result.endswith("оценки вовлеченности обучающихся в различные формы наставничества")
    assert items["3.2"].deadline.recurrence == "quarterly"
    assert items["5.1"].deadline.recurrence == "quarterly"
    assert items["4.6"].deadline.kind == "schedule"
    assert items["4.6"].content is None


def test_seed_001_details(seed):
    name, content, period = seed("001")
    items = {i.number: i for i in parse_roadmap(content, name, period).items}
    assert items["1.2"].section == "1. Подготовка условий для запуска программы наставничества"
    assert items["7.2"].section == "7. Завершение наставничества"
    assert items["1.2"].content.startswith("1. Издание приказа о внедрении")
    # 1.4 spills over a page break in three columns.
    assert items["1.4"].title == "Информирование педагогов о целях целевой модели наставничества"
    assert items["1.4"].content == (
        "1. Проведение педагогического совета. 2. Информирование на официальном сайте. "
        "3. Информирование внешней среды."
    )
    assert items["1.4"].responsible == ["Администрация МБОУ МУК № 4 г. Кирова"]
    assert items["5.1"].content.endswith("2. Издание приказа об утверждении наставнических пар/групп.")
    assert items["5.2"].responsible == ["Кураторы целевой модели наставничества", "Наставники"]
    assert items["7.2"].responsible == [
        "Администрация МБОУ МУК № 4 г. Кирова",
        "кураторы целевой модели наставничества",
    ]
    assert all(i.result is None for i in items.values())  # the document has no result column


def test_seed_002_details(seed):
    name, content, period = seed("002")
    parsed = parse_roadmap(content, name, period)
    items = {i.number: i for i in parsed.items}
    assert items["1.8"].section is None  # the file starts mid-table, inside section 1
    assert items["2.1"].section.startswith("2. Организационная, методическая")
    assert items["6.1.1"].section == (
        "6. Координация и управление реализацией внедрения целевой модели наставничества / "
        "6.1 Контроль реализации мероприятий по внедрению целевой модели наставничества"
    )
    assert items["6.2.1"].section.endswith("/ 6.2 Координирование внедрения целевой модели наставничества")
    assert items["1.9"].responsible == ["Карпова И.Н.", "Светличная М.И."]
    assert items["1.12"].responsible == ["Карпова И.Н.", "Светличная М.И.", "Горьковенко М.В."]
    assert items["3.5"].responsible == ["Светличная М.И.", "Горьковенко М.И."]
    assert items["5.7"].responsible == ["Светличная М.И.", "Горьковенко М.В.", "организации - партнеры"]
    # HTML list markup is gone, the list text stays.
    assert "<" not in items["1.9"].title and "- сроки внедрения ЦМН" in items["1.9"].title
    assert "<" not in items["2.4"].result
    assert items["4.4"].title.endswith(
        "представителями муниципальных организаций и предприятий, обучающимися с целью "
        "информирования о реализации программ наставничества"
    )
    assert items["4.4"].result.startswith("Выявление и распространение лучших наставнических практик")
    assert items["3.4"].deadline.kind == "schedule"
    assert items["5.2"].deadline.kind == "schedule"
    assert items["5.5"].deadline.kind == "undated" and items["5.5"].warnings
    assert any("outside the programme period" in w for w in items["1.11"].warnings)
    assert items["3.4"].result is None


@pytest.mark.parametrize("key", ALL)
def test_seeds_without_period_keep_every_item(seed, key):
    name, content, _ = seed(key)
    parsed = parse_roadmap(content, name)
    expected = EXPECTED[key]
    assert [i.number for i in parsed.items] == [e[0] for e in expected]
    for item in parsed.items:
        if not item.is_dated:
            assert item.deadline.text is not None
