"""Telegram's MarkdownV2 and legacy Markdown parse modes, strict like tdlib.

The point is the errors: an un-escaped "." or "-" from user data breaks
MarkdownV2 on the real API, so it must break here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.models import ApiError

RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _error(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Builder:
    source: str
    parts: list[str] = field(default_factory=list)
    length: int = 0  # utf-16 units
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.length += _utf16(chunk)

    def entity(self, kind: str, offset: int, **extra: Any) -> None:
        if self.length > offset:
            self.entities.append(
                {"type": kind, "offset": offset, "length": self.length - offset, **extra}
            )

    def byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode())

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.entities.sort(key=lambda item: (item["offset"], -item["length"]))
        return "".join(self.parts), self.entities


def _find_unescaped(text: str, needle: str, start: int) -> int:
    pos = start
    while pos < len(text):
        if text[pos] == "\\" and pos + 1 < len(text):
            pos += 2
            continue
        if text.startswith(needle, pos):
            return pos
        pos += 1
    return -1


def _unescape(raw: str) -> str:
    out, pos = [], 0
    while pos < len(raw):
        if raw[pos] == "\\" and pos + 1 < len(raw) and 0 < ord(raw[pos + 1]) <= 126:
            pos += 1
        out.append(raw[pos])
        pos += 1
    return "".join(out)


def _code(b: _Builder, text: str, pos: int) -> int:
    """Parse `code` or ```pre``` at pos; return the position after it."""
    fence = "```" if text.startswith("```", pos) else "`"
    end = _find_unescaped(text, fence, pos + len(fence))
    if end == -1:
        name = "Pre" if fence == "```" else "Code"
        raise _error(f"Can't find end of {name} entity at byte offset {b.byte_offset(pos)}")
    body = text[pos + len(fence) : end]
    extra: dict[str, Any] = {}
    if fence == "```" and "\n" in body:
        first, rest = body.split("\n", 1)
        if first and not any(ch.isspace() for ch in first):
            extra["language"] = first
            body = rest
    start = b.length
    b.add(_unescape(body))
    b.entity("pre" if fence == "```" else "code", start, **extra)
    return end + len(fence)


def _link_end(b: _Builder, text: str, pos: int, start_pos: int) -> tuple[str, int]:
    """After "]" at pos: "(url)" must follow; return (url, position after it)."""
    if not text.startswith("(", pos + 1):
        raise _error(f"Can't find end of a URL at byte offset {b.byte_offset(start_pos)}")
    close = _find_unescaped(text, ")", pos + 2)
    if close == -1:
        raise _error(f"Can't find end of a URL at byte offset {b.byte_offset(pos + 1)}")
    return _unescape(text[pos + 2 : close]), close + 1


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    b = _Builder(text)
    stack: list[tuple[str, int, int]] = []  # (entity type, output offset, source position)
    quote_start: int | None = None
    quote_end = 0
    line_start = True
    pos = 0
    while pos < len(text):
        char = text[pos]
        if line_start:
            line_start = False
            if char == ">" or text.startswith("**>", pos):
                if quote_start is None:
                    quote_start = b.length
                pos += 3 if char == "*" else 1
                continue
            if quote_start is not None:
                b.length, saved = quote_end, b.length  # entity ends before the newline
                b.entity("blockquote", quote_start)
                b.length, quote_start = saved, None
        if char == "\\" and pos + 1 < len(text) and 0 < ord(text[pos + 1]) <= 126:
            b.add(text[pos + 1])
            pos += 2
            continue
        if char == "\n":
            quote_end = b.length
            line_start = True
        if char not in RESERVED:
            b.add(char)
            pos += 1
            continue
        top = stack[-1][0] if stack else None
        if char == "`":
            pos = _code(b, text, pos)
            continue
        if char == "[" or (char == "!" and text.startswith("[", pos + 1)):
            kind = "text_link" if char == "[" else "custom_emoji"
            stack.append((kind, b.length, pos))
            pos += 1 if char == "[" else 2
            continue
        if char == "]" and top in {"text_link", "custom_emoji"}:
            kind, offset, start_pos = stack.pop()
            url, pos = _link_end(b, text, pos, start_pos)
            if kind == "custom_emoji":
                b.entity(kind, offset, custom_emoji_id=url.rsplit("id=", 1)[-1])
            else:
                b.entity(kind, offset, url=url)
            continue
        toggled, width = _toggle_kind(text, pos, top)
        if toggled is None:
            raise _error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        if top == toggled:
            _, offset, _ = stack.pop()
            b.entity(toggled, offset)
        else:
            stack.append((toggled, b.length, pos))
        pos += width
    if quote_start is not None:
        b.entity("blockquote", quote_start)
    if stack:
        kind, _, start_pos = stack[-1]
        raise _error(
            f"Can't find end of {_NAMES[kind]} entity at byte offset {b.byte_offset(start_pos)}"
        )
    return b.result()


def _toggle_kind(text: str, pos: int, top: str | None) -> tuple[str | None, int]:
    char = text[pos]
    if char == "*":
        return "bold", 1
    if char == "~":
        return "strikethrough", 1
    if char == "|":
        return ("spoiler", 2) if text.startswith("||", pos) else (None, 1)
    if char == "_":
        if text.startswith("__", pos) and top != "italic":
            return "underline", 2
        return "italic", 1
    return None, 1


_LEGACY = {"*": "bold", "_": "italic"}


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    b = _Builder(text)
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text) and text[pos + 1] in "_*`[":
            b.add(text[pos + 1])
            pos += 2
            continue
        if char not in "_*`[":
            b.add(char)
            pos += 1
            continue
        unclosed = _error(
            f"Can't find end of the entity starting at byte offset {b.byte_offset(pos)}"
        )
        if char == "`":
            try:
                pos = _code(b, text, pos)
            except ApiError:
                raise unclosed from None
            continue
        if char == "[":
            close = text.find("]", pos + 1)
            if close == -1 or not text.startswith("(", close + 1) or text.find(")", close) == -1:
                raise unclosed
            end = text.find(")", close)
            start = b.length
            b.add(text[pos + 1 : close])
            b.entity("text_link", start, url=text[close + 2 : end])
            pos = end + 1
            continue
        end = text.find(char, pos + 1)
        if end == -1:
            raise unclosed
        start = b.length
        b.add(text[pos + 1 : end])
        b.entity(_LEGACY[char], start)
        pos = end + 1
    return b.result()
