"""Survey engine: data-defined questionnaires walked by pure functions.

Typical use by the Telegram layer::

    survey = load_definitions().get("mentor_profile")
    q = next_question(survey, answers)            # None -> finished
    text = render_prompt(survey, q, answers, t.plain)  # texts from surveys.po
    result = validate(q, raw)                     # Ok(value) | Invalid(code, params)
    if isinstance(result, Ok): store(q.id, result.value, survey.version)
    else: reply(format_error(result, t.plain))
"""

from .flow import (
    SKIPPED,
    Answers,
    Position,
    SkipNotAllowed,
    hidden_answer_ids,
    invalid_answers,
    is_complete,
    is_visible,
    next_question,
    position,
    previous_question,
    progress,
    skip,
    visible_answers,
    visible_questions,
)
from .models import (
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Option,
    Question,
    ScaleQuestion,
    ShowIf,
    SingleQuestion,
    Survey,
    TextQuestion,
)
from .registry import SurveyDefinitionError, SurveyRegistry, load_definitions, parse_definition
from .render import (
    Texts,
    answer_text,
    format_date,
    format_error,
    option_text,
    render_hint,
    render_intro,
    render_prompt,
    render_text,
    render_title,
    summarise,
)
from .validation import AnswerValue, Invalid, Ok, ValidationResult, validate

__all__ = [
    "SKIPPED",
    "AnswerValue",
    "Answers",
    "DateQuestion",
    "Invalid",
    "MultiQuestion",
    "NumberQuestion",
    "Ok",
    "Option",
    "Question",
    "ScaleQuestion",
    "ShowIf",
    "SingleQuestion",
    "SkipNotAllowed",
    "Survey",
    "SurveyDefinitionError",
    "SurveyRegistry",
    "TextQuestion",
    "Texts",
    "ValidationResult",
    "answer_text",
    "format_date",
    "format_error",
    "hidden_answer_ids",
    "invalid_answers",
    "is_complete",
    "is_visible",
    "load_definitions",
    "next_question",
    "Position",
    "position",
    "option_text",
    "parse_definition",
    "previous_question",
    "progress",
    "render_hint",
    "render_intro",
    "render_prompt",
    "render_text",
    "render_title",
    "skip",
    "summarise",
    "validate",
    "visible_answers",
    "visible_questions",
]
