"""Nothing that parsed before parses differently: the importer's JSON for the project's own
roadmap fixtures (the demo roadmap and the test documents, as text, .docx and .xlsx) is the
snapshot taken before the importer learned to read misaligned tables. After a deliberate
change, rewrite it with `python -m tests.roadmap.snapshot project > tests/roadmap/snapshots/project.json`
and review the diff."""

from __future__ import annotations

import json
from pathlib import Path

from tests.roadmap.snapshot import diff, project_documents, snapshot

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "project.json"


def test_project_fixtures_parse_as_in_the_snapshot():
    expected = json.loads(SNAPSHOT.read_text("utf-8"))
    # The JSON round trip turns tuples into lists, as in the committed file.
    got = json.loads(json.dumps(snapshot(project_documents()), ensure_ascii=False))
    assert diff(expected, got) == []
    assert got == expected
