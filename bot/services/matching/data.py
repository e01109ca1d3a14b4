"""Matching input from the database: profiles of a programme's participants built from their
questionnaire answers, the programme's weights and the preferences participants named.

One query per kind (participations, profile answers, occupied mentor slots), whatever the size
of the cohort.

Who takes part:
- mentees in "ready" are matched; those still in "guardian_pending"/"questionnaire" are listed
  as not ready (the engine reports them); paired and withdrawn mentees are left out;
- mentors in "ready" or "paired" can take mentees while they have free places (a mentor with
  several mentees forms a group); capacity = max_mentees minus their active and paused pairs.

A mentee who answered version 1 of the questionnaire (without "audience") gets the wildcard
audience ANY_AUDIENCE, which every mentor accepts: they are not penalised for a question they
were never asked. No Reason is invented for it; the draft marks such a mentee instead."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import MenteeProfile, MentorProfile, Preferences, Weights
from bot.services.surveys import MultiQuestion, SingleQuestion, load_definitions
from models import (
    MatchPreference,
    Pair,
    PairState,
    Participation,
    ParticipationState,
    Programme,
    SurveyAnswer,
    SurveyResponse,
)

MENTOR_SURVEY = "mentor_profile"
MENTEE_SURVEY = "mentee_profile"
ANY_AUDIENCE = "*"
OCCUPYING_STATES = (PairState.ACTIVE, PairState.PAUSED)
MENTOR_STATES = (ParticipationState.READY, ParticipationState.PAIRED)
MENTEE_WAITING = (ParticipationState.GUARDIAN_PENDING, ParticipationState.QUESTIONNAIRE)
WEIGHT_NAMES = ("requests", "interests", "format", "availability", "preference")


@dataclass(frozen=True)
class Person:
    id: int  # participation id
    role: str
    full_name: str | None
    user_id: int | None
    state: str
    form: str


@dataclass
class Cohort:
    """Everything the engine needs for one programme, plus names for the curator."""

    programme_id: int
    mentors: list[MentorProfile] = field(default_factory=list)
    mentees: list[MenteeProfile] = field(default_factory=list)
    people: dict[int, Person] = field(default_factory=dict)
    any_audience: set[int] = field(default_factory=set)  # mentees without an audience answer

    def mentor(self, participation_id: int) -> MentorProfile | None:
        return next((m for m in self.mentors if m.id == participation_id), None)

    def mentee(self, participation_id: int) -> MenteeProfile | None:
        return next((e for e in self.mentees if e.id == participation_id), None)


def _set(value: object) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    if isinstance(value, str) and value:
        return frozenset({value})
    return frozenset()


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


async def build_cohort(session: AsyncSession, programme_id: int) -> Cohort:
    """Profiles of the programme's candidates: exactly three queries."""
    participations = (await session.scalars(
        select(Participation).where(
            Participation.programme_id == programme_id,
            ((Participation.role == "mentor") & Participation.state.in_(
                (*MENTOR_STATES, *MENTEE_WAITING)))
            | ((Participation.role == "mentee") & Participation.state.in_(
                (ParticipationState.READY, *MENTEE_WAITING))))
        .order_by(Participation.id))).all()

    answers: dict[int, dict[str, object]] = defaultdict(dict)
    rows = await session.execute(
        select(SurveyResponse.participation_id, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(Participation, Participation.id == SurveyResponse.participation_id)
        .where(Participation.programme_id == programme_id, SurveyResponse.context == "profile",
               SurveyResponse.survey_id.in_((MENTOR_SURVEY, MENTEE_SURVEY))))
    for participation_id, question_id, value in rows:
        answers[participation_id][question_id] = value

    occupied: dict[int, int] = dict((await session.execute(
        select(Pair.mentor_id, func.count()).where(
            Pair.programme_id == programme_id, Pair.state.in_(OCCUPYING_STATES))
        .group_by(Pair.mentor_id))).all())

    cohort = Cohort(programme_id)
    for p in participations:
        given = answers.get(p.id, {})
        form = p.form or ""
        # Somebody without a Telegram account behind the role still must not match themselves.
        person_id = p.user_id if p.user_id is not None else -p.id
        cohort.people[p.id] = Person(p.id, p.role, p.full_name, p.user_id, p.state, form)
        if p.role == "mentor":
            ready = p.state in MENTOR_STATES
            cohort.mentors.append(MentorProfile(
                id=p.id, form=form, ready=ready,
                age_groups=_set(given.get("age_groups")) | {ANY_AUDIENCE},
                capacity=max(0, _int(given.get("max_mentees"), 1) - occupied.get(p.id, 0)),
                competencies=_set(given.get("competencies")),
                interests=_set(given.get("interests")),
                formats=_set(given.get("meeting_format")),
                availability=_set(given.get("availability")),
                person_id=person_id))
        else:
            audience = given.get("audience")
            if not isinstance(audience, str) or not audience:
                audience = ANY_AUDIENCE
                if p.state == ParticipationState.READY:
                    cohort.any_audience.add(p.id)
            cohort.mentees.append(MenteeProfile(
                id=p.id, form=form, ready=p.state == ParticipationState.READY,
                age_group=audience,
                requests=_set(given.get("requests")),
                interests=_set(given.get("interests")),
                formats=_set(given.get("meeting_format")),
                availability=_set(given.get("availability")),
                person_id=person_id))
    return cohort


def weights_of(programme: Programme) -> Weights:
    """The programme's weights; unknown keys and bad values fall back to the defaults."""
    raw = programme.match_weights or {}
    values = {}
    for name in WEIGHT_NAMES:
        value = raw.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            values[name] = float(value)
    return Weights(**values)


async def preferences(session: AsyncSession, cohort: Cohort) -> Preferences:
    """Stored choices as (mentor_id, mentee_id) pairs on each side. One query."""
    rows = await session.execute(
        select(MatchPreference.chooser_id, MatchPreference.chosen_id)
        .where(MatchPreference.programme_id == cohort.programme_id))
    by_mentee, by_mentor = set(), set()
    for chooser, chosen in rows:
        a, b = cohort.people.get(chooser), cohort.people.get(chosen)
        if a is None or b is None or a.role == b.role:
            continue
        if a.role == "mentee":
            by_mentee.add((chosen, chooser))
        else:
            by_mentor.add((chooser, chosen))
    return Preferences(frozenset(by_mentee), frozenset(by_mentor))


def option_labels(locale: str) -> dict[str, str]:
    """Option id → text for every choice question of both profiles (they share vocabularies)."""
    labels: dict[str, str] = {}
    registry = load_definitions()
    for survey_id in (MENTOR_SURVEY, MENTEE_SURVEY):
        for question in registry.get(survey_id).questions:
            if isinstance(question, SingleQuestion | MultiQuestion):
                for option in question.options:
                    labels.setdefault(option.id, option.text.get(locale))
    return labels
