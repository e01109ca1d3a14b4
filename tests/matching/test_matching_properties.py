"""Property tests of `propose` against a brute-force optimum."""

from __future__ import annotations

import os
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.matching import (
    Preferences,
    Weights,
    hard_rule_failure,
    propose,
    score_matrix,
    score_pair,
    soft_score,
)
from tests.matching._factories import brute_force, expected_reason, mentee, mentor

FORMS = ["a", "a", "a", "b"]  # sampled uniformly: mostly one form
READY = [True, True, True, True, False]
AGES = ["1-4", "5-9", "10-11"]
subsets = lambda pool: st.frozensets(st.sampled_from(pool))  # noqa: E731


@st.composite
def cohorts(draw):
    n_mentors = draw(st.integers(0, 6) | st.integers(3, 6))
    n_mentees = draw(st.integers(0, 8) | st.integers(4, 8))
    mentors = [
        mentor(
            j + 1,
            form=draw(st.sampled_from(FORMS)),
            ready=draw(st.sampled_from(READY)),
            age_groups=draw(st.frozensets(st.sampled_from(AGES), min_size=1)),
            capacity=draw(st.sampled_from([0, 1, 1, 2, 2, 3])),
            competencies=draw(subsets(["r1", "r2", "r3", "r4"])),
            interests=draw(subsets(["i1", "i2", "i3"])),
            formats=draw(subsets(["offline", "online"])),
            availability=draw(subsets(["s1", "s2", "s3"])),
            person_id=draw(st.integers(1, 8)),
        )
        for j in range(n_mentors)
    ]
    mentees = [
        mentee(
            i + 1,
            form=draw(st.sampled_from(FORMS)),
            ready=draw(st.sampled_from(READY)),
            age_group=draw(st.sampled_from(AGES)),
            requests=draw(subsets(["r1", "r2", "r3", "r4"])),
            interests=draw(subsets(["i1", "i2", "i3"])),
            formats=draw(subsets(["offline", "online"])),
            availability=draw(subsets(["s1", "s2", "s3"])),
            person_id=draw(st.integers(1, 30)),
        )
        for i in range(n_mentees)
    ]
    all_pairs = [(m.id, e.id) for m in mentors for e in mentees]
    pair_sets = (
        st.frozensets(st.sampled_from(all_pairs), max_size=4) if all_pairs else st.just(frozenset())
    )
    weights = draw(
        st.just(Weights())
        | st.builds(
            Weights,
            *[st.floats(0, 10, allow_nan=False, allow_infinity=False) for _ in range(5)],
        )
    )
    return mentors, mentees, weights, draw(pair_sets), draw(pair_sets), draw(pair_sets)


# 150 random cohorts per property in CI; MATCHING_EXAMPLES=2000 for a long search.
SETTINGS = settings(max_examples=int(os.environ.get("MATCHING_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(cohorts())
def test_propose_is_valid_and_optimal(cohort):
    mentors, mentees, weights, by_mentee, by_mentor, excluded = cohort
    prefs = Preferences(by_mentee, by_mentor)
    proposal = propose(mentors, mentees, weights, by_mentee, by_mentor, excluded)
    mentor_by_id = {m.id: m for m in mentors}
    mentee_by_id = {e.id: e for e in mentees}

    # Every mentee appears exactly once: matched or unmatched.
    matched_ids = [p.mentee_id for p in proposal.pairs]
    assert len(matched_ids) == len(set(matched_ids))
    assert sorted(matched_ids + [u.mentee_id for u in proposal.unmatched]) == sorted(mentee_by_id)

    load = Counter(p.mentor_id for p in proposal.pairs)
    for p in proposal.pairs:
        m, e = mentor_by_id[p.mentor_id], mentee_by_id[p.mentee_id]
        assert hard_rule_failure(m, e, excluded) is None
        assert p.score == score_pair(m, e, weights, prefs, excluded).score
    for mentor_id, n in load.items():
        assert n <= mentor_by_id[mentor_id].capacity

    best_count, best_total = brute_force(mentors, mentees, weights, prefs, excluded)
    assert len(proposal.pairs) == best_count
    assert abs(proposal.total_score - best_total) < 1e-6

    for u in proposal.unmatched:
        e = mentee_by_id[u.mentee_id]
        assert u.reason == expected_reason(e, mentors, excluded)
        if u.reason == "capacity_full":
            # Maximality: every mentor this mentee could take is full.
            for m in mentors:
                if hard_rule_failure(m, e, excluded) is None:
                    assert load[m.id] == m.capacity


@SETTINGS
@given(cohorts())
def test_score_matrix_agrees_with_score_pair(cohort):
    mentors, mentees, weights, by_mentee, by_mentor, _ = cohort
    prefs = Preferences(by_mentee, by_mentor)
    matrix = score_matrix(mentors, mentees, weights, prefs)
    assert matrix.shape == (len(mentees), len(mentors))
    for i, e in enumerate(mentees):
        for j, m in enumerate(mentors):
            expected = soft_score(m, e, weights, prefs).score
            assert matrix[i, j] == expected  # bit-identical, not just close
            assert 0.0 <= expected <= 100.0 + 1e-9
    assert np.all(np.isfinite(matrix))
