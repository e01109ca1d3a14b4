"""A region's figures: one row of counts per organisation, computed for every organisation of the
region at once with a fixed number of grouped statements (QUERIES), whatever the number of
organisations, people, pairs and meetings. /region, the weekly digest and the regional workbook
all read these, so their numbers agree.

Raw counts live here; what a coordinator is shown of them goes through privacy.py («<5»).
Nothing here holds a participant's name: the queries select counts, never names.

Weeks are calendar weeks (Monday 00:00) in the region's timezone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    SQLColumnExpression,
    Text,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.reports.monitoring import ENTRY_SURVEYS, EXIT_SURVEYS, ROLES, SATISFACTION_SURVEYS
from bot.services.roadmap.schedule import NEVER_REMIND
from bot.services.surveys import ScaleQuestion, load_definitions
from models import (
    PAIR_STAGES,
    Curator,
    Meeting,
    MeetingPair,
    MeetingState,
    Organisation,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    Region,
    RegionOrganisation,
    RoadmapItem,
    RoadmapStatus,
    SurveyAnswer,
    SurveyResponse,
    User,
)

WEEKS = 8  # meetings per week: this week and the seven before it
QUIET_DAYS = 14  # «no meetings for two weeks»
USEFULNESS_WEEKS = 4  # the average usefulness of meetings covers the last four weeks
MONITORING_DONE_SHARE = 0.5  # under half of those asked answered the final survey: not done
DEFAULT_CADENCE = 14
FEEDBACK_SURVEY = "meeting_feedback"
USEFULNESS = "usefulness"
PROGRAMME_STATES = ("preparing", "running", "completed")
SCORES = tuple(str(i) for i in range(0, 11))  # scale answers as stored JSON text
# region, organisations, curators, programmes, participants, pairs, pairs at risk, meetings by
# week, usefulness, monitoring asked, final survey answers (stage 1), entry/exit (stage 2),
# roadmap overdue
QUERIES = 13


class Flag:
    """Why an organisation needs attention, in the order the list sorts them."""

    NO_MEETINGS = "no_meetings"  # active pairs but no meeting for QUIET_DAYS
    MONITORING = "monitoring"  # final surveys due, under half answered
    OVERDUE = "overdue"  # roadmap items past their deadline


FLAGS = (Flag.NO_MEETINGS, Flag.MONITORING, Flag.OVERDUE)


@dataclass(frozen=True)
class CuratorContact:
    name: str
    telegram_id: int | None  # None: the curator left (erased their account)


@dataclass
class OrgFigures:
    organisation_id: int
    name: str
    curators: list[CuratorContact] = field(default_factory=list)
    programmes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROGRAMME_STATES, 0))
    # (role, form, age group) -> participants who have not withdrawn
    people: dict[tuple[str, str, str], int] = field(default_factory=dict)
    pairs_by_state: dict[str, int] = field(default_factory=dict)
    pairs_by_stage: dict[str, int] = field(default_factory=dict)  # open pairs only
    active_pairs: int = 0
    at_risk: int = 0  # active pairs past their programme's cadence without a meeting
    meetings_by_week: list[int] = field(default_factory=lambda: [0] * WEEKS)  # oldest first
    meetings_recent: int = 0  # done meetings in the last QUIET_DAYS
    usefulness_sum: float = 0.0
    usefulness_answers: int = 0
    usefulness_people: int = 0  # who answered: an average of one person's answers is theirs
    monitoring_due: bool = False
    monitoring_asked: int = 0
    monitoring_answered: int = 0
    stage1_sum: float = 0.0
    stage1_answers: int = 0  # scale answers
    stage1_people: int = 0
    stage2_sum: float = 0.0  # sum of (exit - entry) over question answers
    stage2_answers: int = 0
    stage2_people: int = 0
    roadmap_overdue: int = 0

    def active(self, role: str | None = None) -> int:
        return sum(n for (r, _, _), n in self.people.items() if role is None or r == role)

    @property
    def open_pairs(self) -> int:
        return self.pairs_by_state.get(PairState.ACTIVE, 0) + self.pairs_by_state.get(
            PairState.PAUSED, 0)

    @property
    def flags(self) -> tuple[str, ...]:
        found = []
        if self.active_pairs and not self.meetings_recent:
            found.append(Flag.NO_MEETINGS)
        if self.monitoring_due and (not self.monitoring_asked or self.monitoring_answered
                                    < MONITORING_DONE_SHARE * self.monitoring_asked):
            found.append(Flag.MONITORING)
        if self.roadmap_overdue:
            found.append(Flag.OVERDUE)
        return tuple(found)

    @property
    def attention(self) -> tuple[int, bool, int, int, str, int]:
        """Sort key: the most reasons first, then no meetings, then the most overdue items,
        then the most pairs at risk; the name last so the order is stable."""
        flags = self.flags
        return (-len(flags), Flag.NO_MEETINGS not in flags, -self.roadmap_overdue,
                -self.at_risk, self.name.casefold(), self.organisation_id)


@dataclass
class RegionFigures:
    region_id: int
    name: str
    timezone: str
    today: date
    week_starts: list[date]  # local Mondays of the WEEKS columns, oldest first
    organisations: list[OrgFigures]  # sorted by attention
    computed_at: datetime | None = None  # when these figures were counted (UTC)

    def total(self, attribute: str) -> int:
        return sum(getattr(o, attribute) for o in self.organisations)

    @property
    def people(self) -> dict[tuple[str, str, str], int]:
        result: dict[tuple[str, str, str], int] = defaultdict(int)
        for org in self.organisations:
            for key, n in org.people.items():
                result[key] += n
        return dict(result)

    def programmes(self, state: str) -> int:
        return sum(o.programmes.get(state, 0) for o in self.organisations)

    def organisations_with(self, state: str) -> int:
        return sum(1 for o in self.organisations if o.programmes.get(state, 0))

    def pairs_by_stage(self) -> dict[str, int]:
        return {s: sum(o.pairs_by_stage.get(s, 0) for o in self.organisations)
                for s in PAIR_STAGES}

    def meetings_by_week(self) -> list[int]:
        return [sum(o.meetings_by_week[i] for o in self.organisations) for i in range(WEEKS)]

    def flagged(self, flag: str) -> int:
        return sum(1 for o in self.organisations if flag in o.flags)

    def organisation(self, organisation_id: int) -> OrgFigures | None:
        return next((o for o in self.organisations if o.organisation_id == organisation_id),
                    None)


def week_bounds(today: date, zone: ZoneInfo) -> list[datetime]:
    """UTC moments of the local Mondays starting the WEEKS weeks, plus next Monday."""
    monday = today - timedelta(days=today.weekday())
    days = [monday - timedelta(days=7 * (WEEKS - 1 - i)) for i in range(WEEKS + 1)]
    return [datetime.combine(day, time(0), zone).astimezone(UTC) for day in days]


def _week_of(column: SQLColumnExpression[datetime], bounds: list[datetime]
             ) -> ColumnElement[int]:
    return case(*[(column < bound, index) for index, bound in enumerate(bounds[1:])], else_=-1)


def _score(column: SQLColumnExpression[Any]) -> ColumnElement[float | None]:
    """A 0..10 scale answer stored as JSON -> a float in SQL; anything else -> NULL."""
    text = cast(column, Text)
    return case((text.in_(SCORES), cast(text, Float)), else_=None)


def _scale_ids(survey_ids: Iterable[str]) -> list[str]:
    registry = load_definitions()
    return sorted({q.id for sid in survey_ids if sid in registry
                   for q in registry.get(sid).questions if isinstance(q, ScaleQuestion)})


async def region_figures(session: AsyncSession, region_id: int,
                         now: datetime | None = None) -> RegionFigures:
    """Every organisation of the region at `now` (aware; default the current time)."""
    now = now or datetime.now(UTC)
    region = await session.get(Region, region_id)  # 1
    if region is None:
        raise LookupError(region_id)
    zone = ZoneInfo(region.timezone)
    today = now.astimezone(zone).date()
    member = select(RegionOrganisation.organisation_id).where(
        RegionOrganisation.region_id == region_id).scalar_subquery()
    in_region = Programme.organisation_id.in_(member)

    orgs: dict[int, OrgFigures] = {}
    for org_id, name in await session.execute(  # 2
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(member))):
        orgs[org_id] = OrgFigures(org_id, name)
    for org_id, curator_name, telegram_id in await session.execute(  # 3
            select(Curator.organisation_id, Curator.full_name, User.telegram_id)
            .outerjoin(User, User.id == Curator.user_id)
            .where(Curator.organisation_id.in_(member)).order_by(Curator.id)):
        orgs[org_id].curators.append(CuratorContact(curator_name or "—", telegram_id))

    cadences: set[int] = set()
    for org_id, state, ends_on, final_days, cadence in await session.execute(  # 4
            select(Programme.organisation_id, Programme.state, Programme.ends_on,
                   Programme.final_surveys_days, Programme.cadence_days).where(in_region)):
        org = orgs[org_id]
        org.programmes[state] = org.programmes.get(state, 0) + 1
        cadences.add(cadence or DEFAULT_CADENCE)
        # The final surveys go out final_surveys_days before the end (bot.services.lifecycle.monitoring_surveys).
        if state == "completed" or (state == "running" and ends_on is not None and today
                                    >= ends_on - timedelta(days=final_days or 0)):
            org.monitoring_due = True

    for org_id, role, form, age_group, n in await session.execute(  # 5
            select(Programme.organisation_id, Participation.role, Participation.form,
                   Participation.age_group, func.count())
            .join(Programme, Programme.id == Participation.programme_id)
            .where(in_region, Participation.state != ParticipationState.WITHDRAWN)
            .group_by(Programme.organisation_id, Participation.role, Participation.form,
                      Participation.age_group)):
        key = (role, form or "", age_group)
        orgs[org_id].people[key] = orgs[org_id].people.get(key, 0) + n

    for org_id, state, stage, n in await session.execute(  # 6
            select(Programme.organisation_id, Pair.state, Pair.stage, func.count())
            .join(Programme, Programme.id == Pair.programme_id).where(in_region)
            .group_by(Programme.organisation_id, Pair.state, Pair.stage)):
        org = orgs[org_id]
        org.pairs_by_state[state] = org.pairs_by_state.get(state, 0) + n
        if state in (PairState.ACTIVE, PairState.PAUSED):
            org.pairs_by_stage[stage] = org.pairs_by_stage.get(stage, 0) + n

    # 7: active pairs and those without a done meeting for their programme's cadence (from the
    # last meeting, or from the pairing), as bot.services.meetings.cadence counts them (at `now`
    # here; the curator's digest counts at the end of the local day). Only
    # meetings within the longest cadence are read: a pair whose last meeting is older is at
    # risk whichever meeting it was, and so it is counted from the pairing, older still.
    window = now - timedelta(days=max(cadences or {DEFAULT_CADENCE}))
    last = (select(MeetingPair.pair_id.label("pair_id"),
                   func.max(Meeting.starts_at).label("last_at"))
            .join(Meeting, Meeting.id == MeetingPair.meeting_id)
            .join(Programme, Programme.id == Meeting.programme_id)
            .where(Meeting.state == MeetingState.DONE, in_region, Meeting.starts_at > window)
            .group_by(MeetingPair.pair_id).subquery())
    since = func.coalesce(last.c.last_at, Pair.created_at)
    cadence_of = func.coalesce(Programme.cadence_days, DEFAULT_CADENCE)
    risky = case(*[(and_(cadence_of == days, since <= now - timedelta(days=days)), 1)
                   for days in sorted(cadences)], else_=0)
    for org_id, active, at_risk in await session.execute(
            select(Programme.organisation_id, func.count(), func.sum(risky))
            .select_from(Pair).join(Programme, Programme.id == Pair.programme_id)
            .outerjoin(last, last.c.pair_id == Pair.id)
            .where(in_region, Pair.state == PairState.ACTIVE)
            .group_by(Programme.organisation_id)):
        orgs[org_id].active_pairs, orgs[org_id].at_risk = active, int(at_risk or 0)

    bounds = week_bounds(today, zone)
    quiet_since = now - timedelta(days=QUIET_DAYS)
    for org_id, week, n, recent in await session.execute(  # 8
            select(Programme.organisation_id, _week_of(Meeting.starts_at, bounds).label("week"),
                   func.count(), func.sum(case((Meeting.starts_at >= quiet_since, 1), else_=0)))
            .join(Programme, Programme.id == Meeting.programme_id)
            .where(in_region, Meeting.state == MeetingState.DONE,
                   Meeting.starts_at >= bounds[0], Meeting.starts_at < bounds[-1])
            .group_by(Programme.organisation_id, "week")):
        if 0 <= week < WEEKS:
            orgs[org_id].meetings_by_week[week] = n
        orgs[org_id].meetings_recent += int(recent or 0)

    score = _score(SurveyAnswer.value)
    for org_id, total, answers, people in await session.execute(  # 9
            select(Programme.organisation_id, func.sum(score), func.count(score),
                   func.count(func.distinct(case((score.is_not(None),
                                                  SurveyResponse.participation_id)))))
            .select_from(SurveyResponse)
            .join(Meeting, Meeting.id == SurveyResponse.meeting_id)
            .join(Programme, Programme.id == Meeting.programme_id)
            .join(SurveyAnswer, and_(SurveyAnswer.response_id == SurveyResponse.id,
                                     SurveyAnswer.question_id == USEFULNESS))
            .where(SurveyResponse.survey_id == FEEDBACK_SURVEY,
                   SurveyResponse.completed_at.is_not(None), in_region,
                   Meeting.state == MeetingState.DONE,
                   Meeting.starts_at >= bounds[WEEKS - USEFULNESS_WEEKS])
            .group_by(Programme.organisation_id)):
        org = orgs[org_id]
        org.usefulness_sum, org.usefulness_answers = float(total or 0), answers
        org.usefulness_people = people

    # 10: asked the final survey: members of pairs that did not end early (monitoring_data).
    pair_scope = and_(Pair.state != PairState.ENDED_EARLY,
                      Pair.programme_id.in_(select(Programme.id).where(in_region)))
    members = union(select(Pair.mentor_id.label("pid")).where(pair_scope),
                    select(Pair.mentee_id.label("pid")).where(pair_scope)).subquery()
    for org_id, n in await session.execute(
            select(Programme.organisation_id, func.count())
            .select_from(members).join(Participation, Participation.id == members.c.pid)
            .join(Programme, Programme.id == Participation.programme_id)
            .where(Participation.state != ParticipationState.WITHDRAWN)
            .group_by(Programme.organisation_id)):
        orgs[org_id].monitoring_asked = n

    satisfaction = list(SATISFACTION_SURVEYS.values())
    answer = aliased(SurveyAnswer)
    for org_id, people, total, answers in await session.execute(  # 11: stage 1
            select(Programme.organisation_id,
                   func.count(func.distinct(SurveyResponse.participation_id)),
                   func.sum(_score(answer.value)), func.count(_score(answer.value)))
            .select_from(SurveyResponse)
            .join(Participation, Participation.id == SurveyResponse.participation_id)
            .join(Programme, Programme.id == Participation.programme_id)
            .outerjoin(answer, and_(answer.response_id == SurveyResponse.id,
                                    answer.question_id.in_(_scale_ids(satisfaction))))
            .where(in_region, SurveyResponse.survey_id.in_(satisfaction),
                   SurveyResponse.completed_at.is_not(None),
                   Participation.state != ParticipationState.WITHDRAWN)
            .group_by(Programme.organisation_id)):
        org = orgs[org_id]
        org.monitoring_answered, org.stage1_people = people, people
        org.stage1_sum, org.stage1_answers = float(total or 0), answers

    entry, exit_ = aliased(SurveyResponse), aliased(SurveyResponse)
    entry_answer, exit_answer = aliased(SurveyAnswer), aliased(SurveyAnswer)
    growth = _score(exit_answer.value) - _score(entry_answer.value)
    for org_id, people, total, answers in await session.execute(  # 12: stage 2
            select(Programme.organisation_id, func.count(func.distinct(entry.participation_id)),
                   func.sum(growth), func.count(growth))
            .select_from(entry)
            .join(exit_, and_(exit_.participation_id == entry.participation_id,
                              or_(*[and_(entry.survey_id == ENTRY_SURVEYS[role],
                                         exit_.survey_id == EXIT_SURVEYS[role])
                                    for role in ROLES]),
                              exit_.completed_at.is_not(None)))
            .join(entry_answer, entry_answer.response_id == entry.id)
            .join(exit_answer, and_(exit_answer.response_id == exit_.id,
                                    exit_answer.question_id == entry_answer.question_id))
            .join(Participation, Participation.id == entry.participation_id)
            .join(Programme, Programme.id == Participation.programme_id)
            .where(in_region, entry.completed_at.is_not(None),
                   entry_answer.question_id.in_(_scale_ids(ENTRY_SURVEYS.values())),
                   Participation.state != ParticipationState.WITHDRAWN)
            .group_by(Programme.organisation_id)):
        org = orgs[org_id]
        org.stage2_people, org.stage2_sum, org.stage2_answers = people, float(total or 0), answers

    for org_id, n in await session.execute(  # 13
            select(Programme.organisation_id, func.count()).select_from(RoadmapItem)
            .join(Programme, Programme.id == RoadmapItem.programme_id)
            .where(in_region, RoadmapItem.status == RoadmapStatus.UPCOMING,
                   RoadmapItem.kind.not_in(NEVER_REMIND), RoadmapItem.ends_on < today)
            .group_by(Programme.organisation_id)):
        orgs[org_id].roadmap_overdue = n

    return RegionFigures(
        region_id=region.id, name=region.name, timezone=region.timezone, today=today,
        week_starts=[b.astimezone(zone).date() for b in bounds[:-1]],
        organisations=sorted(orgs.values(), key=lambda o: o.attention), computed_at=now)


# -- stored figures (snapshot.py): plain JSON ------------------------------------------------------

def dump(figures: RegionFigures) -> dict[str, Any]:
    return {"region_id": figures.region_id, "name": figures.name,
            "timezone": figures.timezone, "today": figures.today.isoformat(),
            "week_starts": [d.isoformat() for d in figures.week_starts],
            "computed_at": figures.computed_at.isoformat() if figures.computed_at else None,
            "organisations": [
                {**{k: v for k, v in vars(o).items() if k not in ("curators", "people")},
                 "curators": [[c.name, c.telegram_id] for c in o.curators],
                 "people": [[*key, n] for key, n in o.people.items()]}
                for o in figures.organisations]}


def load(data: dict[str, Any]) -> RegionFigures:
    organisations = []
    for raw in data["organisations"]:
        values = dict(raw)
        values["curators"] = [CuratorContact(name, telegram_id)
                              for name, telegram_id in values["curators"]]
        values["people"] = {(role, form, age): n for role, form, age, n in values["people"]}
        organisations.append(OrgFigures(**values))
    return RegionFigures(
        region_id=data["region_id"], name=data["name"], timezone=data["timezone"],
        today=date.fromisoformat(data["today"]),
        week_starts=[date.fromisoformat(d) for d in data["week_starts"]],
        organisations=organisations,
        computed_at=datetime.fromisoformat(data["computed_at"]) if data["computed_at"]
        else None)
