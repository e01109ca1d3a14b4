"""Announcement texts: escaped for HTML, refused when empty or too long."""

from __future__ import annotations

import pytest

from bot.services.errors import DomainError
from bot.services.notices.announcements import MAX_TEXT, clean_text


def test_text_is_escaped_and_limited():
    assert clean_text("  <b>Сбор</b> & чай ") == "&lt;b&gt;Сбор&lt;/b&gt; &amp; чай"
    assert len(clean_text("я" * MAX_TEXT)) == MAX_TEXT
    for bad in ("", "   ", "я" * (MAX_TEXT + 1), "&" * MAX_TEXT):  # "&" grows past 4096
        with pytest.raises(DomainError):
            clean_text(bad)
