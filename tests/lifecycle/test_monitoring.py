"""Monitoring computations against hand-computed figures."""

from __future__ import annotations

import pytest

from bot.services.reports import monitoring
from bot.services.reports.monitoring import AnswerSet

SS, TS = "student_student", "teacher_student"
FSM, FSR = "final_satisfaction_mentee", "final_satisfaction_mentor"


def sat(pid, role, form, **answers):
    return AnswerSet(pid, role, form, FSM if role == "mentee" else FSR, answers)


RECORDS = [
    sat(1, "mentee", SS, usefulness=8, partner_involvement=6, want_become_mentor="yes"),
    sat(2, "mentee", SS, usefulness=10, partner_involvement=9, want_become_mentor="no"),
    sat(3, "mentee", TS, usefulness=5, partner_involvement=None, want_become_mentor="yes"),
    sat(4, "mentee", TS, usefulness=3, partner_involvement=4, want_become_mentor="undecided"),
    sat(11, "mentor", SS, usefulness=9, partner_involvement=10, want_continue="yes"),
    sat(12, "mentor", TS, usefulness=6, want_continue="no"),
]
INVITED = {("mentee", SS): 3, ("mentee", TS): 2, ("mentor", SS): 1, ("mentor", TS): 2}


def test_stage1_averages_by_role_and_form():
    result = monitoring.stage1(RECORDS, INVITED)
    assert result.questions[:2] == ("usefulness", "partner_involvement")
    assert len(result.questions) == 7
    mean = lambda q, role=None, form=None: result.average(q, role, form).mean  # noqa: E731
    assert mean("usefulness") == pytest.approx(41 / 6)
    assert result.average("usefulness").count == 6
    assert mean("usefulness", "mentee") == pytest.approx(6.5)
    assert mean("usefulness", "mentor") == pytest.approx(7.5)
    assert mean("usefulness", "mentee", SS) == pytest.approx(9.0)
    assert mean("usefulness", "mentee", TS) == pytest.approx(4.0)
    assert mean("usefulness", None, SS) == pytest.approx(9.0)
    assert mean("usefulness", None, TS) == pytest.approx(14 / 3)
    # A skipped or missing answer is not a zero.
    assert mean("partner_involvement", "mentee") == pytest.approx(19 / 3)
    assert result.average("partner_involvement", "mentee").count == 3
    assert mean("partner_involvement") == pytest.approx(7.25)
    assert result.average("partner_involvement", "mentor", TS) is None
    assert result.average("support") is None  # nobody answered it


def test_stage1_completion_rates():
    result = monitoring.stage1(RECORDS, INVITED)
    overall = result.completion()
    assert (overall.invited, overall.completed, overall.rate) == (8, 6, 0.75)
    assert result.completion("mentee").rate == pytest.approx(0.8)
    assert result.completion("mentee", SS).rate == pytest.approx(2 / 3)
    assert result.completion("mentee", TS).rate == 1.0
    assert (result.completion("mentor").invited, result.completion("mentor").completed) == (3, 2)
    assert (result.completion(None, SS).invited, result.completion(None, SS).completed) == (4, 3)
    assert [(c.role, c.form) for c in result.completions][:3] == [
        (None, None), ("mentor", None), ("mentee", None)]


def test_stage1_invited_without_answers_and_nobody_invited():
    result = monitoring.stage1([], {("mentor", SS): 4})
    assert result.averages == ()
    assert result.completion("mentor", SS).rate == 0.0
    assert result.completion("mentee") is None
    assert monitoring.stage1([], {}).completions == ()


def test_stage1_ignores_bad_values_and_counts_a_repeated_response_once():
    records = [
        sat(1, "mentee", SS, usefulness=11),  # out of the 1–10 scale
        sat(2, "mentee", SS, usefulness=True),  # a bool is not a score
        sat(3, "mentee", SS, usefulness="7"),
        sat(4, "mentee", SS, usefulness=2),
        sat(4, "mentee", SS, usefulness=4),  # the later response wins
        AnswerSet(5, "mentor", SS, FSM, {"usefulness": 1}),  # wrong survey for the role
        AnswerSet(6, "mentee", SS, "meeting_feedback", {"usefulness": 1}),
    ]
    result = monitoring.stage1(records, {("mentee", SS): 5})
    assert (result.average("usefulness").mean, result.average("usefulness").count) == (4.0, 1)
    assert result.completion("mentee", SS).completed == 4


def entry(pid, role, **answers):
    return AnswerSet(pid, role, SS, f"entry_self_assessment_{role}", answers)


def exit_(pid, role, **answers):
    return AnswerSet(pid, role, SS, f"exit_self_assessment_{role}", answers)


STAGE2 = [
    entry(1, "mentee", engagement=4, confidence=5, request_skills=3),
    exit_(1, "mentee", engagement=7, confidence=5, request_skills=8),
    entry(2, "mentee", engagement=6, confidence=7, request_skills=None),
    exit_(2, "mentee", engagement=5, confidence=9, request_skills=6),
    entry(3, "mentee", engagement=1, confidence=1),  # never took the exit survey
    entry(11, "mentor", engagement=8, mentoring_skills=4),
    exit_(11, "mentor", engagement=9, mentoring_skills=7),
    exit_(12, "mentor", engagement=9),  # no entry
]


def test_stage2_change_per_participant():
    result = monitoring.stage2(STAGE2)
    deltas = {(c.participation_id, c.question_id): c.delta for c in result.changes}
    assert deltas == {
        (1, "engagement"): 3, (1, "confidence"): 0, (1, "request_skills"): 5,
        (2, "engagement"): -1, (2, "confidence"): 2,
        (11, "engagement"): 1, (11, "mentoring_skills"): 3,
    }


def test_stage2_average_change_per_question():
    result = monitoring.stage2(STAGE2)
    engagement = result.question("mentee", "engagement")
    assert (engagement.count, engagement.entry_mean, engagement.exit_mean) == (2, 5.0, 6.0)
    assert engagement.delta_mean == 1.0 and engagement.improved == 1
    confidence = result.question("mentee", "confidence")
    assert (confidence.entry_mean, confidence.exit_mean, confidence.improved) == (6.0, 7.0, 1)
    skills = result.question("mentee", "request_skills")
    assert (skills.count, skills.delta_mean) == (1, 5.0)
    assert result.question("mentor", "mentoring_skills").delta_mean == 3.0
    assert result.question("mentor", "confidence") is None
    # Mentors' questions come first, each in the order of the definition.
    assert [(q.role, q.question_id) for q in result.questions][:3] == [
        ("mentor", "engagement"), ("mentor", "mentoring_skills"), ("mentee", "engagement")]


def test_share_of_future_mentors_and_willing_mentors():
    share = monitoring.future_mentors(RECORDS)
    assert (share.count, share.total, share.rate) == (2, 4, 0.5)
    assert monitoring.future_mentors([]).rate is None
    assert monitoring.willing_mentors(RECORDS) == [11]


def test_report_bundles_the_stages():
    result = monitoring.report(RECORDS + STAGE2, INVITED)
    assert result.stage1.completion().completed == 6
    assert len(result.stage2.changes) == 7
    assert result.future_mentors.rate == 0.5
