"""Monitoring of a programme, computed from plain answer data (no database, no Telegram).

Stage 1 (quality of the programme): averages of the final satisfaction scales per question, by
role and by form, and how many of the invited filled the survey in. Stage 2 (growth of the
participants): the change of each self-assessment scale between entry and exit, per participant
and on average. Plus the share of mentees who want to become mentors.

The caller loads completed survey responses into `AnswerSet`s (see docs/lifecycle.md); which
questions are scales is read from the survey definitions, so adding a scale to a definition
adds it to the report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.services.surveys import ScaleQuestion, SurveyRegistry, load_definitions

ROLES = ("mentor", "mentee")
SATISFACTION_SURVEYS = {"mentor": "final_satisfaction_mentor", "mentee": "final_satisfaction_mentee"}
ENTRY_SURVEYS = {role: f"entry_self_assessment_{role}" for role in ROLES}
EXIT_SURVEYS = {role: f"exit_self_assessment_{role}" for role in ROLES}


@dataclass(frozen=True)
class AnswerSet:
    """One completed survey response of one participant."""

    participation_id: int
    role: str
    form: str | None
    survey_id: str
    answers: Mapping[str, object]


@dataclass(frozen=True)
class Average:
    """Mean of one question over a group; role/form None means "all"."""

    question_id: str
    role: str | None
    form: str | None
    mean: float
    count: int


@dataclass(frozen=True)
class Completion:
    role: str | None
    form: str | None
    invited: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.invited if self.invited else None


@dataclass(frozen=True)
class Stage1:
    questions: tuple[str, ...]  # scale question ids in definition order
    averages: tuple[Average, ...]
    completions: tuple[Completion, ...]

    def average(self, question_id: str, role: str | None = None,
                form: str | None = None) -> Average | None:
        return next((a for a in self.averages if (a.question_id, a.role, a.form)
                     == (question_id, role, form)), None)

    def completion(self, role: str | None = None, form: str | None = None) -> Completion | None:
        return next((c for c in self.completions if (c.role, c.form) == (role, form)), None)


@dataclass(frozen=True)
class ParticipantChange:
    participation_id: int
    role: str
    form: str | None
    question_id: str
    entry: int
    exit: int

    @property
    def delta(self) -> int:
        return self.exit - self.entry


@dataclass(frozen=True)
class QuestionChange:
    role: str
    question_id: str
    count: int  # participants with both an entry and an exit answer
    entry_mean: float
    exit_mean: float
    improved: int  # participants whose score went up

    @property
    def delta_mean(self) -> float:
        return self.exit_mean - self.entry_mean


@dataclass(frozen=True)
class Stage2:
    changes: tuple[ParticipantChange, ...]
    questions: tuple[QuestionChange, ...]

    def question(self, role: str, question_id: str) -> QuestionChange | None:
        return next((q for q in self.questions if (q.role, q.question_id) == (role, question_id)),
                    None)


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass(frozen=True)
class MonitoringReport:
    stage1: Stage1
    stage2: Stage2
    future_mentors: Share


def _score(value: object, question: ScaleQuestion) -> int | None:
    """A stored scale answer, or None for skipped / malformed values (bool is not a score)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if question.min <= value <= question.max else None


def _scales(registry: SurveyRegistry, survey_id: str) -> list[ScaleQuestion]:
    if survey_id not in registry:
        return []
    return [q for q in registry.get(survey_id).questions if isinstance(q, ScaleQuestion)]


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values)


def _latest(records: Iterable[AnswerSet], survey_ids: set[str]) -> dict[tuple[int, str], AnswerSet]:
    """One response per participant and survey: a later duplicate replaces an earlier one."""
    found: dict[tuple[int, str], AnswerSet] = {}
    for record in records:
        if record.survey_id in survey_ids:
            found[(record.participation_id, record.survey_id)] = record
    return found


def stage1(records: Iterable[AnswerSet], invited: Mapping[tuple[str, str | None], int],
           registry: SurveyRegistry | None = None) -> Stage1:
    """Averages of the satisfaction scales and completion rates.

    `invited` counts the participants asked to fill the survey, keyed by (role, form); the rows
    for a role over every form and for everyone are sums of those."""
    registry = registry or load_definitions()
    scales_by_role = {role: _scales(registry, sid) for role, sid in SATISFACTION_SURVEYS.items()}
    order = list(dict.fromkeys(q.id for role in ROLES for q in scales_by_role[role]))
    responses = _latest(records, set(SATISFACTION_SURVEYS.values()))

    values: dict[tuple[str, str | None, str | None], list[int]] = defaultdict(list)
    done: dict[tuple[str | None, str | None], set[int]] = defaultdict(set)
    forms: set[str | None] = set()
    for record in responses.values():
        if SATISFACTION_SURVEYS.get(record.role) != record.survey_id:
            continue  # a role answering the other role's survey is a caller's bug: ignore it
        forms.add(record.form)
        for key in ((record.role, record.form), (record.role, None), (None, record.form),
                    (None, None)):
            done[key].add(record.participation_id)
        for question in scales_by_role[record.role]:
            score = _score(record.answers.get(question.id), question)
            if score is None:
                continue
            for role, form in ((record.role, record.form), (record.role, None),
                               (None, record.form), (None, None)):
                values[(question.id, role, form)].append(score)

    groups = _groups(forms | {form for _, form in invited})
    averages = tuple(
        Average(qid, role, form, _mean(values[(qid, role, form)]), len(values[(qid, role, form)]))
        for qid in order for role, form in groups if values.get((qid, role, form)))
    completions = tuple(
        Completion(role, form, _invited(invited, role, form), len(done.get((role, form), ())))
        for role, form in groups
        if _invited(invited, role, form) or done.get((role, form)))
    return Stage1(tuple(order), averages, completions)


def _groups(forms: set[str | None]) -> list[tuple[str | None, str | None]]:
    """Everyone first, then each role, then each form, then role × form."""
    # A form-less participation (a multi-form programme before matching) only counts in totals.
    named = sorted(f for f in forms if f is not None)
    groups: list[tuple[str | None, str | None]] = [(None, None)]
    groups += [(role, None) for role in ROLES]
    groups += [(None, form) for form in named]
    groups += [(role, form) for role in ROLES for form in named]
    return groups


def _invited(invited: Mapping[tuple[str, str | None], int], role: str | None,
             form: str | None) -> int:
    return sum(n for (r, f), n in invited.items()
               if (role is None or r == role) and (form is None or f == form))


def stage2(records: Iterable[AnswerSet], registry: SurveyRegistry | None = None) -> Stage2:
    """Entry-versus-exit change of every self-assessment scale, for participants who answered
    both; a question skipped in either survey is left out for that participant."""
    registry = registry or load_definitions()
    responses = _latest(records, set(ENTRY_SURVEYS.values()) | set(EXIT_SURVEYS.values()))
    changes: list[ParticipantChange] = []
    for (participation_id, survey_id), entry in sorted(responses.items()):
        role = entry.role
        if ENTRY_SURVEYS.get(role) != survey_id:
            continue
        exit_ = responses.get((participation_id, EXIT_SURVEYS[role]))
        if exit_ is None:
            continue
        exit_questions = {q.id: q for q in _scales(registry, EXIT_SURVEYS[role])}
        for question in _scales(registry, survey_id):
            if question.id not in exit_questions:
                continue
            before = _score(entry.answers.get(question.id), question)
            after = _score(exit_.answers.get(question.id), exit_questions[question.id])
            if before is not None and after is not None:
                changes.append(ParticipantChange(participation_id, role, exit_.form or entry.form,
                                                 question.id, before, after))

    summary: list[QuestionChange] = []
    for role in ROLES:
        for question in _scales(registry, ENTRY_SURVEYS[role]):
            rows = [c for c in changes if c.role == role and c.question_id == question.id]
            if rows:
                summary.append(QuestionChange(
                    role, question.id, len(rows), _mean([c.entry for c in rows]),
                    _mean([c.exit for c in rows]), sum(1 for c in rows if c.delta > 0)))
    return Stage2(tuple(changes), tuple(summary))


def future_mentors(records: Iterable[AnswerSet]) -> Share:
    """Mentees who answered "yes" to wanting to become a mentor, among those who answered."""
    survey_id = SATISFACTION_SURVEYS["mentee"]
    answers = [r.answers.get("want_become_mentor")
               for r in _latest(records, {survey_id}).values() if r.role == "mentee"]
    answered = [a for a in answers if isinstance(a, str)]
    return Share(sum(1 for a in answered if a == "yes"), len(answered))


def willing_mentors(records: Iterable[AnswerSet]) -> list[int]:
    """Participations of mentors who want to continue: the next cycle's invitations."""
    survey_id = SATISFACTION_SURVEYS["mentor"]
    return sorted(r.participation_id for r in _latest(records, {survey_id}).values()
                  if r.role == "mentor" and r.answers.get("want_continue") == "yes")


def report(records: Iterable[AnswerSet], invited: Mapping[tuple[str, str | None], int],
           registry: SurveyRegistry | None = None) -> MonitoringReport:
    records = list(records)
    return MonitoringReport(stage1(records, invited, registry), stage2(records, registry),
                            future_mentors(records))
