"""The curator's /report: one XLSX workbook (Excel and LibreOffice) with the registry
«Участники», the pairs «Пары», the meetings «Встречи», the meeting feedback «Обратная связь»,
the indicators «Сводка», the federal statistics counts «ФСН» (participants by role, form and
age group) and the curator's chosen pairs' stories «Лучшие практики». Figures come from bot.services.reports.programme_stats, the
same ones the digest and /status show."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.services.lifecycle.practices import Practice
from bot.services.programmes.curation import ExportRow
from bot.services.programmes.forms import form_title
from bot.services.reports.cells import append_row, workbook_bytes
from bot.services.reports.programme_stats import (
    FEEDBACK_SURVEY,
    PAIR_STATES,
    ROLES,
    FeedbackRow,
    MeetingRow,
    PairRow,
    ProgrammeFigures,
)
from bot.services.reports.registry_xlsx import (
    DATE_FORMAT,
    fill_registry,
    finish_table,
    fit_columns,
    style_header,
)
from bot.services.surveys import load_definitions
from models import PAIR_STAGES

T = Callable[..., str]
AGE_GROUPS = ("under_14", "14_17", "18_plus")
PERCENT_FORMAT = "0%"


def _pairs(sheet, rows: Sequence[PairRow], t: T) -> None:
    headers = [t(f"report.pairs.{name}") for name in
               ("number", "mentor", "mentee", "form", "state", "stage", "created", "ended")]
    append_row(sheet, headers)
    style_header(sheet)
    for row in rows:
        append_row(sheet, [row.number, row.mentor, row.mentee, form_title(row.form, t),
                      t(f"report.pair_state.{row.state}"), t(f"report.stage.{row.stage}"),
                      row.created_on, row.ended_on])
    for (created, ended) in sheet.iter_rows(min_row=2, min_col=7, max_col=8):
        created.number_format = ended.number_format = DATE_FORMAT
    fit_columns(sheet, (7, 8))
    finish_table(sheet, len(headers), len(rows))


def _summary(sheet, figures: ProgrammeFigures, t: T) -> None:
    no_data = t("report.no_data")
    append_row(sheet, [t("report.summary.indicator"), t("report.summary.value")])
    style_header(sheet)
    rows: list[tuple[str, object, str | None]] = [
        (t("report.summary.date"), figures.today, DATE_FORMAT),
        (t("report.summary.mentors"), figures.active("mentor"), None),
        (t("report.summary.mentees"), figures.active("mentee"), None),
        (t("report.summary.paired"), figures.paired_total, None),
        (t("report.summary.paired_share"),
         figures.paired_share if figures.paired_share is not None else no_data, PERCENT_FORMAT),
        (t("report.summary.open_pairs"), figures.open_pairs, None),
    ]
    rows += [(t("report.summary.stage", stage=t(f"report.stage.{stage}")),
              figures.pairs_by_stage[stage], None) for stage in PAIR_STAGES]
    rows += [(t("report.summary.pair_state", state=t(f"report.pair_state.{state}")),
              figures.pairs_by_state[state], None) for state in PAIR_STATES[2:]]
    def share(value: float | None) -> object:
        return value if value is not None else no_data

    def score(value: float | None) -> object:
        return round(value, 2) if value is not None else no_data

    rows += [
        (t("report.summary.cadence_share", days=figures.cadence_days),
         share(figures.cadence_share), PERCENT_FORMAT),
        (t("report.summary.at_risk"), len(figures.at_risk), None),
        (t("report.summary.meetings_week"), figures.meetings_this_week, None),
        (t("report.summary.meetings_last_week"), figures.meetings_last_week, None),
        (t("report.summary.meetings_total"), sum(p.meetings for p in figures.chart_series), None),
        (t("report.summary.feedback_completion"), share(figures.feedback_completion),
         PERCENT_FORMAT),
        (t("report.summary.outstanding"), figures.feedback_outstanding, None),
        (t("report.summary.feedback"), score(figures.feedback_avg), None),
        (t("report.summary.feedback_prev"), score(figures.feedback_avg_prev), None),
    ]
    rows += [(t("report.summary.feedback_form", form=form_title(form, t) if form else "—"),
              score(avg), None) for form, avg in sorted(figures.avg_by_form.items())]
    rows += [
        (t("report.summary.overdue"), len(figures.roadmap_overdue), None),
        (t("report.summary.upcoming"), len(figures.roadmap_upcoming), None),
        (t("report.summary.unreachable"), len(figures.unreachable), None),
        (t("report.summary.failed"), figures.failed_deliveries, None),
    ]
    for label, value, number_format in rows:
        append_row(sheet, [label, value])
        if number_format and not isinstance(value, str):
            sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    fit_columns(sheet)
    sheet.column_dimensions["B"].width = 14
    finish_table(sheet, 2, len(rows))


def _meetings(sheet, rows: Sequence[MeetingRow], t: T) -> None:
    headers = [t(f"report.meetings.{name}") for name in
               ("date", "pair", "kind", "duration", "state")]
    append_row(sheet, headers)
    style_header(sheet)
    for row in rows:
        append_row(sheet, [row.day, row.pair, t(f"meetings.kind.{row.kind}"), row.duration_minutes,
                      t(f"report.meeting_state.{row.state}")])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = DATE_FORMAT
    fit_columns(sheet, (1,))
    finish_table(sheet, len(headers), len(rows))


def _option_labels(locale: str) -> dict[str, str]:
    survey = load_definitions().get(FEEDBACK_SURVEY)
    labels: dict[str, str] = {}
    for question in survey.questions:
        for option in getattr(question, "options", ()) or ():
            labels[option.id] = option.text.get(locale)
    return labels


def _feedback(sheet, rows: Sequence[FeedbackRow], t: T) -> None:
    headers = [t(f"report.feedback.{name}") for name in
               ("date", "role", "usefulness", "valuable", "to_change")]
    append_row(sheet, headers)
    style_header(sheet)
    labels = _option_labels(getattr(t, "locale", "ru"))
    for row in rows:
        valuable = [row.valuable_other if v == "other" and row.valuable_other
                    else labels.get(v, v) for v in row.valuable]
        append_row(sheet, [row.meeting_day, t(f"role.{row.role}"), row.usefulness,
                      "; ".join(valuable), row.to_change or ""])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        cell.number_format = DATE_FORMAT
    fit_columns(sheet, (1,))
    finish_table(sheet, len(headers), len(rows))


def _fsn(sheet, figures: ProgrammeFigures, t: T) -> None:
    headers = [t("report.fsn.role"), t("report.fsn.form"), t("report.fsn.age_group"),
               t("report.fsn.count")]
    append_row(sheet, headers)
    style_header(sheet)
    count = 0
    for (role, form, age), n in sorted(
            figures.by_role_form_age.items(),
            key=lambda item: (ROLES.index(item[0][0]) if item[0][0] in ROLES else 9, item[0][1],
                              AGE_GROUPS.index(item[0][2]) if item[0][2] in AGE_GROUPS else 9)):
        append_row(sheet, [t(f"role.{role}"), form_title(form, t) if form else "—",
                      t(f"age_group.{age}"), n])
        count += 1
    for role in ROLES:
        append_row(sheet, [t("report.fsn.total", role=t(f"role.{role}")), "", "", figures.active(role)])
        count += 1
    fit_columns(sheet)
    finish_table(sheet, len(headers), count)


def _practices(sheet, rows: Sequence[Practice], t: T, programme: str, timezone: str) -> None:
    """The stories the curator marked for the base of good practices; a story shared "without
    my name" names nobody of the pair."""
    from zoneinfo import ZoneInfo

    headers = [t(f"practices.xlsx.{name}") for name in
               ("programme", "form", "mentor", "mentee", "author", "text", "date")]
    append_row(sheet, headers)
    style_header(sheet)
    zone = ZoneInfo(timezone)
    hidden = t("practices.xlsx.anonymous")
    for row in rows:
        mentor = hidden if row.anonymous else row.mentor_name or t("practices.no_name")
        mentee = hidden if row.anonymous else row.mentee_name or t("practices.no_name")
        day = row.submitted_at.astimezone(zone).date() if row.submitted_at else None
        append_row(sheet, [programme, form_title(row.form, t), mentor, mentee,
                      t(f"practices.author.{row.author_role}"), row.text, day])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        cell.number_format = DATE_FORMAT
    fit_columns(sheet, (7,))
    finish_table(sheet, len(headers), len(rows))


def build(figures: ProgrammeFigures, registry: Sequence[ExportRow], pairs: Sequence[PairRow],
          t: T, *, meetings: Sequence[MeetingRow] = (), feedback: Sequence[FeedbackRow] = (),
          practices: Sequence[Practice] = ()) -> bytes:
    from openpyxl import Workbook  # heavy: imported when a report is built

    workbook = Workbook()
    people = workbook.active
    people.title = t("report.sheet.participants")[:31]
    fill_registry(people, registry, t)
    _pairs(workbook.create_sheet(t("report.sheet.pairs")[:31]), pairs, t)
    _meetings(workbook.create_sheet(t("report.sheet.meetings")[:31]), meetings, t)
    _feedback(workbook.create_sheet(t("report.sheet.feedback")[:31]), feedback, t)
    _summary(workbook.create_sheet(t("report.sheet.summary")[:31]), figures, t)
    _fsn(workbook.create_sheet(t("report.sheet.fsn")[:31]), figures, t)
    _practices(workbook.create_sheet(t("practices.xlsx.sheet")[:31]), practices, t,
               figures.title, figures.timezone)
    return workbook_bytes(workbook, figures.title)
