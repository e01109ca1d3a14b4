"""The monitoring report as an XLSX workbook: stage 1 averages (with a chart), completion,
stage 2 change per question and per participant. Numbers stay numbers (one decimal shown) so
the curator can recompute and chart them; each table has a frozen header and an autofilter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from io import BytesIO
from typing import TYPE_CHECKING

from bot.services.lifecycle.monitoring_surveys import CONDITIONS_SURVEY
from bot.services.programmes.forms import form_title
from bot.services.reports.cells import append_row, put, workbook_bytes
from bot.services.reports.monitoring import ROLES, MonitoringReport, Stage1, Stage2
from bot.services.reports.registry_xlsx import finish_table, style_header

if TYPE_CHECKING:  # openpyxl and matplotlib are imported only when a report is built
    from openpyxl.worksheet.worksheet import Worksheet

    from bot.services.reports.monitoring_data import CuratorAnswers

DECIMAL = "0.0"
PERCENT = "0.0%"
MAX_WIDTH = 60
CHART_ANCHOR = "H2"
ROLE_COLOURS = {"mentor": "#2E75B6", "mentee": "#F4B183"}

T = Callable[..., str]  # a bound translator


def question_label(t: T, question_id: str) -> str:
    return t(f"monitoring.q.{question_id}")


def _role(t: T, role: str | None) -> str:
    return t(f"monitoring.role.{role}") if role else t("monitoring.all_roles")


def _form(t: T, form: str | None) -> str:
    return form_title(form, t) if form else t("monitoring.all_forms")


def _table(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[object]],
           formats: Mapping[int, str]) -> None:
    """Header, rows, number formats (by 1-based column), widths, frozen header, autofilter."""
    from openpyxl.utils import get_column_letter

    append_row(sheet, headers)
    style_header(sheet)
    for row in rows:
        append_row(sheet, row)
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, header in enumerate(headers, start=1):
        values = [header] + [str(r[index - 1]) if not isinstance(r[index - 1], float) else "00.0"
                             for r in rows]
        width = max(len(v) for v in values) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width)
    finish_table(sheet, len(headers), len(rows))


def write_stage1(sheet: Worksheet, stage1: Stage1, t: T) -> None:
    sheet.title = t("monitoring.xlsx.stage1")[:31]
    rows = [(question_label(t, a.question_id), _role(t, a.role), _form(t, a.form), a.mean, a.count)
            for a in stage1.averages]
    headers = [t(f"monitoring.xlsx.{name}") for name in ("question", "role", "form", "mean",
                                                         "count")]
    _table(sheet, headers, rows, {4: DECIMAL})


def write_completion(sheet: Worksheet, report: MonitoringReport, t: T) -> None:
    sheet.title = t("monitoring.xlsx.completion")[:31]
    rows = [(_role(t, c.role), _form(t, c.form), c.invited, c.completed,
             c.rate if c.rate is not None else None) for c in report.stage1.completions]
    headers = [t(f"monitoring.xlsx.{name}") for name in ("role", "form", "invited", "completed",
                                                         "rate")]
    _table(sheet, headers, rows, {5: PERCENT})
    # Beside the table, outside its autofilter range.
    share = report.future_mentors
    from openpyxl.styles import Font

    for coordinate, value in (("G1", t("monitoring.xlsx.future_mentors")),
                              ("G2", t("monitoring.xlsx.answered")), ("H2", share.total),
                              ("G3", t("monitoring.xlsx.want_yes")), ("H3", share.count),
                              ("G4", t("monitoring.xlsx.rate")), ("H4", share.rate)):
        put(sheet[coordinate], value)
    sheet["G1"].font = Font(bold=True)
    sheet["H4"].number_format = PERCENT
    sheet.column_dimensions["G"].width = max(len(t("monitoring.xlsx.future_mentors")) + 2, 20)


def write_stage2(sheet: Worksheet, stage2: Stage2, t: T) -> None:
    sheet.title = t("monitoring.xlsx.stage2")[:31]
    rows = [(question_label(t, q.question_id), _role(t, q.role), q.count, q.entry_mean,
             q.exit_mean, q.delta_mean, q.improved) for q in stage2.questions]
    headers = [t(f"monitoring.xlsx.{name}") for name in ("question", "role", "people",
                                                         "entry", "exit", "delta", "improved")]
    _table(sheet, headers, rows, {4: DECIMAL, 5: DECIMAL, 6: DECIMAL})


def write_participants(sheet: Worksheet, stage2: Stage2, t: T,
                       names: Mapping[int, str] | None = None) -> None:
    """Stage 2 per participant; without `names` the participation id stands for the person."""
    sheet.title = t("monitoring.xlsx.participants_sheet")[:31]
    names = names or {}
    rows = [(names.get(c.participation_id, f"#{c.participation_id}"),
             t(f"role.{c.role}").capitalize(),
             _form(t, c.form), question_label(t, c.question_id), c.entry, c.exit, c.delta)
            for c in stage2.changes]
    headers = [t(f"monitoring.xlsx.{name}") for name in ("participant", "role", "form",
                                                         "question", "entry", "exit", "delta")]
    _table(sheet, headers, rows, {})


def write_conditions(sheet: Worksheet, conditions: Sequence[CuratorAnswers], t: T) -> None:
    """The curators' questionnaire about the programme's conditions: one row per curator and
    question, scores as numbers (with the mean of the curators), open answers as text."""
    from bot.services.surveys import ScaleQuestion, load_definitions

    sheet.title = t("practices.xlsx.conditions_sheet")[:31]
    survey = load_definitions().get(CONDITIONS_SURVEY)
    locale = getattr(t, "locale", "ru")
    rows: list[tuple[object, ...]] = []
    for question in survey.questions:
        label = question.text.get(locale)
        scores = []
        for number, curator in enumerate(conditions, start=1):
            value = curator.answers.get(question.id)
            name = curator.name or t("practices.xlsx.curator_n", number=number)
            if isinstance(question, ScaleQuestion):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    scores.append(value)
                    rows.append((label, name, value, ""))
            elif isinstance(value, str) and value.strip():
                rows.append((label, name, None, value.strip()))
        if len(scores) > 1:
            rows.append((label, t("practices.xlsx.all_curators"),
                         sum(scores) / len(scores), ""))
    headers = [t(f"practices.xlsx.{name}") for name in ("question", "curator", "score",
                                                        "answer")]
    _table(sheet, headers, rows, {3: DECIMAL})


def chart_png(stage1: Stage1, t: T) -> bytes:
    """Stage 1 averages per question, one bar per role, as a PNG (Agg: no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    questions = list(stage1.questions)
    figure = Figure(figsize=(8, 0.6 * max(len(questions), 3) + 1.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    height = 0.38
    for offset, role in enumerate(ROLES):
        means = []
        for question in questions:
            average = stage1.average(question, role)
            means.append(average.mean if average else 0.0)
        positions = [i + (offset - 0.5) * height for i in range(len(questions))]
        bars = axes.barh(positions, means, height=height, label=_role(t, role),
                         color=ROLE_COLOURS[role])
        axes.bar_label(bars, labels=[f"{m:.1f}" if m else "" for m in means], padding=2,
                       fontsize=8)
    axes.set_yticks(range(len(questions)), [question_label(t, q) for q in questions], fontsize=9)
    axes.invert_yaxis()  # the first question on top, as in the survey
    axes.set_xlim(0, 10.8)
    axes.set_xticks(range(0, 11))
    axes.set_title(t("monitoring.chart.title"))
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def build(report: MonitoringReport, t: T, title: str,
          names: Mapping[int, str] | None = None,
          conditions: Sequence[CuratorAnswers] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    workbook = Workbook()
    stage1_sheet = workbook.active
    write_stage1(stage1_sheet, report.stage1, t)
    if report.stage1.averages:
        image = Image(BytesIO(chart_png(report.stage1, t)))
        stage1_sheet.add_image(image, CHART_ANCHOR)
    write_completion(workbook.create_sheet(), report, t)
    write_stage2(workbook.create_sheet(), report.stage2, t)
    write_participants(workbook.create_sheet(), report.stage2, t, names)
    write_conditions(workbook.create_sheet(), conditions, t)
    return workbook_bytes(workbook, title)
