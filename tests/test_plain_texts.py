"""Issue 16, item 3: Telegram shows a button's text and a callback answer as they are (no
parse_mode), so they are built with the plain translator (`t.plain`, `Translator.plain`, or a
`t.as_plain()` passed down), never with the HTML one, which escapes parameters («Школа & Co»
became «Школа &amp; Co» on /orgs).

The strict emulator catches it where an end-to-end test passes (tests/e2e/test_escaping.py);
this reads the code, so a button no test presses is held to the same rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.i18n import create_translator

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/*.py")])
BUTTONS = {"button", "InlineKeyboardButton", "KeyboardButton"}


def _html_translation(node: ast.AST) -> ast.Call | None:
    """A call inside `node` that renders HTML: t(...) or translator.get(...)."""
    for inner in ast.walk(node):
        if not isinstance(inner, ast.Call):
            continue
        func = inner.func
        if isinstance(func, ast.Name) and func.id == "t":
            return inner
        if isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(
                func.value, ast.Name) and func.value.id == "translator":
            return inner
    return None


def _plain_contexts(tree: ast.AST):
    """(description, expression) of every button text and callback answer text."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in BUTTONS:
            for keyword in node.keywords:
                if keyword.arg == "text":
                    yield "a button's text", keyword.value
        if (name == "answer" and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name) and func.value.id == "query"):
            texts = [k.value for k in node.keywords if k.arg == "text"] + node.args[:1]
            for text in texts:
                yield "a callback answer", text


def test_no_button_text_or_callback_answer_is_rendered_as_html():
    found = []
    for path in SOURCES:
        if "emulator" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for what, expression in _plain_contexts(tree):
            call = _html_translation(expression)
            if call is not None:
                found.append(f"{path.relative_to(ROOT)}:{call.lineno}: {what} built with "
                             f"{ast.unparse(call.func)}(...) (HTML-escaped); use t.plain")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", ["Школа «Бета» & Co", "<b>", "\"Q&A\""])
def test_the_plain_translator_leaves_parameters_as_typed(name):
    t = create_translator("ru", strict=True).bind("ru")
    assert t.plain("owner.orgs.link_button", name=name) == f"🔗 {name}"
    assert t.as_plain()("owner.orgs.link_button", name=name) == f"🔗 {name}"
    assert t("owner.orgs.link_button", name="A & B") == "🔗 A &amp; B"  # a message: escaped
