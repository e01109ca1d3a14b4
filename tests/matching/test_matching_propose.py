"""Unit tests of the cohort assignment and the curator helpers."""

from __future__ import annotations

import pytest

from bot.services.matching import (
    Weights,
    check_manual_pair,
    propose,
    rank_mentors_for,
)
from tests.matching._factories import mentee, mentor

F = frozenset


def assignment(proposal) -> dict[int, int]:
    return {p.mentee_id: p.mentor_id for p in proposal.pairs}


def test_empty_cohort():
    proposal = propose([], [])
    assert proposal.pairs == [] and proposal.unmatched == [] and proposal.total_score == 0


def test_cardinality_beats_total_score():
    # Mentee 1 fits mentor 1 far better, but only mentor 1 accepts mentee 2:
    # the engine must match both (1->2, 2->1) rather than maximise the score.
    m1 = mentor(1, competencies=F({"a", "b"}), age_groups=F({"5-9", "10-11"}))
    m2 = mentor(2, competencies=F(), formats=F({"offline"}))
    e1 = mentee(1, requests=F({"a", "b"}))
    e2 = mentee(2, age_group="10-11")
    proposal = propose([m1, m2], [e1, e2])
    assert assignment(proposal) == {1: 2, 2: 1}
    assert proposal.unmatched == []


def test_global_optimum_not_greedy():
    # Greedy by best pair would give e1->m1 (100%) and leave e2 with m2 (low).
    m1 = mentor(1, competencies=F({"a", "b"}))
    m2 = mentor(2, competencies=F({"a"}))
    e1 = mentee(1, requests=F({"a"}))
    e2 = mentee(2, requests=F({"b"}))
    assert assignment(propose([m1, m2], [e1, e2])) == {1: 2, 2: 1}


def test_preferences_change_the_assignment():
    m = mentor(1, competencies=F({"a", "b"}))
    e1 = mentee(1, requests=F({"a", "b"}))
    e2 = mentee(2, requests=F({"a", "c"}))
    assert assignment(propose([m], [e1, e2])) == {1: 1}
    with_pref = propose([m], [e1, e2], mentee_prefs={(1, 2)}, mentor_prefs={(1, 2)})
    assert assignment(with_pref) == {2: 1}
    assert with_pref.pairs[0].reasons[0].code == "mutual_preference"


def test_weights_change_the_assignment():
    by_requests = mentor(1, competencies=F({"a", "b"}))
    by_interests = mentor(2, interests=F({"x", "y"}))
    e = mentee(1, requests=F({"a", "b"}), interests=F({"x", "y"}))
    assert assignment(propose([by_requests, by_interests], [e])) == {1: 1}
    heavy_interests = Weights(requests=1, interests=10)
    assert assignment(propose([by_requests, by_interests], [e], heavy_interests)) == {1: 2}


def test_capacity_and_groups():
    m = mentor(1, capacity=2)
    proposal = propose([m], [mentee(i) for i in range(1, 5)])
    assert len(proposal.pairs) == 2
    assert {u.reason for u in proposal.unmatched} == {"capacity_full"}


def test_unmatched_reasons():
    mentors = [
        mentor(1, age_groups=F({"5-9", "1-4"}), capacity=3, person_id=50),
        mentor(2, form="teacher_teacher", ready=False),
        mentor(3, form="employer_student", age_groups=F({"spo"}), capacity=0),
    ]
    mentees = [
        mentee(1, ready=False),
        mentee(2, form="teacher_teacher"),  # only mentor of the form is not ready
        mentee(3, age_group="10-11"),
        mentee(4, age_group="1-4", person_id=50),
        mentee(5),  # excluded from mentor 1
        mentee(6, form="employer_student", age_group="spo"),  # mentor has no slots
        mentee(7),
    ]
    proposal = propose(mentors, mentees, excluded={(1, 5)})
    reasons = {u.mentee_id: u.reason for u in proposal.unmatched}
    assert reasons == {
        1: "not_ready",
        2: "no_mentor_for_form",
        3: "age_group",
        4: "same_person",
        5: "excluded",
        6: "capacity_full",
    }
    assert assignment(proposal) == {7: 1}


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError):
        propose([mentor(1), mentor(1)], [mentee(1)])


def test_rank_mentors_for():
    mentors = [
        mentor(1, competencies=F({"a"})),
        mentor(2, competencies=F({"a", "b"})),
        mentor(3, competencies=F({"a", "b"}), capacity=0),
        mentor(4, competencies=F({"a", "b"}), form="teacher_teacher"),
        mentor(5, competencies=F({"a", "b"})),
    ]
    e = mentee(1, requests=F({"a", "b"}))
    ranked = rank_mentors_for(e, mentors, excluded={(5, 1)})
    assert [r.mentor_id for r in ranked] == [2, 1]
    mentor_id, score, reasons = ranked[0]
    assert score > ranked[1].score
    assert reasons[0].items == ("a", "b")


def test_check_manual_pair():
    e = mentee(1, requests=F({"a"}))
    failure, ps, low = check_manual_pair(mentor(1, form="teacher_teacher"), e)
    assert (failure, ps, low) == ("form", None, False)
    failure, ps, low = check_manual_pair(mentor(1, formats=F()), e)
    assert failure is None and ps.score < 30 and low
    failure, ps, low = check_manual_pair(mentor(1, competencies=F({"a"})), e)
    assert failure is None and ps.score >= 30 and not low


def test_bench_quick_runs():
    from bench.matching import main

    assert main(["--quick", "--repeat", "1"]) == 0
