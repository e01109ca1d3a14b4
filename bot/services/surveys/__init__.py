"""Survey engine: data-defined questionnaires walked by pure functions.

Typical use by the Telegram layer::

    survey = load_definitions().get("mentor_profile")
    q = next_question(survey, answers)            # None -> finished
    text = render_prompt(survey, q, answers, "ru")
    result = validate(q, raw)                     # Ok(value) | Invalid(code, params)
    if isinstance(result, Ok): store(q.id, result.value, survey.version)
    else: reply(format_error(result, "ru"))
"""

from .flow import (
    SKIPPED,
    Answers,
    SkipNotAllowed,
    hidden_answer_ids,
    invalid_answers,
    is_complete,
    is_visible,
    next_question,
    previous_question,
    progress,
    skip,
    visible_answers,
    visible_questions,
)
from .messages import MESSAGES, message, normalise_locale
from .models import (
    DateQuestion,
    LocalizedText,
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
    answer_text,
    format_error,
    option_text,
    render_hint,
    render_prompt,
    render_text,
    summarise,
)
from .validation import AnswerValue, Invalid, Ok, ValidationResult, validate

__all__ = [
    "MESSAGES",
    "SKIPPED",
    "AnswerValue",
    "Answers",
    "DateQuestion",
    "Invalid",
    "LocalizedText",
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
    "ValidationResult",
    "answer_text",
    "format_error",
    "hidden_answer_ids",
    "invalid_answers",
    "is_complete",
    "is_visible",
    "load_definitions",
    "message",
    "next_question",
    "normalise_locale",
    "option_text",
    "parse_definition",
    "previous_question",
    "progress",
    "render_hint",
    "render_prompt",
    "render_text",
    "skip",
    "summarise",
    "validate",
    "visible_answers",
    "visible_questions",
]
