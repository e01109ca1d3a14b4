"""Letters of appreciation (благодарственные письма) for mentors as printable A4 PDFs.

The font is the DejaVu Sans that ships inside matplotlib (already a dependency), so Cyrillic is
typeset correctly without any system font. Russian declension of a name into the dative case is
unreliable, so the text is phrased to keep the mentor's name in the nominative on its own line.
Texts come from locales/*/LC_MESSAGES/lifecycle.po; the letter is plain text, not HTML.
Drawn at send time (the `letter_pdf` generator, bot/delivery/generators.py) and for the
curator's ZIP, in the letter's language."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.i18n import Html, Translator
from bot.services.lifecycle.letters import Letter, filename

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "DejaVu"
ACCENT = (31, 78, 121)  # dark blue of the frame and the title
TEXT = (33, 33, 33)
MARGIN = 25  # mm


@dataclass(frozen=True)
class RenderedLetter:
    filename: str
    pdf: bytes


def _text(translator: Translator, key: str, locale: str, **params: str) -> str:
    # The translator escapes parameters for Telegram's HTML; a PDF wants them as typed.
    return translator.get(key, locale, count=None, **{k: Html(v) for k, v in params.items()})


def _date(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def _font_dir() -> Path:
    import matplotlib  # only for the path of the DejaVu fonts it ships

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _pdf() -> FPDF:
    from fpdf import FPDF  # imported when a letter is made

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    fonts = _font_dir()
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    return pdf


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)


SIGNATURE_TOP = 70  # mm from the bottom edge
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)


def render(letter: Letter, translator: Translator) -> bytes:
    """One letter as a one-page A4 PDF; long names shrink the type rather than run into the
    signature block."""
    for scale in SCALES:
        pdf, body_bottom = _layout(letter, translator, scale)
        if body_bottom <= pdf.h - SIGNATURE_TOP - 4:
            break
    return bytes(pdf.output())


def _layout(letter: Letter, translator: Translator, scale: float) -> tuple[FPDF, float]:
    locale = letter.locale
    pdf = _pdf()
    pdf.set_title(_text(translator, "letter.title", locale))
    pdf.set_creator("mentorbot")
    pdf.add_page()
    _frame(pdf)
    width = pdf.w - 2 * MARGIN

    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, "B", 12 * scale)
    pdf.set_y(32)
    pdf.multi_cell(width, 6 * scale, letter.organisation, align="C")

    pdf.set_y(pdf.get_y() + 22 * scale)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 26 * scale)
    pdf.multi_cell(width, 12 * scale, _text(translator, "letter.title", locale).upper(), align="C")

    pdf.set_y(pdf.get_y() + 18 * scale)
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, "", 13 * scale)
    gratitude = _text(translator, "letter.gratitude", locale,
                      organisation=letter.organisation_after_administration)
    pdf.multi_cell(width, 7 * scale, gratitude, align="C")

    pdf.set_y(pdf.get_y() + 8 * scale)
    pdf.set_text_color(*ACCENT)
    pdf.set_font(FONT, "B", 20 * scale)
    pdf.multi_cell(width, 10 * scale, letter.full_name, align="C")

    pdf.set_y(pdf.get_y() + 8 * scale)
    pdf.set_text_color(*TEXT)
    pdf.set_font(FONT, "", 13 * scale)
    reason = _text(translator, "letter.reason", locale, programme=letter.programme,
                   start=_date(letter.starts_on, locale), end=_date(letter.ends_on, locale))
    pdf.multi_cell(width, 7 * scale, reason, align="J")
    pdf.set_y(pdf.get_y() + 6 * scale)
    pdf.multi_cell(width, 7 * scale, _text(translator, "letter.wish", locale), align="C")
    body_bottom = pdf.get_y()

    # Signature block at a fixed height so every letter of a batch looks the same.
    pdf.set_font(FONT, "", 11)
    pdf.set_y(pdf.h - SIGNATURE_TOP)
    half = width / 2
    pdf.multi_cell(half, 6, _text(translator, "letter.curator", locale), align="L",
                   new_x="RIGHT", new_y="TOP")
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(half, 6, letter.curator_name, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 10)
    pdf.set_draw_color(*TEXT)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN + half, pdf.get_y(), MARGIN + width, pdf.get_y())
    pdf.set_y(pdf.get_y() + 12)
    pdf.set_font(FONT, "", 11)
    pdf.cell(width, 6, _date(letter.issued_on, locale), align="L")
    return pdf, body_bottom


def render_all(letters: Iterable[Letter], translator: Translator) -> list[RenderedLetter]:
    return [RenderedLetter(filename(i, letter), render(letter, translator))
            for i, letter in enumerate(letters, start=1)]


def letters_archive(letters: Iterable[RenderedLetter]) -> bytes:
    """A ZIP of the letters for the curator to print; equal names get a numeric suffix."""
    buffer = BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            name, counter = letter.filename, 2
            while name in used:
                stem = letter.filename.removesuffix(".pdf")
                name, counter = f"{stem}_{counter}.pdf", counter + 1
            used.add(name)
            archive.writestr(name, letter.pdf)
    return buffer.getvalue()
