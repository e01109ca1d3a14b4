"""Telegram's HTML parse_mode: strict parsing to plain text + entities.

Mirrors tdlib's parse_html closely enough that an un-escaped "<" in user data
fails here the same way it fails against the real API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.emulator.models import ApiError

_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _error(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: can't parse entities: {detail}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int  # utf-16 offset in the output text
    attrs: dict[str, str]
    byte_offset: int


def _decode_entity(text: str, pos: int, strict_amp: bool) -> tuple[str, int]:
    """Decode an HTML entity at text[pos] == '&'; return (char, new position)."""
    match = _ENTITY_RE.match(text, pos)
    if match:
        body = match.group(1)
        try:
            if body.startswith("#x"):
                return chr(int(body[2:], 16)), match.end()
            if body.startswith("#"):
                return chr(int(body[1:])), match.end()
        except (ValueError, OverflowError):
            pass
        else:
            if body in _NAMED:
                return _NAMED[body], match.end()
    if strict_amp:
        # Telegram itself keeps a lone "&" literally; we are stricter on purpose
        # so un-escaped user data is caught in tests.
        byte_offset = len(text[:pos].encode())
        raise _error(f'Unsupported HTML entity or bare "&" at byte offset {byte_offset}')
    return "&", pos + 1


def _unescape(value: str, strict_amp: bool) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        if value[pos] == "&":
            char, pos = _decode_entity(value, pos, strict_amp=False)
            out.append(char)
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        name, value = match.group(1).lower(), match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[name] = _unescape(value, strict_amp=False)
    return attrs


def _entity(open_tag: _Open, end: int, parent: _Open | None) -> dict[str, Any] | None:
    length = end - open_tag.offset
    if length <= 0:
        return None
    kind = _ENTITY_TYPES[open_tag.tag]
    entity: dict[str, Any] = {"type": kind, "offset": open_tag.offset, "length": length}
    if kind == "text_link":
        entity["url"] = open_tag.attrs.get("href", "")
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = open_tag.attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in open_tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and parent is not None and parent.tag == "pre":
        language = open_tag.attrs.get("class", "")
        if language.startswith("language-"):
            parent.attrs["language"] = language[len("language-") :]
            return None
    elif kind == "pre" and open_tag.attrs.get("language"):
        entity["language"] = open_tag.attrs["language"]
    return entity


def parse_html(text: str, strict_amp: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) or raise ApiError like Telegram."""
    out: list[str] = []
    out_len = 0  # utf-16 units written so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "&":
            decoded, pos = _decode_entity(text, pos, strict_amp)
            out.append(decoded)
            out_len += utf16_len(decoded)
            continue
        if char != "<":
            out.append(char)
            out_len += utf16_len(char)
            pos += 1
            continue
        byte_offset = len(text[:pos].encode())
        close = text.find(">", pos)
        if close == -1:
            raise _error(f"Unclosed start tag at byte offset {byte_offset}")
        inner = text[pos + 1 : close]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _error(f"Unexpected end tag at byte offset {byte_offset}")
            top = stack[-1]
            if name != top.tag:
                raise _error(
                    f'Unmatched end tag at byte offset {byte_offset}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            entity = _entity(top, out_len, stack[-1] if stack else None)
            if entity:
                entities.append(entity)
        else:
            name_match = re.match(r"[^\s>]*", inner)
            name = name_match.group(0).lower() if name_match else ""
            if name not in _ENTITY_TYPES:
                raise _error(f'Unsupported start tag "{name}" at byte offset {byte_offset}')
            attrs = _parse_attrs(inner[len(name) :])
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset}'
                )
            stack.append(_Open(name, out_len, attrs, byte_offset))
        pos = close + 1
    if stack:
        raise _error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda item: (item["offset"], -item["length"]))
    return "".join(out), entities


def render_text(
    text: str, parse_mode: str | None, strict_amp: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode. Markdown modes are passed through unparsed (known gap)."""
    if parse_mode and parse_mode.lower() == "html":
        return parse_html(text, strict_amp)
    return text, []
