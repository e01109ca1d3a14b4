"""One set of figures per programme for the weekly digest, /status and the /report workbook,
so the numbers in all three agree: they are computed here, once, and only rendered elsewhere.

`programme_figures` runs a fixed number of queries whatever the number of people, pairs,
meetings and feedback answers (grouped counts, no per-pair lookups): see QUERIES and
tests/digest/test_programme_stats.py.

Weeks are calendar weeks (Monday 00:00) in the organisation's timezone. Meetings are grouped by
week in SQL with a CASE over the week boundaries (computed here in the local zone), so the same
query runs on SQLite and PostgreSQL and returns one row per week, not one per meeting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    SQLColumnExpression,
    Text,
    case,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.channel import relay as channel
from bot.services.meetings import cadence as meetings_status
from bot.services.roadmap import items as roadmap_items
from bot.services.surveys.completion import SurveyLine, survey_lines
from models import (
    PAIR_STAGES,
    Meeting,
    MeetingPair,
    MeetingState,
    Organisation,
    OutboxMessage,
    OutboxState,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    User,
)
from models.pair_sides import MenteeSide, MentorSide

ROLES = ("mentor", "mentee")
STATES = (ParticipationState.GUARDIAN_PENDING, ParticipationState.QUESTIONNAIRE,
          ParticipationState.READY, ParticipationState.PAIRED, ParticipationState.WITHDRAWN)
PAIR_STATES = (PairState.ACTIVE, PairState.PAUSED, PairState.COMPLETED, PairState.ENDED_EARLY)
OPEN_PAIR_STATES = (PairState.ACTIVE, PairState.PAUSED)
FAILED_WINDOW = timedelta(days=7)
UNREACHABLE_STATE = "unreachable"  # outbox last_error of rows cancelled for a blocked chat
FEEDBACK_SURVEY = "meeting_feedback"
USEFULNESS = "usefulness"  # the 1..10 scale question of meeting_feedback.json
MAX_WEEKS = 60  # the chart and the weekly grouping cover at most this many weeks
ROADMAP_DAYS = 14
# programme+organisation, participants, pairs, unreachable, failed deliveries, meetings by
# week, feedback by week, cadence (at risk), roadmap overdue, roadmap upcoming, monitoring
# surveys answered / sent, messages of the pair's channel this week
QUERIES = 12


@dataclass(frozen=True)
class WeekPoint:
    week_start: date
    meetings: int
    avg_score: float | None


@dataclass(frozen=True)
class RiskPair:
    pair_id: int
    mentor: str
    mentee: str
    days_without: int
    mentor_id: int | None = None  # participation ids: whom a digest naming the pair is about
    mentee_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.mentor} — {self.mentee}"


@dataclass(frozen=True)
class RoadmapLine:
    label: str
    deadline: date | None


@dataclass
class Week:
    """One local week's meetings and feedback (internal accumulator)."""
    meetings: int = 0
    expected: int = 0  # feedback forms expected: the mentor and each mentee of each meeting
    completed: int = 0
    score_sum: float = 0.0
    score_count: int = 0

    @property
    def avg(self) -> float | None:
        return self.score_sum / self.score_count if self.score_count else None


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
    cadence_days: int = 14
    meetings_this_week: int = 0  # done meetings, this local week (Monday to now)
    meetings_last_week: int = 0
    feedback_avg: float | None = None  # average usefulness (1..10) of this week's meetings
    feedback_avg_prev: float | None = None  # ... of last week's meetings
    feedback_outstanding: int = 0  # forms not completed for meetings of this and last week
    feedback_expected: int = 0  # the whole programme so far
    feedback_completed: int = 0
    avg_by_form: dict[str, float] = field(default_factory=dict)  # mentorship form -> usefulness
    at_risk: list[RiskPair] = field(default_factory=list)  # active pairs past the cadence
    chart_series: list[WeekPoint] = field(default_factory=list)  # programme start .. this week
    roadmap_overdue: list[RoadmapLine] = field(default_factory=list)
    roadmap_upcoming: list[RoadmapLine] = field(default_factory=list)  # next 14 days
    surveys: list[SurveyLine] = field(default_factory=list)  # open monitoring surveys
    unreachable_ids: list[int] = field(default_factory=list)  # participations named above
    # The pair's channel this local week: messages, and pairs that wrote (counts only).
    messages_this_week: int = 0
    pairs_writing: int = 0

    @property
    def named_participations(self) -> set[int]:
        """Whose names the figures show (a digest holding them is about them)."""
        return ({i for p in self.at_risk for i in (p.mentor_id, p.mentee_id) if i is not None}
                | set(self.unreachable_ids))

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

    @property
    def cadence_share(self) -> float | None:
        """Share of active pairs that met within the cadence (0..1); None without pairs."""
        active = self.pairs_by_state.get(PairState.ACTIVE, 0)
        return (active - len(self.at_risk)) / active if active else None

    @property
    def feedback_completion(self) -> float | None:
        return (self.feedback_completed / self.feedback_expected if self.feedback_expected
                else None)

    @property
    def trend(self) -> str | None:
        """↑ ↓ → comparing this week's average usefulness with last week's (±0.05 is →)."""
        if self.feedback_avg is None or self.feedback_avg_prev is None:
            return None
        delta = self.feedback_avg - self.feedback_avg_prev
        return "↑" if delta > 0.05 else "↓" if delta < -0.05 else "→"

    @property
    def has_meetings(self) -> bool:
        return any(point.meetings for point in self.chart_series)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(starts_on: date | None, today: date, zone: ZoneInfo) -> list[datetime]:
    """UTC moments of local Mondays 00:00 from the programme's first week (at most MAX_WEEKS
    back, and at least last week) to the Monday after this week: len(weeks) + 1 bounds."""
    last = week_start(today)
    first = min(week_start(starts_on) if starts_on else last, last - timedelta(days=7))
    first = max(first, last - timedelta(days=7 * (MAX_WEEKS - 1)))
    days = [first + timedelta(days=7 * i) for i in range((last - first).days // 7 + 2)]
    return [datetime.combine(day, time(0), zone).astimezone(UTC) for day in days]


def _week_of(column: SQLColumnExpression[datetime], bounds: list[datetime]) -> ColumnElement[int]:
    """The week index (0 = first) of a moment, as SQL: a CASE over the boundaries."""
    return case(*[(column < bound, index) for index, bound in enumerate(bounds[1:])], else_=-1)


def score_of(column: SQLColumnExpression[Any]) -> ColumnElement[float]:
    """A scale answer stored as JSON (a number) -> a float in SQL (SQLite and PostgreSQL)."""
    return cast(cast(column, Text), Float)


async def _weeks(session: AsyncSession, programme_id: int, bounds: list[datetime]
                 ) -> tuple[list[Week], dict[str, tuple[float, int]]]:
    """Meetings and feedback per week (two grouped queries); usefulness sums by form."""
    weeks = [Week() for _ in bounds[:-1]]
    in_range = (Meeting.programme_id == programme_id, Meeting.state == MeetingState.DONE,
                Meeting.starts_at >= bounds[0], Meeting.starts_at < bounds[-1])
    held = (select(_week_of(Meeting.starts_at, bounds).label("week"),
                   Meeting.id.label("meeting_id"), MeetingPair.id.label("attendance"))
            .join(MeetingPair, MeetingPair.meeting_id == Meeting.id)
            .where(*in_range).subquery())
    for week, meetings, mentees in await session.execute(
            select(held.c.week, func.count(func.distinct(held.c.meeting_id)),
                   func.count(held.c.attendance)).group_by(held.c.week)):
        if 0 <= week < len(weeks):
            weeks[week].meetings = meetings
            weeks[week].expected = meetings + mentees  # the mentor and each mentee
    answers = (select(_week_of(Meeting.starts_at, bounds).label("week"),
                      Participation.form.label("form"), SurveyResponse.id.label("response_id"),
                      score_of(SurveyAnswer.value).label("score"))
               .join(Meeting, Meeting.id == SurveyResponse.meeting_id)
               .join(Participation, Participation.id == SurveyResponse.participation_id)
               .outerjoin(SurveyAnswer, (SurveyAnswer.response_id == SurveyResponse.id)
                          & (SurveyAnswer.question_id == USEFULNESS))
               .where(SurveyResponse.survey_id == FEEDBACK_SURVEY,
                      SurveyResponse.completed_at.is_not(None), *in_range).subquery())
    by_form: dict[str, tuple[float, int]] = {}
    for week, form, completed, total, scored in await session.execute(
            select(answers.c.week, answers.c.form, func.count(answers.c.response_id),
                   func.sum(answers.c.score), func.count(answers.c.score))
            .group_by(answers.c.week, answers.c.form)):
        if not 0 <= week < len(weeks):
            continue
        weeks[week].completed += completed
        weeks[week].score_sum += float(total or 0)
        weeks[week].score_count += scored
        old_sum, old_n = by_form.get(form or "", (0.0, 0))
        by_form[form or ""] = (old_sum + float(total or 0), old_n + scored)
    return weeks, by_form


async def programme_figures(session: AsyncSession, programme_id: int,
                            now: datetime | None = None) -> ProgrammeFigures:
    """The programme at `now` (UTC, aware; default the current time)."""
    now = now or datetime.now(UTC)
    programme, timezone = (await session.execute(
        select(Programme, Organisation.timezone)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(Programme.id == programme_id))).one()
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()

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

    unreachable_rows = (await session.execute(
        select(Participation.id, Participation.full_name)
        .join(User, User.id == Participation.user_id)
        .where(Participation.programme_id == programme_id, User.unreachable.is_(True),
               Participation.state != ParticipationState.WITHDRAWN)
        .order_by(Participation.full_name, Participation.id))).all()
    unreachable = [name or f"#{pid}" for pid, name in unreachable_rows]

    people = select(Participation.user_id).where(Participation.programme_id == programme_id,
                                                 Participation.user_id.is_not(None))
    failed = await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.user_id.in_(people), OutboxMessage.due_at >= now - FAILED_WINDOW,
               or_(OutboxMessage.state == OutboxState.FAILED,
                   (OutboxMessage.state == OutboxState.CANCELLED)
                   & (OutboxMessage.last_error == UNREACHABLE_STATE))))

    bounds = week_bounds(programme.starts_on, today, zone)
    weeks, by_form = await _weeks(session, programme.id, bounds)
    this_week, last_week = weeks[-1], weeks[-2]
    risky = await meetings_status.pairs_at_risk(session, programme.id, today)
    written = await channel.counts(session, programme.id, bounds[-2], bounds[-1])
    overdue = await roadmap_items.overdue_items(session, programme.id, today)
    upcoming = await roadmap_items.upcoming_items(session, programme.id, today, ROADMAP_DAYS)
    surveys = await survey_lines(session, programme.id, now)

    return ProgrammeFigures(
        programme_id=programme.id, title=programme.title, state=programme.state,
        timezone=timezone, today=today, participants=participants,
        by_role_form_age=by_role_form_age, pairs_by_state=pairs_by_state,
        pairs_by_stage=pairs_by_stage, unreachable=unreachable,
        unreachable_ids=[pid for pid, _ in unreachable_rows],
        failed_deliveries=int(failed or 0), cadence_days=programme.cadence_days or 14,
        meetings_this_week=this_week.meetings, meetings_last_week=last_week.meetings,
        feedback_avg=this_week.avg, feedback_avg_prev=last_week.avg,
        feedback_outstanding=max(0, this_week.expected - this_week.completed)
        + max(0, last_week.expected - last_week.completed),
        feedback_expected=sum(w.expected for w in weeks),
        feedback_completed=sum(w.completed for w in weeks),
        avg_by_form={form: total / n for form, (total, n) in by_form.items() if n},
        at_risk=[RiskPair(p.pair_id, p.mentor_name or f"#{p.mentor_id}",
                          p.mentee_name or f"#{p.mentee_id}", p.days_without,
                          p.mentor_id, p.mentee_id)
                 for p in sorted(risky, key=lambda p: (-p.days_without, p.pair_id))],
        chart_series=[WeekPoint(bound.astimezone(zone).date(), week.meetings, week.avg)
                      for bound, week in zip(bounds, weeks, strict=False)],
        roadmap_overdue=[RoadmapLine(i.label, i.next_date or i.ends_on) for i in overdue],
        roadmap_upcoming=[RoadmapLine(i.label, i.next_date) for i in upcoming],
        surveys=surveys, messages_this_week=sum(written.values()), pairs_writing=len(written))


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
    mentor, mentee = MentorSide, MenteeSide
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


@dataclass(frozen=True)
class MeetingRow:
    day: date  # local date
    pair: str  # «Mentor — Mentee[, Mentee]»
    kind: str
    duration_minutes: int
    state: str


async def meeting_rows(session: AsyncSession, programme_id: int, timezone: str
                       ) -> list[MeetingRow]:
    """Every meeting of the programme with its people, for the report (two queries)."""
    zone = ZoneInfo(timezone)
    mentee_names: dict[int, list[str]] = {}
    for meeting_id, name, mentee_id in await session.execute(
            select(MeetingPair.meeting_id, Participation.full_name, Participation.id)
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .join(Pair, Pair.id == MeetingPair.pair_id)
            .join(Participation, Participation.id == Pair.mentee_id)
            .where(Meeting.programme_id == programme_id)
            .order_by(MeetingPair.meeting_id, MeetingPair.id)):
        mentee_names.setdefault(meeting_id, []).append(name or f"#{mentee_id}")
    rows = await session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.kind, Meeting.duration_minutes,
               Meeting.state, Participation.full_name, Participation.id)
        .join(Participation, Participation.id == Meeting.mentor_id)
        .where(Meeting.programme_id == programme_id).order_by(Meeting.starts_at, Meeting.id))
    return [MeetingRow(starts.astimezone(zone).date(),
                       f"{mentor or f'#{mentor_id}'} — {', '.join(mentee_names.get(mid, []))}",
                       kind, duration or 0, state)
            for mid, starts, kind, duration, state, mentor, mentor_id in rows]


@dataclass(frozen=True)
class FeedbackRow:
    meeting_day: date
    role: str
    usefulness: float | None
    valuable: list[str]  # option ids of most_valuable
    valuable_other: str | None
    to_change: str | None


async def feedback_rows(session: AsyncSession, programme_id: int, timezone: str
                        ) -> list[FeedbackRow]:
    """Every completed meeting feedback of the programme (two queries: the responses with
    their meeting's day, then their answers, pivoted here; one joined query read each
    meeting's moment once per answer, the report's slowest read at 28,000 forms)."""
    zone = ZoneInfo(timezone)
    completed = (SurveyResponse.survey_id == FEEDBACK_SURVEY,
                 SurveyResponse.completed_at.is_not(None), Meeting.programme_id == programme_id)
    found: dict[int, dict[str, Any]] = {}
    for response_id, starts, role in await session.execute(
            select(SurveyResponse.id, Meeting.starts_at, Participation.role)
            .join(Meeting, Meeting.id == SurveyResponse.meeting_id)
            .join(Participation, Participation.id == SurveyResponse.participation_id)
            .where(*completed).order_by(Meeting.starts_at, SurveyResponse.id)):
        found[response_id] = {"day": starts.astimezone(zone).date(), "role": role}
    for response_id, question, value in await session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(Meeting, Meeting.id == SurveyResponse.meeting_id)
            .where(*completed)):
        row = found.get(response_id)
        if row is not None:
            row[question] = value
    result = []
    for row in found.values():
        score = row.get(USEFULNESS)
        valuable = row.get("most_valuable") or []
        result.append(FeedbackRow(
            row["day"], row["role"], float(score) if isinstance(score, int | float) else None,
            [str(v) for v in (valuable if isinstance(valuable, list) else [valuable])],
            row.get("most_valuable_other") or None, row.get("what_to_change") or None))
    return result


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
