"""Pydantic models for survey definitions.

Definitions are data (JSON files); these models are the single place that
decides what a valid definition looks like, so a broken file fails at load
time instead of in the middle of a user's questionnaire.

A definition holds structure only (ids, types, ranges, option codes). Its texts live in the
catalogues (locales/<lang>/LC_MESSAGES/surveys.po) under keys derived from the ids, so a new
language is a new catalogue and never a change to a definition:

    survey.<survey>.title, survey.<survey>.intro (when "intro": true)
    survey.<survey>.q.<question>, ….hint (when "hint": true)
    survey.<survey>.q.<question>.min_label / .max_label (a scale with "labels": true)
    survey.<survey>.q.<question>.option.<option>
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Stable keys are stored in the database and compared by matching, so they are
# restricted to lowercase snake_case (digits allowed: "14_17", "18_plus").
KEY_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
ROLES = ("mentor", "mentee", "curator", "guardian")

Role = Literal["mentor", "mentee", "curator", "guardian"]
# "monitoring": entry/midterm/final surveys sent by the programme's calendar, never part of
# onboarding or of a meeting's feedback.
Stage = Literal["onboarding", "meeting", "monitoring"]
Scalar = str | int


def _check_key(value: str, what: str) -> str:
    if not KEY_RE.fullmatch(value):
        raise ValueError(f"{what} {value!r} must be lowercase snake_case")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Frozen):
    id: str

    @field_validator("id")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_key(value, "option id")


class ShowIf(_Frozen):
    """Show a question only when an earlier answer matches.

    For a multi-choice source question "equals" means "this option was chosen"
    and "in" means "any of these options was chosen".
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    question: str
    equals: Scalar | None = None
    in_: tuple[Scalar, ...] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _exactly_one(self) -> ShowIf:
        if (self.equals is None) == (self.in_ is None):
            raise ValueError("show_if needs exactly one of 'equals' or 'in'")
        if self.in_ is not None and not self.in_:
            raise ValueError("show_if 'in' must not be empty")
        return self

    @property
    def values(self) -> tuple[Scalar, ...]:
        return (self.equals,) if self.equals is not None else tuple(self.in_ or ())


class _QuestionBase(_Frozen):
    id: str
    # The catalogue key of the question's text, set by the survey from the ids (see above).
    key: str = ""
    hint: bool = False  # the definition has its own hint (else a generic one by type)
    optional: bool = False
    show_if: ShowIf | None = None

    @field_validator("id")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_key(value, "question id")

    @property
    def hint_key(self) -> str | None:
        return f"{self.key}.hint" if self.hint else None


class _ChoiceBase(_QuestionBase):
    options: tuple[Option, ...]

    @field_validator("options", mode="before")
    @classmethod
    def _option_ids(cls, value: object) -> object:
        # Options are written as their codes: ["teacher", "pupil"].
        if isinstance(value, list | tuple):
            return tuple({"id": o} if isinstance(o, str) else o for o in value)
        return value

    @field_validator("options")
    @classmethod
    def _options(cls, value: tuple[Option, ...]) -> tuple[Option, ...]:
        if len(value) < 2:
            raise ValueError("a choice question needs at least two options")
        ids = [o.id for o in value]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate option ids: {ids}")
        return value

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def option_key(self, option_id: str) -> str:
        return f"{self.key}.option.{option_id}"

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


class SingleQuestion(_ChoiceBase):
    type: Literal["single"]


class MultiQuestion(_ChoiceBase):
    type: Literal["multi"]
    min: int = 1
    max: int | None = None  # None: up to every option

    @model_validator(mode="after")
    def _bounds(self) -> MultiQuestion:
        if self.min < 1:
            raise ValueError("multi 'min' must be at least 1 (use optional to allow none)")
        if self.max is not None and not self.min <= self.max <= len(self.options):
            raise ValueError("multi 'max' must be between 'min' and the number of options")
        if self.min > len(self.options):
            raise ValueError("multi 'min' exceeds the number of options")
        return self

    @property
    def max_choices(self) -> int:
        return self.max if self.max is not None else len(self.options)


# A scale is answered with one button per value, so keep it keyboard-sized.
MAX_SCALE_SPAN = 20


class ScaleQuestion(_QuestionBase):
    type: Literal["scale"]
    min: int = 1
    max: int = 10
    labels: bool = False  # the ends of the scale have names (….min_label / ….max_label)

    @model_validator(mode="after")
    def _range(self) -> ScaleQuestion:
        if not 0 < self.max - self.min <= MAX_SCALE_SPAN:
            raise ValueError(f"scale needs min < max and at most {MAX_SCALE_SPAN} steps")
        return self


# Telegram messages are limited to 4096 characters.
MAX_TEXT_LENGTH = 4000


class TextQuestion(_QuestionBase):
    type: Literal["text"]
    max_length: int = Field(default=500, ge=1, le=MAX_TEXT_LENGTH)


class NumberQuestion(_QuestionBase):
    """Whole numbers only: counts of hours, mentees, years."""

    type: Literal["number"]
    min: int
    max: int

    @model_validator(mode="after")
    def _range(self) -> NumberQuestion:
        if self.min > self.max:
            raise ValueError("number needs min <= max")
        return self


class DateQuestion(_QuestionBase):
    type: Literal["date"]
    min: date | None = None
    max: date | None = None

    @model_validator(mode="after")
    def _range(self) -> DateQuestion:
        if self.min and self.max and self.min > self.max:
            raise ValueError("date needs min <= max")
        return self


Question = Annotated[
    SingleQuestion | MultiQuestion | ScaleQuestion | TextQuestion | NumberQuestion | DateQuestion,
    Field(discriminator="type"),
]
ChoiceQuestion = SingleQuestion | MultiQuestion


class Survey(_Frozen):
    id: str
    version: int = Field(ge=1)
    roles: tuple[Role, ...]
    forms: tuple[str, ...]
    stage: Stage = "onboarding"
    # Lower runs first; lets age_group precede the profiles in for_role().
    order: int = 100
    intro: bool = False  # an introduction shown above the first question
    questions: tuple[Question, ...]

    @model_validator(mode="before")
    @classmethod
    def _text_keys(cls, data: object) -> object:
        # Every question learns its catalogue key from the survey's and its own id.
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            questions = data.get("questions")
            if isinstance(questions, list | tuple):
                data = {**data, "questions": [
                    {**q, "key": f"survey.{data['id']}.q.{q['id']}"}
                    if isinstance(q, dict) and isinstance(q.get("id"), str) else q
                    for q in questions]}
        return data

    @property
    def title_key(self) -> str:
        return f"survey.{self.id}.title"

    @property
    def intro_key(self) -> str | None:
        return f"survey.{self.id}.intro" if self.intro else None

    def text_keys(self) -> list[str]:
        """Every catalogue key the survey's texts need (the translations test checks them)."""
        keys = [self.title_key, *([self.intro_key] if self.intro_key else [])]
        for q in self.questions:
            keys.append(q.key)
            if q.hint_key:
                keys.append(q.hint_key)
            if isinstance(q, ScaleQuestion) and q.labels:
                keys += [f"{q.key}.min_label", f"{q.key}.max_label"]
            if isinstance(q, SingleQuestion | MultiQuestion):
                keys += [q.option_key(o.id) for o in q.options]
        return keys

    @field_validator("id")
    @classmethod
    def _key(cls, value: str) -> str:
        return _check_key(value, "survey id")

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("roles must be a non-empty list without duplicates")
        return value

    @field_validator("forms")
    @classmethod
    def _forms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError('forms must not be empty (use ["*"] for every form)')
        if "*" in value and len(value) > 1:
            raise ValueError("'*' must be the only form")
        for form in value:
            if form != "*":
                _check_key(form, "form")
        return value

    @model_validator(mode="after")
    def _questions(self) -> Survey:
        if not self.questions:
            raise ValueError("a survey needs at least one question")
        seen: dict[str, _QuestionBase] = {}
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            if q.show_if is not None:
                _check_show_if(q.id, q.show_if, seen)
            seen[q.id] = q
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def applies_to(self, role: str, form: str | None) -> bool:
        if role not in self.roles:
            return False
        return form is None or "*" in self.forms or form in self.forms


def _check_show_if(qid: str, cond: ShowIf, earlier: dict[str, _QuestionBase]) -> None:
    source = earlier.get(cond.question)
    if source is None:
        raise ValueError(
            f"question {qid!r}: show_if must refer to an earlier question, got {cond.question!r}"
        )
    if isinstance(source, SingleQuestion | MultiQuestion):
        unknown = [v for v in cond.values if v not in source.option_ids]
        if unknown:
            raise ValueError(
                f"question {qid!r}: show_if values {unknown} are not options of {source.id!r}"
            )
    elif isinstance(source, ScaleQuestion | NumberQuestion):
        if not all(isinstance(v, int) for v in cond.values):
            raise ValueError(f"question {qid!r}: show_if on {source.id!r} needs integer values")
