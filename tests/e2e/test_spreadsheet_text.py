"""Text people typed stays text in every workbook the bot writes: a name that looks like a
formula is shown, never evaluated, and a control character in a name no longer breaks the export
(issue #16, item 2). Through /report and the registry export end to end, and the monitoring
workbook built from the same names."""

from __future__ import annotations

import logging
import re
import zipfile
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import update

from bot.clock import ManualClock
from bot.services.reports import monitoring, monitoring_xlsx, registry_xlsx
from models import Participation, SurveyAnswer
from tests.digest.seed import MEETINGS_NOW, seed, seed_meetings
from tests.e2e.helpers import press
from tests.lifecycle.test_monitoring import INVITED, RECORDS, STAGE2

CURATOR = 760
BASE = 7600
EVIL = '=HYPERLINK("http://evil.example","Нажми")'
CONTROL = "Лебедева\x01 Ия"
SHOWN = "Лебедева Ия"
PHONE = "+7 999 000-00-00 позвоните"
AT = "@cmd|' /C calc'!A0"


def assert_no_formula(content: bytes) -> None:
    """Neither openpyxl nor the XML itself sees a formula anywhere in the workbook."""
    book = load_workbook(BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), name


def cells(content: bytes) -> dict[str, list]:
    book = load_workbook(BytesIO(content))
    return {sheet.title: [cell for row in sheet.iter_rows() for cell in row]
            for sheet in book.worksheets}


def values(content: bytes) -> list[object]:
    return [cell.value for sheet in cells(content).values() for cell in sheet]


def assert_text(content: bytes, expected: str) -> None:
    """`expected` is in the workbook as a text cell marked as text (Excel's «'» prefix)."""
    found = [cell for sheet in cells(content).values() for cell in sheet
             if cell.value == expected]
    assert found, f"{expected!r} is not in the workbook"
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix


async def test_formula_and_control_character_names_in_report_and_registry(live, emulator,
                                                                           caplog):
    caplog.set_level(logging.INFO)
    async with live.app.sessionmaker() as session, session.begin():
        seeded = await seed(session, live.app.translator, curator_telegram_id=CURATOR,
                            people_base=BASE)
        await seed_meetings(session, seeded)
        await session.execute(update(Participation).where(
            Participation.id == seeded.people["Иванова Анна"]).values(full_name=EVIL))
        await session.execute(update(Participation).where(
            Participation.id == seeded.people["Лебедева Ия"]).values(full_name=CONTROL))
        await session.execute(update(SurveyAnswer).where(
            SurveyAnswer.question_id == "what_to_change").values(value=PHONE))
    live.app.dispatcher["scheduler"].clock = ManualClock(MEETINGS_NOW)
    curator = emulator.user(CURATOR, first_name="Куратор", language_code="ru")

    await curator.send("/report")
    (report,) = await curator.wait_messages(1)
    content = report.document.content
    assert_no_formula(content)
    assert_text(content, EVIL)  # the registry and the pairs sheet
    assert_text(content, PHONE)  # a feedback answer
    shown = values(content)
    assert SHOWN in shown and "Сидоров Олег — Лебедева Ия" in shown
    assert not any(isinstance(v, str) and "\x01" in v for v in shown)
    pairs = load_workbook(BytesIO(content))["Пары"]
    assert pairs["B2"].value == EVIL and pairs["A2"].data_type == "n"  # numbers stay numbers

    await curator.send("/participants")
    await curator.wait_messages(1)
    await press(live, curator, "📥 Реестр XLSX")
    (export,) = await curator.wait_messages(1)
    registry = export.document.content
    assert_no_formula(registry)
    assert_text(registry, EVIL)
    assert SHOWN in values(registry)

    logged = "\n".join(record.getMessage() + (record.exc_text or "")
                       for record in caplog.records)
    assert "evil.example" not in logged and "Лебедева" not in logged
    assert "failed" not in logged


def test_monitoring_workbook_keeps_names_as_text(translator):
    """The monitoring workbook /report sends beside the report, built from formula-like and
    control-character names and title."""
    t = translator.bind("ru")
    report = monitoring.report(RECORDS + STAGE2, INVITED)
    content = monitoring_xlsx.build(report, t, "Мониторинг\x02", names={1: EVIL, 2: AT})
    assert_no_formula(content)
    assert_text(content, EVIL)
    assert_text(content, AT)
    assert load_workbook(BytesIO(content)).properties.title == "Мониторинг"
    assert_no_formula(registry_xlsx.build([], t, "Реестр"))
    # numbers the bot computed stay numbers next to the text
    completion = load_workbook(BytesIO(content)).worksheets[1]
    assert completion["H2"].data_type == "n" and completion["E2"].data_type == "n"
