"""The regional workbook, as a regional centre files it: the federal statistics counts (ФСН)
per organisation and in total, the monitoring summary, the at-risk list and an overview per
organisation. Built from RegionFigures alone (a fixed number of statements, whatever the number
of organisations); every group of people under 5 is «<5» (privacy.py). `t` renders plain text
(labels of a workbook)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.services.people.participants import AGE_GROUPS
from bot.services.region import privacy
from bot.services.region.digest import summary
from bot.services.region.figures import Flag, OrgFigures, RegionFigures
from bot.services.reports.cells import append_row, workbook_bytes
from models import PAIR_STAGES

if TYPE_CHECKING:  # openpyxl is imported only when a workbook is built
    from openpyxl.worksheet.worksheet import Worksheet

T = Callable[..., str]
Triple = tuple[float, int, int]  # a mean's sum, answers and people (privacy.mean)
ROLES = ("mentor", "mentee")


def _curators(org: OrgFigures) -> str:
    return ", ".join(c.name for c in org.curators) or "—"


def _form(form: str, t: T) -> str:
    if not form:
        return t("region.report.no_form")
    return form.removeprefix("custom:") if form.startswith("custom:") else t(f"form.{form}")


def _value(value: privacy.Shown) -> object:
    return "—" if value is None else value


def _style(sheet: Worksheet, widths: list[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def _fsn(sheet: Worksheet, figures: RegionFigures, t: T) -> None:
    region = figures.people
    columns = sorted(region, key=lambda k: (ROLES.index(k[0]) if k[0] in ROLES else 9, k[1],
                                            AGE_GROUPS.index(k[2]) if k[2] in AGE_GROUPS else 9))
    append_row(sheet, [t("region.report.organisation")]
               + [t("region.report.fsn_column", role=t(f"role.{role}"), form=_form(form, t),
                    age=t(f"age_group.{age}")) for role, form, age in columns]
               + [t("region.report.fsn_total", role=t(f"role.{role}")) for role in ROLES])
    for org in sorted(figures.organisations, key=lambda o: o.name.casefold()):
        append_row(sheet, [org.name] + [privacy.count(org.people.get(k, 0)) for k in columns]
                   + [privacy.count(org.active(role)) for role in ROLES])
    append_row(sheet, [t("region.report.total")] + [privacy.count(region[k]) for k in columns]
               + [privacy.count(sum(n for k, n in region.items() if k[0] == role))
                  for role in ROLES])
    _style(sheet, [40] + [18] * (len(columns) + len(ROLES)))


def _monitoring(sheet: Worksheet, figures: RegionFigures, t: T) -> None:
    append_row(sheet, [t("region.report.organisation"), t("region.report.mon_due"),
                       t("region.report.mon_asked"), t("region.report.mon_answered"),
                       t("region.report.mon_share"), t("region.report.stage1"),
                       t("region.report.stage2")])

    def row(name: str, due: object, asked: int, answered: int, s1: Triple, s2: Triple) -> None:
        append_row(sheet, [name, due, privacy.count(asked), privacy.count(answered),
                           _value(privacy.share(answered, asked)),
                           _value(privacy.mean(*s1)), _value(privacy.mean(*s2))])

    yes, no = t("region.report.yes"), t("region.report.no")
    for org in sorted(figures.organisations, key=lambda o: o.name.casefold()):
        row(org.name, yes if org.monitoring_due else no, org.monitoring_asked,
            org.monitoring_answered,
            (org.stage1_sum, org.stage1_answers, org.stage1_people),
            (org.stage2_sum, org.stage2_answers, org.stage2_people))
    total = figures.total
    row(t("region.report.total"), figures.flagged(Flag.MONITORING), total("monitoring_asked"),
        total("monitoring_answered"),
        (total("stage1_sum"), total("stage1_answers"), total("stage1_people")),
        (total("stage2_sum"), total("stage2_answers"), total("stage2_people")))
    for cell in sheet["E"][1:]:
        cell.number_format = "0%"
    for column in ("F", "G"):
        for cell in sheet[column][1:]:
            cell.number_format = "0.0"
    _style(sheet, [40, 14, 14, 14, 12, 16, 16])


def _at_risk(sheet: Worksheet, figures: RegionFigures, t: T) -> None:
    append_row(sheet, [t("region.report.organisation"), t("region.report.curator"),
                       t("region.report.active_pairs"), t("region.report.at_risk"),
                       t("region.report.at_risk_share"), t("region.report.no_meetings"),
                       t("region.report.monitoring_not_done"), t("region.report.overdue")])
    yes, no = t("region.report.yes"), t("region.report.no")
    for org in figures.organisations:  # by attention, as /region lists them
        if not org.at_risk and not org.flags:
            continue
        flags = org.flags
        append_row(sheet, [org.name, _curators(org), privacy.count(org.active_pairs),
                           privacy.count(org.at_risk),
                           _value(privacy.share(org.at_risk, org.active_pairs)),
                           yes if Flag.NO_MEETINGS in flags else no,
                           yes if Flag.MONITORING in flags else no, org.roadmap_overdue])
    for cell in sheet["E"][1:]:
        cell.number_format = "0%"
    _style(sheet, [40, 30, 14, 14, 12, 16, 16, 14])


def _overview(sheet: Worksheet, figures: RegionFigures, t: T) -> None:
    this_week, last_week = len(figures.week_starts) - 1, len(figures.week_starts) - 2
    append_row(sheet, [t("region.report.organisation"), t("region.report.curator")]
               + [t(f"region.report.programmes.{s}") for s in ("preparing", "running",
                                                               "completed")]
               + [t("region.report.mentors"), t("region.report.mentees"),
                  t("region.report.open_pairs")]
               + [t("region.report.stage", stage=t(f"report.stage.{s}"))
                  for s in PAIR_STAGES]
               + [t("region.report.meetings_this"), t("region.report.meetings_last"),
                  t("region.report.usefulness")])
    for org in sorted(figures.organisations, key=lambda o: o.name.casefold()):
        append_row(sheet, [org.name, _curators(org)]
                   + [org.programmes.get(s, 0) for s in ("preparing", "running", "completed")]
                   + [privacy.count(org.active("mentor")), privacy.count(org.active("mentee")),
                      privacy.count(org.open_pairs)]
                   + [privacy.count(org.pairs_by_stage.get(s, 0)) for s in PAIR_STAGES]
                   + [org.meetings_by_week[this_week], org.meetings_by_week[last_week],
                      _value(privacy.mean(org.usefulness_sum, org.usefulness_answers,
                                          org.usefulness_people))])
    _style(sheet, [40, 30] + [12] * (9 + len(PAIR_STAGES)))


def build(figures: RegionFigures, t: T) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary_sheet = workbook.active
    summary_sheet.title = t("region.report.sheet.summary")[:31]
    s = summary(figures)
    append_row(summary_sheet, [t("region.report.indicator"), t("region.report.value")])
    for key, value in (("orgs", s.organisations), ("running", s.with_running),
                       ("mentors", s.mentors), ("mentees", s.mentees),
                       ("open_pairs", s.open_pairs), ("at_risk", s.at_risk),
                       ("at_risk_share", s.at_risk_share),
                       ("meetings_this", s.meetings_this_week),
                       ("meetings_last", s.meetings_last_week), ("usefulness", s.usefulness),
                       ("mon_share", s.monitoring), ("stage1", s.stage1), ("stage2", s.stage2),
                       ("no_meetings_orgs", s.no_meetings),
                       ("monitoring_orgs", s.monitoring_not_done),
                       ("overdue_orgs", s.overdue_organisations),
                       ("overdue_items", s.overdue_items)):
        append_row(summary_sheet, [t(f"region.report.summary.{key}"), _value(value)])
    _style(summary_sheet, [50, 16])
    _fsn(workbook.create_sheet(t("region.report.sheet.fsn")[:31]), figures, t)
    _monitoring(workbook.create_sheet(t("region.report.sheet.monitoring")[:31]), figures, t)
    _at_risk(workbook.create_sheet(t("region.report.sheet.at_risk")[:31]), figures, t)
    _overview(workbook.create_sheet(t("region.report.sheet.organisations")[:31]), figures, t)
    return workbook_bytes(workbook, title=t("region.report.title", region=figures.name,
                                            date=figures.today.strftime("%d.%m.%Y")))
