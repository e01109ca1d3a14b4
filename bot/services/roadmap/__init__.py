"""Roadmap (дорожная карта) importer: a pure service, no Telegram and no database."""

from .deadlines import Deadline, parse_deadline
from .importer import parse_roadmap, parse_tables, parse_text
from .models import RoadmapItem, RoadmapParse
from .readers import RoadmapFormatError

__all__ = [
    "Deadline",
    "RoadmapFormatError",
    "RoadmapItem",
    "RoadmapParse",
    "parse_deadline",
    "parse_roadmap",
    "parse_tables",
    "parse_text",
]
