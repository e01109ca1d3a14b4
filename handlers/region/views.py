"""Texts and keyboards of the regional centre: the coordinator's /region pages and digest
setting, the owner's regions. Figures come as plain data from bot.services.region; every figure
about people goes through privacy.py there or here («<5»), and no participant's name exists in
the data to show."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.region import (
    RegionAction,
    RegionCallback,
    RegionOwnerAction,
    RegionOwnerCallback,
)
from bot.i18n import BoundTranslator, Html
from bot.services.people.participants import AGE_GROUPS
from bot.services.people.timezones import RUSSIAN_ZONES
from bot.services.programmes.forms import form_title
from bot.services.region import privacy
from bot.services.region.access import CoordinatorView, OrganisationChoice, RegionView
from bot.services.region.digest import DIGEST_TIMES, WEEKDAYS, shown, signed, summary
from bot.services.region.figures import FLAGS, OrgFigures, RegionFigures
from handlers.shared.day_time import time_picker, weekday_picker
from models import PAIR_STAGES

PAGE_SIZE = 8
OWNER_PAGE_SIZE = 10
MAX_ORG_NAME = 80
MAX_BREAKDOWN = 12  # role × form × age lines on the first page


def pages(figures: RegionFigures) -> int:
    return max(1, -(-len(figures.organisations) // PAGE_SIZE))


def _short(name: str, limit: int = MAX_ORG_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _breakdown(figures: RegionFigures, t: BoundTranslator) -> str:
    people = figures.people
    roles = ("mentor", "mentee")
    keys = sorted(people, key=lambda k: (roles.index(k[0]) if k[0] in roles else 9, k[1],
                                         AGE_GROUPS.index(k[2]) if k[2] in AGE_GROUPS else 9))
    parts = [t.plain("region.page.breakdown_item", role=t.plain(f"role.{role}"),
                     form=form_title(form, t.plain) if form else t.plain("region.no_form"),
                     age=t.plain(f"age_group.{age}"), n=shown(privacy.count(people[(role, form,
                                                                                    age)])))
             for role, form, age in keys[:MAX_BREAKDOWN]]
    if len(keys) > MAX_BREAKDOWN:
        parts.append(t.plain("region.page.breakdown_more", n=len(keys) - MAX_BREAKDOWN))
    return escape("; ".join(parts), quote=False)


def header(figures: RegionFigures, t: BoundTranslator, *, first_page: bool) -> list[str]:
    s = summary(figures)
    stages = figures.pairs_by_stage()
    counted = (figures.computed_at or datetime.now(UTC)).astimezone(ZoneInfo(figures.timezone))
    lines = [t("region.page.title", region=figures.name, date=counted.strftime("%d.%m.%Y"),
               time=counted.strftime("%H:%M")),
             t("region.page.orgs", n=s.organisations, running=s.with_running,
               preparing=figures.organisations_with("preparing"),
               completed=figures.organisations_with("completed")),
             t("region.page.people", mentors=shown(s.mentors), mentees=shown(s.mentees)),
             t("region.page.pairs", pairs=shown(s.open_pairs), stages=Html(escape(", ".join(
                 t.plain(f"region.stage.{stage}", n=shown(privacy.count(stages[stage])))
                 for stage in PAIR_STAGES if stages[stage]) or "—", quote=False)),
               at_risk=shown(s.at_risk), share=shown(s.at_risk_share, percent=True)),
             t("region.page.meetings", this=s.meetings_this_week, last=s.meetings_last_week,
               usefulness=shown(s.usefulness)),
             t("region.page.monitoring", share=shown(s.monitoring, percent=True),
               stage1=shown(s.stage1), stage2=signed(s.stage2))]
    if first_page and figures.people:
        lines.append(t("region.page.breakdown", items=Html(_breakdown(figures, t))))
    lines.append(t("region.page.attention", no_meetings=s.no_meetings,
                   monitoring=s.monitoring_not_done, overdue=s.overdue_organisations))
    return lines


def _contact(org: OrgFigures, t: BoundTranslator) -> str:
    if not org.curators:
        return t("region.page.no_curator")
    links = [f'<a href="tg://user?id={c.telegram_id}">{escape(c.name, quote=False)}</a>'
             if c.telegram_id else escape(c.name, quote=False) for c in org.curators[:3]]
    return t("region.page.curator", curators=Html(", ".join(links)))


def organisation_lines(number: int, org: OrgFigures, t: BoundTranslator) -> list[str]:
    flags = " ".join(t(f"region.flag.{flag}", n=org.roadmap_overdue) for flag in FLAGS
                     if flag in org.flags)
    per_week = sum(org.meetings_by_week[-4:]) / 4
    return [t("region.page.org", number=number, name=_short(org.name),
              flags=Html(" " + flags if flags else "")),
            t("region.page.org_figures",
              mentors=shown(privacy.count(org.active("mentor"))),
              mentees=shown(privacy.count(org.active("mentee"))),
              pairs=shown(privacy.count(org.open_pairs)),
              at_risk=shown(privacy.count(org.at_risk)),
              per_week=f"{per_week:.1f}",
              usefulness=shown(privacy.mean(org.usefulness_sum, org.usefulness_answers,
                                            org.usefulness_people)),
              monitoring=shown(privacy.share(org.monitoring_answered, org.monitoring_asked),
                               percent=True),
              overdue=org.roadmap_overdue),
            "   " + _contact(org, t)]


def page_text(figures: RegionFigures, page: int, t: BoundTranslator) -> str:
    lines = header(figures, t, first_page=page == 0)
    orgs = figures.organisations[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    if not figures.organisations:
        lines += ["", t("region.page.empty")]
        return "\n".join(lines)
    lines += ["", t("region.page.list", first=page * PAGE_SIZE + 1,
                    last=page * PAGE_SIZE + len(orgs), total=len(figures.organisations))]
    for number, org in enumerate(orgs, start=page * PAGE_SIZE + 1):
        lines += organisation_lines(number, org, t)
    return "\n".join(lines)


def page_keyboard(figures: RegionFigures, page: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    region = figures.region_id
    orgs = figures.organisations[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    for number, org in enumerate(orgs, start=page * PAGE_SIZE + 1):
        if org.flags and org.curators:
            builder.row(_button(t.plain("region.button.nudge", number=number,
                                        name=_short(org.name, 40)),
                                RegionCallback(action=RegionAction.NUDGE, region=region,
                                               page=page, org=org.organisation_id)))
    navigation = []
    if page > 0:
        navigation.append(_button(t.plain("region.button.previous"), RegionCallback(
            action=RegionAction.PAGE, region=region, page=page - 1)))
    if page + 1 < pages(figures):
        navigation.append(_button(t.plain("region.button.next"), RegionCallback(
            action=RegionAction.PAGE, region=region, page=page + 1)))
    if navigation:
        builder.row(*navigation)
    builder.row(_button(t.plain("region.button.report"),
                        RegionCallback(action=RegionAction.REPORT, region=region)),
                _button(t.plain("region.button.digest_now"),
                        RegionCallback(action=RegionAction.DIGEST_NOW, region=region)))
    builder.row(_button(t.plain("region.button.digest_time"),
                        RegionCallback(action=RegionAction.DIGEST_DAY, region=region)))
    return builder.as_markup()


def _button(text: str, data: RegionCallback | RegionOwnerCallback):
    from aiogram.types import InlineKeyboardButton

    return InlineKeyboardButton(text=text, callback_data=data.pack())


def choose_region(regions: list[CoordinatorView], t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for view in regions:
        builder.row(_button(t.plain("region.button.choose", region=view.region),
                            RegionCallback(action=RegionAction.CHOOSE, region=view.region_id)))
    return builder.as_markup()


def weekdays(region_id: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    return weekday_picker(t, WEEKDAYS, lambda day: RegionCallback(
        action=RegionAction.DIGEST_TIME, region=region_id, value=day), per_row=4)


def times(region_id: int, weekday: int) -> InlineKeyboardMarkup:
    return time_picker(DIGEST_TIMES, lambda slot: RegionCallback(
        action=RegionAction.DIGEST_SET, region=region_id, page=weekday, value=slot))


# -- the owner ------------------------------------------------------------------------------------

def zones(t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for index, (zone, _) in enumerate(RUSSIAN_ZONES):
        builder.button(text=t.plain(f"timezone.zone.{zone}"), callback_data=RegionOwnerCallback(
            action=RegionOwnerAction.ZONE, value=index))
    builder.adjust(2)
    return builder.as_markup()


def regions_text(regions: list[RegionView], t: BoundTranslator) -> str:
    if not regions:
        return t("region.owner.none")
    return "\n".join([t("region.owner.title")] + [
        t("region.owner.line", name=r.name, zone=r.timezone, orgs=r.organisations,
          coordinators=r.coordinators) for r in regions])


def regions_keyboard(regions: list[RegionView], t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for r in regions:
        builder.row(_button(t.plain("region.owner.orgs_button", name=_short(r.name, 40)),
                            RegionOwnerCallback(action=RegionOwnerAction.ORGS, region=r.id)),
                    _button(t.plain("region.owner.link_button", name=_short(r.name, 40)),
                            RegionOwnerCallback(action=RegionOwnerAction.LINK, region=r.id)))
    return builder.as_markup()


def organisation_toggles(region_id: int, choices: list[OrganisationChoice], page: int,
                         total: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for choice in choices:
        builder.row(_button(t.plain("region.owner.toggle_on" if choice.chosen
                                    else "region.owner.toggle_off", name=_short(choice.name, 50)),
                            RegionOwnerCallback(action=RegionOwnerAction.TOGGLE,
                                                region=region_id, page=page, org=choice.id)))
    navigation = []
    if page > 0:
        navigation.append(_button(t.plain("region.button.previous"), RegionOwnerCallback(
            action=RegionOwnerAction.ORGS, region=region_id, page=page - 1)))
    if (page + 1) * OWNER_PAGE_SIZE < total:
        navigation.append(_button(t.plain("region.button.next"), RegionOwnerCallback(
            action=RegionOwnerAction.ORGS, region=region_id, page=page + 1)))
    if navigation:
        builder.row(*navigation)
    builder.row(_button(t.plain("region.owner.link_here"),
                        RegionOwnerCallback(action=RegionOwnerAction.LINK, region=region_id)))
    return builder.as_markup()
