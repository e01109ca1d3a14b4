"""Loading and looking up survey definitions (packaged JSON files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from bot.package_data import package_dir

from .models import Survey

DEFINITIONS_DIR = package_dir("bot.services.surveys.definitions")
_DEFAULT_DIRECTORY = DEFINITIONS_DIR.resolve()


class SurveyDefinitionError(ValueError):
    """A definition file is malformed; the message names the file and the problem."""


class SurveyRegistry:
    def __init__(self, surveys: list[Survey]) -> None:
        self._by_id: dict[str, Survey] = {}
        for survey in surveys:
            if survey.id in self._by_id:
                raise SurveyDefinitionError(f"duplicate survey id {survey.id!r}")
            self._by_id[survey.id] = survey

    def get(self, survey_id: str) -> Survey:
        try:
            return self._by_id[survey_id]
        except KeyError:
            raise KeyError(f"unknown survey {survey_id!r}") from None

    def __contains__(self, survey_id: object) -> bool:
        return survey_id in self._by_id

    def __iter__(self) -> Iterator[Survey]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def for_role(
        self, role: str, form: str | None = None, stage: str | None = None
    ) -> list[Survey]:
        """Surveys for a role in a mentorship form, in the order they should be asked.

        ``form=None`` ignores forms; ``stage`` ("onboarding"/"meeting") narrows further.
        """
        found = [
            s
            for s in self._by_id.values()
            if s.applies_to(role, form) and (stage is None or s.stage == stage)
        ]
        return sorted(found, key=lambda s: (s.order, s.id))


def parse_definition(text: str, source: str = "<string>") -> Survey:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SurveyDefinitionError(f"{source}: invalid JSON: {exc}") from exc
    try:
        return Survey.model_validate(data)
    except ValidationError as exc:
        raise SurveyDefinitionError(f"{source}: {exc}") from exc


def load_definitions(directory: str | Path | None = None) -> SurveyRegistry:
    """Load and validate every ``*.json`` in ``directory`` (default: the packaged set).

    Cached per directory: definitions are read once per process.
    """
    if directory is None:  # every update that shows a question asks: no file system calls
        return _load(_DEFAULT_DIRECTORY)
    return _load(Path(directory).resolve())


@lru_cache(maxsize=8)
def _load(directory: Path) -> SurveyRegistry:
    files = sorted(directory.glob("*.json"))
    if not files:
        raise SurveyDefinitionError(f"no survey definitions in {directory}")
    surveys = []
    for file in files:
        survey = parse_definition(file.read_text(encoding="utf-8"), file.name)
        # The file name is how people find a survey; keep it equal to the id.
        if survey.id != file.stem:
            raise SurveyDefinitionError(f"{file.name}: id {survey.id!r} must match the file name")
        surveys.append(survey)
    return SurveyRegistry(surveys)


load_definitions.cache_clear = _load.cache_clear  # type: ignore[attr-defined]  # the cache's own
