"""The monitoring surveys: entry and exit ask the same scales, satisfaction has the Р-145 set."""

from __future__ import annotations

import pytest

from bot.i18n import load_catalogues
from bot.services.surveys import ScaleQuestion, load_definitions

ROLES = ("mentee", "mentor")
SATISFACTION_SCALES = ("usefulness", "partner_involvement", "communication_comfort",
                       "meetings_usefulness", "plan_clarity", "support", "expectations_met")


@pytest.fixture(scope="module")
def registry():
    return load_definitions()


def _shape(survey):
    return [(q.id, q.type, getattr(q, "min", None), getattr(q, "max", None)) for q in survey.questions]


@pytest.mark.parametrize("role", ROLES)
def test_entry_and_exit_ask_the_same_scales(registry, role):
    entry = registry.get(f"entry_self_assessment_{role}")
    exit_ = registry.get(f"exit_self_assessment_{role}")
    assert _shape(entry) == _shape(exit_)
    # Same wording too: a reworded question would not measure the same thing twice.
    for catalogue in load_catalogues().values():
        words = catalogue.messages
        assert [words[q.key] for q in entry.questions] == [words[q.key] for q in exit_.questions]
    assert all(isinstance(q, ScaleQuestion) and (q.min, q.max) == (1, 10) for q in entry.questions)
    assert {"engagement", "confidence"} <= {q.id for q in entry.questions}
    assert entry.roles == exit_.roles == (role,)
    assert all(c.messages[entry.title_key] != c.messages[exit_.title_key]
               for c in load_catalogues().values())


def test_role_specific_skills(registry):
    assert registry.get("entry_self_assessment_mentee").question("request_skills") is not None
    assert registry.get("entry_self_assessment_mentor").question("mentoring_skills") is not None
    assert registry.get("entry_self_assessment_mentor").question("request_skills") is None


@pytest.mark.parametrize("role", ROLES)
def test_satisfaction_has_the_stage_one_set(registry, role):
    survey = registry.get(f"final_satisfaction_{role}")
    scales = [q.id for q in survey.questions if isinstance(q, ScaleQuestion)]
    assert scales == list(SATISFACTION_SCALES)
    assert survey.question("meeting_frequency").option_ids == ("weekly", "biweekly", "monthly",
                                                              "rarely")
    assert survey.question("want_continue").option_ids == ("yes", "no", "undecided")
    assert survey.question("most_valuable").optional and survey.question("to_improve").optional
    assert (survey.question("want_become_mentor") is not None) == (role == "mentee")


def test_monitoring_surveys_stay_out_of_onboarding_and_meetings(registry):
    monitoring = {s.id for s in registry if s.stage == "monitoring"}
    assert monitoring == {
        "entry_self_assessment_mentee", "entry_self_assessment_mentor",
        "exit_self_assessment_mentee", "exit_self_assessment_mentor", "midterm_control",
        "final_satisfaction_mentee", "final_satisfaction_mentor", "curator_conditions",
        "reflection"}
    for role in ROLES:
        for stage in ("onboarding", "meeting"):
            assert not monitoring & {s.id for s in registry.for_role(role, stage=stage)}


def test_midterm_curator_and_reflection(registry):
    midterm = registry.get("midterm_control")
    assert set(midterm.roles) == {"mentor", "mentee"}
    assert {"goals_progress", "difficulties", "need_help"} <= {q.id for q in midterm.questions}
    assert midterm.question("help_details").show_if.question == "need_help"
    curator = registry.get("curator_conditions")
    assert curator.roles == ("curator",)
    assert {"organisational_support", "materials", "time_allocated", "mentor_training"} <= {
        q.id for q in curator.questions}
    reflection = registry.get("reflection")
    assert [q.id for q in reflection.questions] == ["what_changed", "main_achievement",
                                                    "share_as_practice"]
    assert not reflection.question("what_changed").optional
