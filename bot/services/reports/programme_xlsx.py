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
from bot.services.reports.programme_stats import (
    FEEDBACK_SURVEY,
    PAIR_STATES,
    ROLES,
    FeedbackRow,
    MeetingRow,
    PairRow,
    ProgrammeFigures,
)
from bot.services.reports.registry_xlsx import registry_headers, registry_values
from bot.services.reports.xlsx_tables import DATE, PERCENT, Table, workbook_bytes
from bot.services.surveys import load_definitions, option_text
from models import PAIR_STAGES

T = Callable[..., str]
AGE_GROUPS = ("under_14", "14_17", "18_plus")


def _registry(title: str, rows: Sequence[ExportRow], t: T) -> Table:
    table = Table(title, registry_headers(t))
    for values in registry_values(rows, t):
        table.add(values)
    return table


def _pairs(title: str, rows: Sequence[PairRow], t: T) -> Table:
    table = Table(title, [t(f"report.pairs.{name}") for name in
                          ("number", "mentor", "mentee", "form", "state", "stage", "created",
                           "ended")])
    for row in rows:
        table.add([row.number, row.mentor, row.mentee, form_title(row.form, t),
                   t(f"report.pair_state.{row.state}"), t(f"report.stage.{row.stage}"),
                   row.created_on, row.ended_on])
    return table


def _summary(title: str, figures: ProgrammeFigures, t: T) -> Table:
    no_data = t("report.no_data")
    table = Table(title, [t("report.summary.indicator"), t("report.summary.value")],
                  fixed_widths={2: 14})
    rows: list[tuple[str, object, int | None]] = [
        (t("report.summary.date"), figures.today, DATE),
        (t("report.summary.mentors"), figures.active("mentor"), None),
        (t("report.summary.mentees"), figures.active("mentee"), None),
        (t("report.summary.paired"), figures.paired_total, None),
        (t("report.summary.paired_share"),
         figures.paired_share if figures.paired_share is not None else no_data, PERCENT),
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
         share(figures.cadence_share), PERCENT),
        (t("report.summary.at_risk"), len(figures.at_risk), None),
        (t("report.summary.meetings_week"), figures.meetings_this_week, None),
        (t("report.summary.meetings_last_week"), figures.meetings_last_week, None),
        (t("report.summary.meetings_total"), sum(p.meetings for p in figures.chart_series), None),
        (t("report.summary.feedback_completion"), share(figures.feedback_completion), PERCENT),
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
    for label, value, style in rows:
        table.add([label, value], styles=(None, style))
    return table


def _meetings(title: str, rows: Sequence[MeetingRow], t: T) -> Table:
    table = Table(title, [t(f"report.meetings.{name}") for name in
                          ("date", "pair", "kind", "duration", "state")])
    kinds: dict[str, str] = {}
    states: dict[str, str] = {}
    for row in rows:
        kind = kinds.get(row.kind) or kinds.setdefault(row.kind, t(f"meetings.kind.{row.kind}"))
        state = (states.get(row.state)
                 or states.setdefault(row.state, t(f"report.meeting_state.{row.state}")))
        table.add([row.day, row.pair, kind, row.duration_minutes, state])
    return table


def _option_labels(t: T) -> dict[str, str]:
    survey = load_definitions().get(FEEDBACK_SURVEY)
    labels: dict[str, str] = {}
    for question in survey.questions:
        for option in getattr(question, "options", ()) or ():
            labels[option.id] = option_text(question, option.id, t)
    return labels


def _feedback(title: str, rows: Sequence[FeedbackRow], t: T) -> Table:
    table = Table(title, [t(f"report.feedback.{name}") for name in
                          ("date", "role", "usefulness", "valuable", "to_change")])
    labels = _option_labels(t)
    roles = {role: t(f"role.{role}") for role in ROLES}
    for row in rows:
        valuable = [row.valuable_other if v == "other" and row.valuable_other
                    else labels.get(v, v) for v in row.valuable]
        table.add([row.meeting_day, roles.get(row.role) or t(f"role.{row.role}"),
                   row.usefulness, "; ".join(valuable), row.to_change or ""])
    return table


def _fsn(title: str, figures: ProgrammeFigures, t: T) -> Table:
    table = Table(title, [t("report.fsn.role"), t("report.fsn.form"),
                          t("report.fsn.age_group"), t("report.fsn.count")])
    for (role, form, age), n in sorted(
            figures.by_role_form_age.items(),
            key=lambda item: (ROLES.index(item[0][0]) if item[0][0] in ROLES else 9, item[0][1],
                              AGE_GROUPS.index(item[0][2]) if item[0][2] in AGE_GROUPS else 9)):
        table.add([t(f"role.{role}"), form_title(form, t) if form else "—",
                   t(f"age_group.{age}"), n])
    for role in ROLES:
        table.add([t("report.fsn.total", role=t(f"role.{role}")), "", "", figures.active(role)])
    return table


def _practices(title: str, rows: Sequence[Practice], t: T, programme: str,
               timezone: str) -> Table:
    """The stories the curator marked for the base of good practices; a story shared "without
    my name" names nobody of the pair."""
    from zoneinfo import ZoneInfo

    table = Table(title, [t(f"practices.xlsx.{name}") for name in
                          ("programme", "form", "mentor", "mentee", "author", "text", "date")])
    zone = ZoneInfo(timezone)
    hidden = t("practices.xlsx.anonymous")
    for row in rows:
        mentor = hidden if row.anonymous else row.mentor_name or t("practices.no_name")
        mentee = hidden if row.anonymous else row.mentee_name or t("practices.no_name")
        day = row.submitted_at.astimezone(zone).date() if row.submitted_at else None
        table.add([programme, form_title(row.form, t), mentor, mentee,
                   t(f"practices.author.{row.author_role}"), row.text, day])
    return table


def build(figures: ProgrammeFigures, registry: Sequence[ExportRow], pairs: Sequence[PairRow],
          t: T, *, meetings: Sequence[MeetingRow] = (), feedback: Sequence[FeedbackRow] = (),
          practices: Sequence[Practice] = ()) -> bytes:
    """The workbook (bot.services.reports.xlsx_tables: written directly, not through
    openpyxl, which took most of /report's time for 10,000 participants)."""
    return workbook_bytes([
        _registry(t("report.sheet.participants"), registry, t),
        _pairs(t("report.sheet.pairs"), pairs, t),
        _meetings(t("report.sheet.meetings"), meetings, t),
        _feedback(t("report.sheet.feedback"), feedback, t),
        _summary(t("report.sheet.summary"), figures, t),
        _fsn(t("report.sheet.fsn"), figures, t),
        _practices(t("practices.xlsx.sheet"), practices, t, figures.title, figures.timezone),
    ], figures.title)
