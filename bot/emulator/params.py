"""Decoding Bot API request parameters (form, multipart or JSON) into Python values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.emulator.models import ApiError, bad_request

# Fields that arrive as JSON-serialized strings in form requests.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "entities",
        "caption_entities",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)


@dataclass
class Upload:
    filename: str | None
    content: bytes
    content_type: str | None


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Return (params, uploaded files by form field name)."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        body = await request.read()
        if body:
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON object") from exc
            if not isinstance(data, dict):
                raise bad_request("can't parse JSON object")
            params.update(data)
        return params, files
    if request.method == "POST" and request.body_exists:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                params[key] = value
    return decode_json_fields(params), files


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Form requests carry nested objects as JSON strings; decode them in place."""
    for key in JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError as exc:
                raise bad_request(f"can't parse {key} JSON object") from exc
    return params


def get_int(params: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    value = params.get(key)
    if value in (None, ""):
        if required:
            raise ApiError(400, f"Bad Request: {key} is empty")
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise bad_request(f"invalid {key} specified") from exc


def get_bool(params: dict[str, Any], key: str) -> bool:
    value = params.get(key)
    if isinstance(value, str):
        return value.lower() in {"true", "1"}
    return bool(value)
