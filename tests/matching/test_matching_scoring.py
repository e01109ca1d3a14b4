"""Unit tests of hard rules and pair scores."""

from __future__ import annotations

import pytest

from bot.services.matching import (
    Preferences,
    Reason,
    Weights,
    hard_rule_failure,
    score_matrix,
    score_pair,
    soft_score,
)
from tests.matching._factories import mentee, mentor

F = frozenset


@pytest.mark.parametrize(
    ("mentor_kw", "mentee_kw", "excluded", "code"),
    [
        ({"form": "teacher_teacher"}, {}, set(), "form"),
        ({"ready": False}, {}, set(), "not_ready"),
        ({}, {"ready": False}, set(), "not_ready"),
        ({"age_groups": F({"10-11"})}, {}, set(), "age_group"),
        ({"person_id": 7}, {"person_id": 7}, set(), "same_person"),
        ({}, {}, {(1, 1)}, "excluded"),
        ({"capacity": 0}, {}, set(), "capacity"),
        ({}, {}, {(1, 2)}, None),
    ],
)
def test_hard_rules(mentor_kw, mentee_kw, excluded, code):
    m, e = mentor(1, **mentor_kw), mentee(1, **mentee_kw)
    assert hard_rule_failure(m, e, excluded) == code
    assert (score_pair(m, e, excluded=excluded) is None) == (code is not None)


def test_reasons_name_the_matched_requests():
    m = mentor(competencies=F({"методика", "проектная деятельность", "химия"}))
    e = mentee(requests=F({"методика", "проектная деятельность", "подготовка к ЕГЭ"}))
    ps = score_pair(m, e)
    assert ps.reasons[0] == Reason("requests_competencies", ("методика", "проектная деятельность"))
    assert 2 <= len(ps.reasons) <= 3
    assert all(isinstance(r.items, tuple) for r in ps.reasons)


def test_reasons_are_the_strongest_contributions_in_order():
    m = mentor(
        competencies=F({"методика"}),
        interests=F({"шахматы", "театр"}),
        availability=F({"mon_pm", "sat_am"}),
    )
    e = mentee(
        requests=F({"методика", "химия"}),
        interests=F({"шахматы"}),
        availability=F({"mon_pm", "sat_am"}),
    )
    # requests 5*0.5=2.5, interests 2*0.5=1.0, format 1.5, availability 1.5
    ps = score_pair(m, e)
    assert [r.code for r in ps.reasons] == ["requests_competencies", "format", "availability"]
    assert ps.reasons[2].items == ("mon_pm", "sat_am")


def test_score_bounds():
    full = dict(competencies=F({"a"}), interests=F({"x"}), availability=F({"s1", "s2"}))
    m = mentor(**full)
    e = mentee(requests=F({"a"}), interests=F({"x"}), availability=F({"s1", "s2"}))
    no_prefs = score_pair(m, e).score
    assert no_prefs == pytest.approx(100 * 10 / 13)
    both = Preferences(F({(1, 1)}), F({(1, 1)}))
    assert score_pair(m, e, prefs=both).score == pytest.approx(100.0)
    empty = score_pair(mentor(formats=F()), mentee())
    assert empty.score == 0.0 and empty.reasons == []


def test_preferences_raise_the_score_and_mutual_counts_more():
    m, e = mentor(competencies=F({"a"})), mentee(requests=F({"a", "b"}))
    key = F({(1, 1)})
    base = score_pair(m, e).score
    by_mentee = score_pair(m, e, prefs=Preferences(by_mentee=key))
    by_mentor = score_pair(m, e, prefs=Preferences(by_mentor=key))
    mutual = score_pair(m, e, prefs=Preferences(key, key))
    assert base < by_mentee.score == by_mentor.score < mutual.score
    assert mutual.score - base > (by_mentee.score - base) + (by_mentor.score - base)
    assert Reason("mentee_preference") in by_mentee.reasons
    assert Reason("mentor_preference") in by_mentor.reasons
    assert Reason("mutual_preference") in mutual.reasons


def test_weights_change_the_score():
    m = mentor(competencies=F({"a"}), interests=F({"x", "y"}))
    e = mentee(requests=F({"a", "b"}), interests=F({"x", "y"}))
    requests_first = score_pair(m, e, Weights(requests=10, interests=0.1))
    interests_first = score_pair(m, e, Weights(requests=0.1, interests=10))
    assert interests_first.score > requests_first.score
    assert interests_first.reasons[0].code == "shared_interests"
    assert requests_first.reasons[0].code == "requests_competencies"
    with pytest.raises(ValueError):
        Weights(requests=-1)
    zero = Weights(0, 0, 0, 0, 0)
    assert score_pair(m, e, zero).score == 0.0


def test_score_matrix_matches_scalar_on_generated_cohort():
    from bench.matching import generate_cohort

    mentors, mentees, by_mentee, by_mentor, _ = generate_cohort(120, 40, seed=5)
    prefs = Preferences(F(by_mentee), F(by_mentor))
    for weights in (Weights(), Weights(1, 7, 0.5, 3, 11)):
        matrix = score_matrix(mentors, mentees, weights, prefs)
        for i, e in enumerate(mentees):
            for j, m in enumerate(mentors):
                assert matrix[i, j] == soft_score(m, e, weights, prefs).score
