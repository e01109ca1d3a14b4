"""One set of figures per programme for the weekly digest, /status and the /report workbook,
so the numbers in all three agree: they are computed here, once, and only rendered elsewhere.

`programme_figures` runs a fixed number of queries whatever the number of people and pairs
(grouped counts, no per-pair lookups).

Extension points for features not merged yet (they stay None / empty until then, and the
renderers omit or print «нет данных» for them):

- `meetings_this_week: int | None` — meetings held in the digest's week (meetings feature);
- `feedback_avg: float | None` — average feedback score of those meetings (SurveyResponse
  context "meeting:<id>");
- `at_risk: list[str]` — pairs to look at (no meeting within the cadence, low feedback),
  as short labels «Мentor — Mentee»;
- `chart_series: list[WeekPoint]` — (week start, meetings, average score) over the programme
  so far; the digest attaches a chart when it is not empty (bot/services/digest_chart.py);
- `roadmap_overdue: list[str]` — overdue roadmap items (roadmap feature).

A feature fills them by registering an async hook with `register_figures_hook(func)`; the hook
receives the session and the figures and sets its fields. A hook must keep to a fixed number
of queries too (the query-count test runs the hooks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models import (
    PAIR_STAGES,
    Organisation,
    OutboxMessage,
    OutboxState,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    User,
)

ROLES = ("mentor", "mentee")
STATES = (ParticipationState.GUARDIAN_PENDING, ParticipationState.QUESTIONNAIRE,
          ParticipationState.READY, ParticipationState.PAIRED, ParticipationState.WITHDRAWN)
PAIR_STATES = (PairState.ACTIVE, PairState.PAUSED, PairState.COMPLETED, PairState.ENDED_EARLY)
OPEN_PAIR_STATES = (PairState.ACTIVE, PairState.PAUSED)
FAILED_WINDOW = timedelta(days=7)
UNREACHABLE_STATE = "unreachable"  # outbox last_error of rows cancelled for a blocked chat


@dataclass(frozen=True)
class WeekPoint:
    week_start: date
    meetings: int
    avg_score: float | None


@dataclass
class ProgrammeFigures:
    programme_id: int
    title: str
    state: str
    timezone: str
    today: date
    # role -> state -> count (every state present, zeros included)
    participants: dict[str, dict[str, int]]
    # (role, form, age_group) -> participants not withdrawn: the federal statistics sheet
    by_role_form_age: dict[tuple[str, str, str], int]
    pairs_by_state: dict[str, int]
    pairs_by_stage: dict[str, int]  # open pairs (active or paused) only
    unreachable: list[str]  # names of participants the bot cannot write to
    failed_deliveries: int  # to this programme's people in the last 7 days
    # Filled by the meetings / roadmap features through hooks (see the module docstring).
    meetings_this_week: int | None = None
    feedback_avg: float | None = None
    at_risk: list[str] = field(default_factory=list)
    chart_series: list[WeekPoint] = field(default_factory=list)
    roadmap_overdue: list[str] = field(default_factory=list)

    def active(self, role: str) -> int:
        """Participants of a role who have not withdrawn."""
        return sum(n for state, n in self.participants[role].items()
                   if state != ParticipationState.WITHDRAWN)

    @property
    def active_total(self) -> int:
        return sum(self.active(role) for role in ROLES)

    @property
    def paired_total(self) -> int:
        return sum(self.participants[role][ParticipationState.PAIRED] for role in ROLES)

    @property
    def open_pairs(self) -> int:
        return sum(self.pairs_by_state[s] for s in OPEN_PAIR_STATES)

    @property
    def paired_share(self) -> float | None:
        """Share of active participants who are in a pair (0..1); None with nobody."""
        return self.paired_total / self.active_total if self.active_total else None


FiguresHook = Callable[[AsyncSession, ProgrammeFigures], Awaitable[None]]
_hooks: list[FiguresHook] = []


def register_figures_hook(hook: FiguresHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def unregister_figures_hook(hook: FiguresHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def programme_figures(session: AsyncSession, programme_id: int,
                            now: datetime | None = None) -> ProgrammeFigures:
    """The programme at `now` (UTC, aware; default the current time)."""
    now = now or datetime.now(UTC)
    programme, timezone = (await session.execute(
        select(Programme, Organisation.timezone)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.id == programme_id))).one()
    today = now.astimezone(ZoneInfo(timezone)).date()

    participants = {role: dict.fromkeys(STATES, 0) for role in ROLES}
    by_role_form_age: dict[tuple[str, str, str], int] = {}
    rows = await session.execute(
        select(Participation.role, Participation.state, Participation.form,
               Participation.age_group, func.count())
        .where(Participation.programme_id == programme_id)
        .group_by(Participation.role, Participation.state, Participation.form,
                  Participation.age_group))
    for role, state, form, age_group, count in rows:
        participants.setdefault(role, dict.fromkeys(STATES, 0))
        participants[role][state] = participants[role].get(state, 0) + count
        if state != ParticipationState.WITHDRAWN:
            key = (role, form or "", age_group)
            by_role_form_age[key] = by_role_form_age.get(key, 0) + count

    pairs_by_state = dict.fromkeys(PAIR_STATES, 0)
    pairs_by_stage = dict.fromkeys(PAIR_STAGES, 0)
    for state, stage, count in await session.execute(
            select(Pair.state, Pair.stage, func.count()).where(Pair.programme_id == programme_id)
            .group_by(Pair.state, Pair.stage)):
        pairs_by_state[state] = pairs_by_state.get(state, 0) + count
        if state in OPEN_PAIR_STATES:
            pairs_by_stage[stage] = pairs_by_stage.get(stage, 0) + count

    unreachable = [
        name or f"#{pid}" for pid, name in await session.execute(
            select(Participation.id, Participation.full_name)
            .join(User, User.id == Participation.user_id)
            .where(Participation.programme_id == programme_id, User.unreachable.is_(True),
                   Participation.state != ParticipationState.WITHDRAWN)
            .order_by(Participation.full_name, Participation.id))]

    people = select(Participation.user_id).where(Participation.programme_id == programme_id,
                                                 Participation.user_id.is_not(None))
    failed = await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.user_id.in_(people), OutboxMessage.due_at >= now - FAILED_WINDOW,
               or_(OutboxMessage.state == OutboxState.FAILED,
                   (OutboxMessage.state == OutboxState.CANCELLED)
                   & (OutboxMessage.last_error == UNREACHABLE_STATE))))

    figures = ProgrammeFigures(
        programme_id=programme.id, title=programme.title, state=programme.state,
        timezone=timezone, today=today, participants=participants,
        by_role_form_age=by_role_form_age, pairs_by_state=pairs_by_state,
        pairs_by_stage=pairs_by_stage, unreachable=unreachable,
        failed_deliveries=int(failed or 0))
    for hook in list(_hooks):
        await hook(session, figures)
    return figures


@dataclass(frozen=True)
class PairRow:
    number: int
    mentor: str
    mentee: str
    form: str
    state: str
    stage: str
    created_on: date
    ended_on: date | None


async def pair_rows(session: AsyncSession, programme_id: int, timezone: str) -> list[PairRow]:
    """Every pair of the programme with both names, for the report (one query)."""
    mentor, mentee = aliased(Participation), aliased(Participation)
    zone = ZoneInfo(timezone)
    rows = await session.execute(
        select(Pair, mentor.full_name, mentor.id, mentee.full_name, mentee.id)
        .join(mentor, mentor.id == Pair.mentor_id).join(mentee, mentee.id == Pair.mentee_id)
        .where(Pair.programme_id == programme_id).order_by(Pair.id))
    return [PairRow(n, mentor_name or f"#{mentor_id}", mentee_name or f"#{mentee_id}", pair.form,
                    pair.state, pair.stage, pair.created_at.astimezone(zone).date(),
                    pair.ended_at.astimezone(zone).date() if pair.ended_at else None)
            for n, (pair, mentor_name, mentor_id, mentee_name, mentee_id)
            in enumerate(rows, start=1)]


# -- the digest's moment -------------------------------------------------------------------------

def digest_moment(weekday: int, at: str, timezone: str, now: datetime) -> datetime:
    """This week's digest moment (UTC) for a local weekday (0 = Monday) and "HH:MM"."""
    zone = ZoneInfo(timezone)
    local_today = now.astimezone(zone).date()
    hour, minute = (int(part) for part in at.split(":"))
    day = week_start(local_today) + timedelta(days=weekday)
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def iso_week(moment: datetime, timezone: str) -> str:
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"
