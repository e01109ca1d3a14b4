"""Texts composed of translation keys, as plain data the sender renders at send time in the
recipient's language (bot/delivery/render.py): a message with optional sections and lists of
names (the digest) is a join of translated fragments, not one key.

    tr("digest.pairs", count=3, share="50")     {"$t": key, "params": {...}, "count": 3}
    join([tr(...), " (", tr(...), ")"], "")      {"$join": [...], "sep": ""}

Plain strings inside a join are data (names) and are escaped in HTML; fragments are not escaped
again. A fragment can be any parameter's value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Fragment = dict[str, Any]


def tr(key: str, /, count: int | None = None, **params: object) -> Fragment:
    fragment: Fragment = {"$t": key}
    if params:
        fragment["params"] = dict(params)
    if count is not None:
        fragment["count"] = count
    return fragment


def join(parts: Iterable[str | Fragment], sep: str) -> Fragment:
    return {"$join": list(parts), "sep": sep}
