"""Result types of the roadmap importer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .deadlines import Deadline


@dataclass
class RoadmapItem:
    number: str | None
    section: str | None
    title: str
    content: str | None
    deadline: Deadline
    responsible: list[str] = field(default_factory=list)
    result: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def is_dated(self) -> bool:
        return self.deadline.is_dated

    def to_json(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "number": self.number,
            "section": self.section,
            "title": self.title,
            "content": self.content,
            "deadline_text": d.text,
            "start": d.start.isoformat() if d.start else None,
            "end": d.end.isoformat() if d.end else None,
            "recurrence": d.recurrence,
            "responsible": list(self.responsible),
            "result": self.result,
            "warnings": list(self.warnings),
        }


@dataclass
class RoadmapParse:
    items: list[RoadmapItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def undated(self) -> list[RoadmapItem]:
        """Items the bot cannot schedule by itself: they need a human to set dates."""
        return [i for i in self.items if not i.is_dated]
