"""The coordinator's weekly regional digest: its weekday and time, the periodic job that queues
it once per coordinator, region and ISO week, and «show now».

The digest goes through the outbox as a text key with parameters (rendered in the recipient's
language when sent) and a chart drawn at send time from plain numbers; neither holds a name,
only the region's aggregated figures with small groups shown as «<5» (privacy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import AccessDenied
from bot.services.notices import outbox
from bot.services.notices.buttons import Target
from bot.services.region import access, privacy, snapshot
from bot.services.region.figures import Flag, RegionFigures
from models import OutboxMessage, Region, RegionCoordinator, User

WEEKDAYS = tuple(range(7))
DIGEST_TIMES = ("07:00", "08:00", "09:00", "10:00", "12:00", "14:00", "16:00", "18:00", "20:00")
CHART_GENERATOR = "region_chart"
KEY_PREFIX = "region_digest"
TEXT_KEY = "region.digest.text"
CHART_KEY = "region.digest.chart_caption"
OPEN_LIST = "c"  # the action of RegionCallback that opens a region's first page (CHOOSE)


# -- numbers as a coordinator sees them ---------------------------------------------------------

def shown(value: privacy.Shown, *, percent: bool = False, digits: int = 1) -> str:
    """A figure as text: «—» for nothing to show, «<5» as it is, a share as a percentage."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if percent:
        return f"{round(value * 100)}%"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def signed(value: privacy.Shown) -> str:
    """A change (stage 2) with its sign: «+1.3»."""
    return f"{value:+.1f}" if isinstance(value, float) else shown(value)


@dataclass(frozen=True)
class Summary:
    """The region's headline figures, already through privacy.py."""

    organisations: int
    with_running: int
    mentors: int | str
    mentees: int | str
    open_pairs: int | str
    at_risk: int | str
    at_risk_share: float | str | None
    meetings_this_week: int
    meetings_last_week: int
    usefulness: float | str | None
    monitoring: float | str | None
    stage1: float | str | None
    stage2: float | str | None
    no_meetings: int
    monitoring_not_done: int
    overdue_organisations: int
    overdue_items: int


def summary(figures: RegionFigures) -> Summary:
    orgs = figures.organisations
    active = figures.total("active_pairs")
    weeks = figures.meetings_by_week()
    return Summary(
        organisations=len(orgs), with_running=figures.organisations_with("running"),
        mentors=privacy.count(sum(o.active("mentor") for o in orgs)),
        mentees=privacy.count(sum(o.active("mentee") for o in orgs)),
        open_pairs=privacy.count(sum(o.open_pairs for o in orgs)),
        at_risk=privacy.count(figures.total("at_risk")),
        at_risk_share=privacy.share(figures.total("at_risk"), active),
        meetings_this_week=weeks[-1], meetings_last_week=weeks[-2],
        usefulness=privacy.mean(figures.total("usefulness_sum"),
                                figures.total("usefulness_answers"),
                                figures.total("usefulness_people")),
        monitoring=privacy.share(figures.total("monitoring_answered"),
                                 figures.total("monitoring_asked")),
        stage1=privacy.mean(figures.total("stage1_sum"), figures.total("stage1_answers"),
                            figures.total("stage1_people")),
        stage2=privacy.mean(figures.total("stage2_sum"), figures.total("stage2_answers"),
                            figures.total("stage2_people")),
        no_meetings=figures.flagged(Flag.NO_MEETINGS),
        monitoring_not_done=figures.flagged(Flag.MONITORING),
        overdue_organisations=figures.flagged(Flag.OVERDUE),
        overdue_items=figures.total("roadmap_overdue"))


def digest_params(figures: RegionFigures) -> dict[str, object]:
    """The digest text's parameters: numbers and «<5», no names (the region's own name aside)."""
    s = summary(figures)
    return {"region": figures.name, "date": figures.today, "orgs": s.organisations,
            "running": s.with_running, "mentors": shown(s.mentors), "mentees": shown(s.mentees),
            "pairs": shown(s.open_pairs), "at_risk": shown(s.at_risk),
            "at_risk_share": shown(s.at_risk_share, percent=True),
            "this_week": s.meetings_this_week, "last_week": s.meetings_last_week,
            "usefulness": shown(s.usefulness), "monitoring": shown(s.monitoring, percent=True),
            "stage1": shown(s.stage1), "stage2": signed(s.stage2),
            "no_meetings": s.no_meetings, "monitoring_orgs": s.monitoring_not_done,
            "overdue_orgs": s.overdue_organisations, "overdue_items": s.overdue_items}


def chart_args(figures: RegionFigures) -> dict[str, object]:
    """Plain numbers for the chart: the region's meetings per week, and per organisation with
    at least SMALL_GROUP active pairs its meetings per week (average of the last four) and the
    share of its active pairs at risk. No names: a point is not labelled."""
    points = []
    for org in figures.organisations:
        share = privacy.share(org.at_risk, org.active_pairs)
        if isinstance(share, float):
            points.append([sum(org.meetings_by_week[-4:]) / 4, share])
    return {"weeks": [day.isoformat() for day in figures.week_starts],
            "meetings": figures.meetings_by_week(), "points": points,
            "hidden": sum(1 for o in figures.organisations
                          if 0 < o.active_pairs < privacy.SMALL_GROUP)}


# -- the coordinator's setting -----------------------------------------------------------------

async def set_schedule(session: AsyncSession, user_id: int, region_id: int, weekday: int,
                       at: str) -> access.CoordinatorView:
    view = await access.require_coordinator(session, user_id, region_id)
    if weekday not in WEEKDAYS or at not in DIGEST_TIMES:
        raise AccessDenied()
    coordinator = await session.get(RegionCoordinator, view.coordinator_id)
    if coordinator is None:  # require_coordinator found the row in this transaction
        raise AccessDenied()
    coordinator.digest_weekday, coordinator.digest_time = weekday, at
    return await access.require_coordinator(session, user_id, region_id)


# -- queueing -------------------------------------------------------------------------------------

def digest_moment(weekday: int, at: str, timezone: str, now: datetime) -> datetime:
    """This week's moment (UTC) for a local weekday (0 = Monday) and "HH:MM"."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    hour, minute = (int(part) for part in at.split(":"))
    day = today - timedelta(days=today.weekday()) + timedelta(days=weekday)
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def iso_week(moment: datetime, timezone: str) -> str:
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def list_button(region_id: int) -> dict[str, Any]:
    """The weekly digest's «📋 open the list of organisations»: the region's first page.
    (Rows queued before buttons were targets hold the same press packed: "rgn:c:<id>:0:0:0".)"""
    return outbox.button(text_key="region.button.open_list", target=Target.REGION,
                         fields={"action": OPEN_LIST, "region": region_id})


async def _enqueue(session: AsyncSession, figures: RegionFigures, *, chat_id: int, user_id: int,
                   prefix: str, now: datetime, with_list: bool) -> int:
    queued = int(await outbox.enqueue(
        session, chat_id=chat_id, user_id=user_id, kind="digest", due_at=now,
        dedupe_key=f"{prefix}:text", text_key=TEXT_KEY, params=digest_params(figures),
        buttons=[[list_button(figures.region_id)]] if with_list else None, now=now,
        about=outbox.NOBODY))
    if figures.total("active_pairs") or any(figures.meetings_by_week()):
        queued += await outbox.enqueue(
            session, chat_id=chat_id, user_id=user_id, kind="digest", due_at=now,
            dedupe_key=f"{prefix}:chart", text_key=CHART_KEY,
            params={"region": figures.name},
            attachment={"type": "photo", "generator": CHART_GENERATOR,
                        "args": chart_args(figures)}, now=now, about=outbox.NOBODY)
    return queued


async def queue_due_digests(session: AsyncSession, now: datetime) -> int:
    """Queue this week's digest for every coordinator whose weekday and time have come, with
    its «open the list» button; each region's figures are computed once per run. Returns the
    rows queued."""
    rows = (await session.execute(
        select(RegionCoordinator, Region.timezone, User.telegram_id, User.unreachable)
        .join(Region, Region.id == RegionCoordinator.region_id)
        .join(User, User.id == RegionCoordinator.user_id)
        .order_by(RegionCoordinator.region_id, RegionCoordinator.id))).all()
    figures_of: dict[int, RegionFigures] = {}
    queued = 0
    for coordinator, timezone, telegram_id, unreachable in rows:
        if unreachable:
            continue
        moment = digest_moment(coordinator.digest_weekday, coordinator.digest_time, timezone,
                               now)
        if now < moment:
            continue
        prefix = f"{KEY_PREFIX}:{coordinator.id}:{iso_week(moment, timezone)}"
        already = await session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key.like(prefix + ":%")).limit(1))
        if already is not None:
            continue
        if coordinator.region_id not in figures_of:
            figures_of[coordinator.region_id] = await snapshot.fresh(
                session, coordinator.region_id, now)
        queued += await _enqueue(session, figures_of[coordinator.region_id],
                                 chat_id=telegram_id, user_id=coordinator.user_id,
                                 prefix=prefix, now=now, with_list=True)
    return queued


async def queue_now(session: AsyncSession, user_id: int, telegram_id: int, region_id: int,
                    now: datetime) -> int:
    """«Show now»: the digest at once, through the same outbox path; pressing again within the
    same minute queues nothing more."""
    view = await access.require_coordinator(session, user_id, region_id)
    figures = await snapshot.fresh(session, region_id, now)
    prefix = f"{KEY_PREFIX}:{view.coordinator_id}:now:{now.strftime('%Y%m%dT%H%M')}"
    # the coordinator pressed it under their list: the digest comes without «open the list»
    return await _enqueue(session, figures, chat_id=telegram_id, user_id=user_id, prefix=prefix,
                          now=now, with_list=False)
