"""Forms of mentorship of the target model (Р-145 and the 2022 system of teacher mentorship)."""

from __future__ import annotations

STANDARD_FORMS: tuple[str, ...] = (
    "student_student",      # ученик – ученик
    "teacher_student",      # учитель – ученик
    "teacher_teacher",      # учитель – учитель (педагог – педагог)
    "director_teacher",     # руководитель – педагог
    "college_student",      # студент – студент
    "lecturer_student",     # преподаватель – студент
    "employer_student",     # работодатель – студент
    "student_pupil",        # студент – ученик
    "employer_pupil",       # работодатель – ученик
)
CUSTOM_PREFIX = "custom:"
MAX_CUSTOM_FORM_LENGTH = 48


def is_valid_form(form: str) -> bool:
    if form in STANDARD_FORMS:
        return True
    title = form.removeprefix(CUSTOM_PREFIX)
    return form.startswith(CUSTOM_PREFIX) and 0 < len(title.strip()) <= MAX_CUSTOM_FORM_LENGTH


def custom_form(title: str) -> str:
    return CUSTOM_PREFIX + " ".join(title.split())[:MAX_CUSTOM_FORM_LENGTH]


def form_title(form: str, t) -> str:  # t: a bound translator
    if form.startswith(CUSTOM_PREFIX):
        return form.removeprefix(CUSTOM_PREFIX)
    return t(f"form.{form}")
