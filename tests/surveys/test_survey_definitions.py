from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from bot.i18n import load_catalogues
from bot.services.surveys import (
    MultiQuestion,
    SingleQuestion,
    Survey,
    SurveyDefinitionError,
    load_definitions,
    parse_definition,
)
from bot.services.surveys import validation as v
from bot.services.surveys.models import KEY_RE
from bot.services.surveys.registry import DEFINITIONS_DIR

from .conftest import DEMO

FILES = sorted(DEFINITIONS_DIR.glob("*.json"))
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_expected_surveys_load(registry):
    assert {s.id for s in registry} == {
        "age_group",
        "mentor_profile",
        "mentee_profile",
        "meeting_feedback",
        "entry_self_assessment_mentee",
        "entry_self_assessment_mentor",
        "exit_self_assessment_mentee",
        "exit_self_assessment_mentor",
        "midterm_control",
        "final_satisfaction_mentee",
        "final_satisfaction_mentor",
        "curator_conditions",
        "reflection",
    }
    assert len(FILES) == len(registry)


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_every_text_is_in_both_catalogues(file: Path):
    survey = parse_definition(file.read_text(encoding="utf-8"), file.name)
    catalogues = load_catalogues()
    ru, en = catalogues["ru"].messages, catalogues["en"].messages
    for key in survey.text_keys():
        assert key in ru and key in en, f"{key} is not in both surveys.po"
        assert ru[key].strip() and en[key].strip(), key
        # Catches a copy-paste of the wrong language into a slot.
        assert CYRILLIC.search(ru[key]), f"{key}: Russian text has no Cyrillic"
        assert not CYRILLIC.search(en[key]), f"{key}: English text contains Cyrillic"


def test_no_survey_text_is_left_without_a_definition(registry):
    """A key in surveys.po that no definition asks for is a renamed or removed question."""
    wanted = {key for survey in registry for key in survey.text_keys()}
    for locale, catalogue in load_catalogues().items():
        own = {key for key in catalogue.messages
               if key.startswith("survey.") and (".q." in key or key.endswith((".title", ".intro")))}
        assert own - wanted == set(), locale


@pytest.mark.parametrize("field", ["text", "title", "hint", "min_label"])
def test_a_definition_carries_no_texts(field):
    """Texts belong in the catalogues: a definition with words in it is refused at load."""
    broken = copy.deepcopy(DEMO)
    target = broken if field == "title" else broken["questions"][0]
    target[field] = {"ru": "Текст", "en": "Text"}
    with pytest.raises(SurveyDefinitionError):
        parse_definition(json.dumps(broken))


def test_keys_are_derived_from_ids(demo):
    q = demo.question("topics")
    assert (demo.title_key, demo.intro_key) == ("survey.demo.title", None)
    assert q.key == "survey.demo.q.topics" and q.hint_key is None
    assert q.option_key("other") == "survey.demo.q.topics.option.other"


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_ids_unique_and_snake_case(file: Path):
    survey = parse_definition(file.read_text(encoding="utf-8"), file.name)
    assert survey.id == file.stem
    qids = [q.id for q in survey.questions]
    assert len(qids) == len(set(qids))
    for q in survey.questions:
        assert KEY_RE.fullmatch(q.id)
        if isinstance(q, SingleQuestion | MultiQuestion):
            assert len(q.option_ids) == len(set(q.option_ids))
            assert all(KEY_RE.fullmatch(o) for o in q.option_ids), q.id


def _options(registry, survey_id, question_id):
    return registry.get(survey_id).question(question_id).option_ids


@pytest.mark.parametrize(
    ("mentor_q", "mentee_q"),
    [
        ("competencies", "requests"),
        ("interests", "interests"),
        ("meeting_format", "meeting_format"),
        ("availability", "availability"),
    ],
)
def test_mentor_and_mentee_vocabularies_match(registry, mentor_q, mentee_q):
    mentor = registry.get("mentor_profile").question(mentor_q)
    mentee = registry.get("mentee_profile").question(mentee_q)
    assert mentor.option_ids == mentee.option_ids
    # Same labels too, so curators see one vocabulary in reports.
    for catalogue in load_catalogues().values():
        labels = catalogue.messages
        assert [labels[mentor.option_key(o)] for o in mentor.option_ids] == [
            labels[mentee.option_key(o)] for o in mentee.option_ids]


def test_competency_vocabulary_covers_brief(registry):
    ids = set(_options(registry, "mentor_profile", "competencies"))
    assert {
        "teaching_methods",
        "project_work",
        "olympiad_prep",
        "exam_prep",
        "digital_tools",
        "homeroom_teaching",
        "parent_communication",
        "team_adaptation",
        "career_guidance",
        "learning_motivation",
        "time_management",
        "public_speaking",
        "research_work",
    } <= ids


def test_age_group_ids_are_stable_and_asked_first(registry):
    assert _options(registry, "age_group", "age_group") == ("under_14", "14_17", "18_plus")
    for role in ("mentor", "mentee"):
        assert registry.for_role(role, "teacher_teacher", stage="onboarding")[0].id == "age_group"


def test_mentor_numbers_and_profile_shape(registry):
    mentor = registry.get("mentor_profile")
    hours, mentees = mentor.question("hours_per_month"), mentor.question("max_mentees")
    assert (hours.min, hours.max) == (1, 40)
    assert (mentees.min, mentees.max) == (1, 10)
    assert mentor.question("about").optional
    fb = registry.get("meeting_feedback").question("usefulness")
    assert (fb.type, fb.min, fb.max) == ("scale", 1, 10)


def test_for_role(registry):
    assert [s.id for s in registry.for_role("mentee", stage="onboarding")] == [
        "age_group",
        "mentee_profile",
    ]
    assert [s.id for s in registry.for_role("mentor", stage="meeting")] == ["meeting_feedback"]
    assert registry.for_role("guardian") == []
    with pytest.raises(KeyError):
        registry.get("nope")


def test_for_role_respects_forms(demo):
    from bot.services.surveys import SurveyRegistry

    narrow = demo.model_copy(update={"id": "narrow", "forms": ("student_student",)})
    reg = SurveyRegistry([demo, narrow])
    assert [s.id for s in reg.for_role("mentee", "student_student")] == ["demo", "narrow"]
    assert [s.id for s in reg.for_role("mentee", "teacher_teacher")] == ["demo"]


def test_load_is_cached():
    assert load_definitions() is load_definitions()
    assert load_definitions() is load_definitions(DEFINITIONS_DIR)


def _broken(mutate) -> str:
    data = copy.deepcopy(DEMO)
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(
            lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])),
            id="duplicate-question",
        ),
        pytest.param(
            lambda d: d["questions"][1].update(show_if={"question": "note", "equals": "x"}),
            id="show_if-later",
        ),
        pytest.param(
            lambda d: d["questions"][1].update(show_if={"question": "status", "equals": "ghost"}),
            id="show_if-unknown-option",
        ),
        pytest.param(
            lambda d: d["questions"][1].update(show_if={"question": "status"}),
            id="show_if-no-value",
        ),
        pytest.param(lambda d: d["questions"][0].pop("options"), id="single-without-options"),
        pytest.param(lambda d: d["questions"][0]["options"].pop(), id="single-one-option"),
        pytest.param(lambda d: d["questions"][4].update(min=5, max=5), id="scale-empty"),
        pytest.param(lambda d: d["questions"][4].update(min=0, max=100), id="scale-too-wide"),
        pytest.param(lambda d: d["questions"][1].update(min=5, max=1), id="number-reversed"),
        pytest.param(lambda d: d["questions"][2].update(min=3, max=2), id="multi-reversed"),
        pytest.param(lambda d: d["questions"][2].update(max=9), id="multi-max-too-big"),
        pytest.param(lambda d: d["questions"][5].update(min="2031-01-01"), id="date-reversed"),
        pytest.param(lambda d: d["questions"][6].update(type="essay"), id="unknown-type"),
        pytest.param(
            lambda d: d["questions"][0]["options"].__setitem__(0, "Pupil"), id="option-not-snake"
        ),
        pytest.param(lambda d: d["questions"][0].update(colour="red"), id="unknown-field"),
        pytest.param(lambda d: d.update(roles=["teacher"]), id="unknown-role"),
        pytest.param(lambda d: d.update(version=0), id="version-zero"),
        pytest.param(lambda d: d.update(forms=[]), id="no-forms"),
        pytest.param(lambda d: d.update(questions=[]), id="no-questions"),
    ],
)
def test_bad_definitions_are_rejected(mutate):
    with pytest.raises(SurveyDefinitionError):
        parse_definition(_broken(mutate))


def test_demo_is_valid(demo):
    assert isinstance(demo, Survey)


def test_directory_checks(tmp_path: Path):
    (tmp_path / "other_name.json").write_text(json.dumps(DEMO), encoding="utf-8")
    with pytest.raises(SurveyDefinitionError, match="file name"):
        load_definitions(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SurveyDefinitionError):
        load_definitions(empty)
    ok = tmp_path / "ok"
    ok.mkdir()
    (ok / "demo.json").write_text(json.dumps(DEMO), encoding="utf-8")
    assert "demo" in load_definitions(ok)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "demo.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SurveyDefinitionError, match="invalid JSON"):
        load_definitions(tmp_path / "bad")


def test_every_error_code_and_ui_string_has_a_message():
    codes = {value for name, value in vars(v).items() if name.startswith("E_")}
    catalogues = load_catalogues()
    for catalogue in catalogues.values():
        assert codes <= catalogue.messages.keys()
    assert catalogues["ru"].messages["survey.progress"] == "Вопрос {index} из {total}"
    for key in (
        "survey.button.skip",
        "survey.button.back",
        "survey.button.done",
        "survey.answer_saved",
        "survey.completed",
    ):
        assert key in catalogues["en"].messages
