from __future__ import annotations

import copy
import json
import re
import string
from pathlib import Path

import pytest

from bot.services.surveys import (
    MESSAGES,
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
TEXT_FIELDS = {"title", "intro", "text", "hint", "min_label", "max_label"}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _texts(node, path="$"):
    """Every translated text in raw JSON: (path, value) for the known text fields."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_FIELDS:
                yield f"{path}.{key}", value
            if isinstance(value, dict | list):
                yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _texts(item, f"{path}[{i}]")


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
def test_every_text_has_ru_and_en(file: Path):
    raw = json.loads(file.read_text(encoding="utf-8"))
    texts = list(_texts(raw))
    assert texts
    for path, value in texts:
        assert isinstance(value, dict), path
        assert set(value) == {"ru", "en"}, path
        assert value["ru"].strip() and value["en"].strip(), path
        # Catches a copy-paste of the wrong language into a slot.
        assert CYRILLIC.search(value["ru"]), f"{path}: Russian text has no Cyrillic"
        assert not CYRILLIC.search(value["en"]), f"{path}: English text contains Cyrillic"


def test_question_with_only_russian_is_rejected():
    broken = copy.deepcopy(DEMO)
    broken["questions"].append({"id": "extra", "type": "text", "text": {"ru": "Только по-русски"}})
    with pytest.raises(SurveyDefinitionError, match="en"):
        parse_definition(json.dumps(broken))
    broken["questions"][-1]["text"] = {"ru": "Есть", "en": "   "}
    with pytest.raises(SurveyDefinitionError):
        parse_definition(json.dumps(broken))


def test_option_with_only_russian_is_rejected():
    broken = copy.deepcopy(DEMO)
    broken["questions"][0]["options"][0]["text"] = {"ru": "Ученик"}
    with pytest.raises(SurveyDefinitionError):
        parse_definition(json.dumps(broken))


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
    assert [o.text for o in mentor.options] == [o.text for o in mentee.options]


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
            lambda d: d["questions"][0]["options"][0].update(id="Pupil"), id="option-not-snake"
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


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_messages_have_both_languages_with_same_placeholders():
    assert list(MESSAGES) == ["ru", "en"]
    assert MESSAGES["ru"].keys() == MESSAGES["en"].keys()
    for key, ru in MESSAGES["ru"].items():
        en = MESSAGES["en"][key]
        assert ru.strip() and en.strip(), key
        assert _fields(ru) == _fields(en), key


def test_every_error_code_and_ui_string_has_a_message():
    codes = {value for name, value in vars(v).items() if name.startswith("E_")}
    assert codes <= MESSAGES["ru"].keys()
    assert MESSAGES["ru"]["survey.progress"] == "Вопрос {index} из {total}"
    for key in (
        "survey.button.skip",
        "survey.button.back",
        "survey.button.done",
        "survey.answer_saved",
        "survey.completed",
    ):
        assert key in MESSAGES["en"]
