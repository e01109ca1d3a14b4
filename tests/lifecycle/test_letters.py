"""Letters of appreciation: one A4 page, Cyrillic text that can be extracted, a ZIP for printing."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from bot.services.lifecycle import letters_pdf as letters
from bot.services.lifecycle.letters_pdf import Letter

A4 = (595.28, 841.89)  # points


def letter(**changes) -> Letter:
    base = dict(organisation="МБОУ «Средняя школа № 7 & лицей»", full_name="Смирнова Анна Петровна",
                programme="Наставничество «ученик–ученик» 2025/26", starts_on=date(2025, 9, 1),
                ends_on=date(2026, 5, 31), curator_name="Кураторова Елена Ивановна",
                issued_on=date(2026, 6, 1))
    base.update(changes)
    return Letter(**base)


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_russian_letter_is_one_a4_page_with_the_name(translator):
    pdf = letters.render(letter(), translator)
    assert pdf.startswith(b"%PDF-")
    reader, text = _text(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    assert "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text
    assert "Смирнова Анна Петровна" in text
    # Typed as given: not HTML-escaped.
    assert "МБОУ «Средняя школа № 7 & лицей»" in text and "&amp;" not in text
    assert "выражает искреннюю благодарность наставнику" in text
    assert "1 сентября 2025" in text and "31 мая 2026" in text
    assert "Кураторова Елена Ивановна" in text and "1 июня 2026" in text
    assert "Наставничество «ученик–ученик» 2025/26" in text


def test_english_letter(translator):
    _, text = _text(letters.render(letter(locale="en", full_name="Anna Smirnova"), translator))
    assert "LETTER OF APPRECIATION" in text
    assert "Anna Smirnova" in text and "September 1, 2025" in text
    assert "Curator of the mentorship programme" in text


def _lowest_body_and_signature(pdf: bytes) -> tuple[float, float]:
    """PDF y (grows upward) of the wish line's last fragment and of the curator's caption."""
    found: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        for marker in ("успехов", "Куратор программы"):
            if marker in text:
                found[marker] = tm[5]

    PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found["успехов"], found["Куратор программы"]


@pytest.mark.parametrize("repeat", [1, 3, 6])
def test_long_texts_shrink_to_stay_above_the_signature(translator, repeat):
    long = letter(organisation="Государственное бюджетное профессиональное образовательное "
                  "учреждение «Технологический колледж имени героя труда» " * repeat,
                  programme="Программа наставничества " * (4 * repeat))
    pdf = letters.render(long, translator)
    reader, text = _text(pdf)
    assert len(reader.pages) == 1 and "Смирнова Анна Петровна" in text
    body, signature = _lowest_body_and_signature(pdf)
    assert body > signature + 10


def test_archive_holds_every_letter(translator):
    batch = [letter(), letter(full_name="Петров Борис"), letter()]
    rendered = letters.render_all(batch, translator)
    assert [r.filename for r in rendered] == ["01_Смирнова_Анна_Петровна.pdf",
                                              "02_Петров_Борис.pdf",
                                              "03_Смирнова_Анна_Петровна.pdf"]
    duplicate = letters.RenderedLetter(rendered[0].filename, rendered[0].pdf)
    data = letters.letters_archive([*rendered, duplicate])
    with zipfile.ZipFile(BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 4 == len(set(names))
        assert names[-1] == "01_Смирнова_Анна_Петровна_2.pdf"
        for name in names:
            assert archive.read(name).startswith(b"%PDF-")
        assert "Петров Борис" in _text(archive.read(names[1]))[1]


def test_filename_drops_path_characters():
    assert letters.filename(5, letter(full_name="../Иванов/Миша")) == "05_Иванов_Миша.pdf"
