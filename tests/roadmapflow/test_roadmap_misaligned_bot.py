"""A roadmap whose rows do not line up with its header, sent to the bot: the curator's preview
counts every item as dated, lists each of the roles written together as its own party, and
carries the warning that columns were read by their content."""

from __future__ import annotations

from datetime import date

from tests.e2e.helpers import press
from tests.roadmap.fixtures.misaligned import build
from tests.roadmapflow.test_roadmap_bot import CURATOR, items_of, setup, upload
from tests.texts import t

SCHOOL_YEAR = (date(2024, 9, 1), date(2025, 8, 31))


async def test_misaligned_roadmap_imports_dated_with_separate_roles(live, emulator):
    _, programme_id = await setup(live, SCHOOL_YEAR)
    curator = emulator.user(CURATOR, first_name="Мария", language_code="ru")
    preview = (await upload(live, curator, "merged_rows.docx",
                            build.build_docx("merged_rows"))).text
    assert "Пунктов: 11, со сроком: 11, без срока: 0." in preview
    assert "Замечания (1):" in preview
    assert "Руководители МО → роль" in preview
    assert "Наставники → все наставники программы" in preview
    assert "Октябрь-ноябрь →" not in preview  # no deadline is taken for a person any more
    await press(live, curator, t("roadmap.btn.save"))
    stored = {i.number: i for i in await items_of(live, programme_id)}
    assert len(stored) == 11 and all(i.ends_on is not None for i in stored.values())
    assert (stored["1.3"].starts_on, stored["1.3"].ends_on) == (date(2024, 10, 1),
                                                               date(2024, 11, 30))
