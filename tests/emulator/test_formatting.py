"""Unit and property tests for the strict HTML parser."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator.formatting import parse_html, utf16_len
from bot.emulator.markdown import parse_markdown, parse_markdown_v2
from bot.emulator.models import ApiError


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_always_parses_back(text):
    plain, entities = parse_html(html.escape(text))
    assert plain == text and entities == []


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1), st.sampled_from(["b", "i", "u", "s", "code", "tg-spoiler"]))
def test_wrapped_text_gives_one_entity_in_utf16_units(text, tag):
    plain, entities = parse_html(f"<{tag}>{html.escape(text)}</{tag}>")
    assert plain == text
    assert entities[0]["offset"] == 0 and entities[0]["length"] == utf16_len(text)


def test_nested_and_pre_language():
    plain, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert plain == "x = 1"
    assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    _, entities = parse_html("<b>a<i>b</i></b>")
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 2),
        ("italic", 1, 1),
    ]


def test_entities_numeric_and_blockquote():
    plain, entities = parse_html("&#128512;&#x41;<blockquote expandable>q</blockquote>")
    assert plain == "😀Aq"
    assert entities == [{"type": "expandable_blockquote", "offset": 3, "length": 1}]


def test_lenient_ampersand_mode_matches_telegram():
    assert parse_html("Tom & Jerry", strict_amp=False)[0] == "Tom & Jerry"
    with pytest.raises(ApiError):
        parse_html("Tom & Jerry")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Привет <x", "Unclosed start tag at byte offset 13"),
    ],
)
def test_error_details(text, detail):
    with pytest.raises(ApiError) as info:
        parse_html(text)
    assert info.value.description == f"Bad Request: can't parse entities: {detail}"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_aiogram_markdown_v2_quote_always_parses_back(text):
    from aiogram.utils.text_decorations import markdown_decoration

    assert parse_markdown_v2(markdown_decoration.quote(text)) == (text, [])


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Анна К.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("8-Б класс", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("`code", "Can't find end of Code entity at byte offset 0"),
        ("[text]", "Can't find end of a URL at byte offset 0"),
    ],
)
def test_markdown_v2_errors(text, detail):
    with pytest.raises(ApiError) as info:
        parse_markdown_v2(text)
    assert info.value.description == f"Bad Request: can't parse entities: {detail}"


def test_markdown_v2_entities():
    plain, entities = parse_markdown_v2(r"*Привет* [сайт](https://t.me/x) ||s|| `a\`b` 1\.5")
    assert plain == "Привет сайт s a`b 1.5"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 6),
        ("text_link", 7, 4),
        ("spoiler", 12, 1),
        ("code", 14, 3),
    ]
    plain, entities = parse_markdown_v2(">line one\n>line two\nafter")
    assert plain == "line one\nline two\nafter"
    assert entities == [{"type": "blockquote", "offset": 0, "length": 17}]


def test_legacy_markdown():
    assert parse_markdown("*b* _i_ [t](http://u)")[0] == "b i t"
    with pytest.raises(ApiError, match="Can't find end of the entity starting at byte offset 5"):
        parse_markdown("snake_case")
