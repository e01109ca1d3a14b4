"""The dashboard knows who asks only from initData Telegram signed with the bot's token: a
forged, altered, stale or missing one is refused. The signatures are made by the emulator
(bot/emulator/web_app.py), written from Telegram's documentation, not by the code under test."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.emulator import web_app
from handlers.dashboard.init_data import InvalidInitData, init_data_of, verify

TOKEN = "123456789:EMULATOR-token"
USER = {"id": 501, "first_name": "Кураторова", "language_code": "ru"}


def test_a_signed_init_data_names_its_user():
    signed = web_app.init_data(TOKEN, USER)
    identity = verify(signed, TOKEN)
    assert identity.telegram_id == 501 and identity.language_code == "ru"


@pytest.mark.parametrize("why", ["other token", "altered user", "altered date", "no hash",
                                 "garbage", "empty"])
def test_forged_init_data_is_refused(why):
    signed = web_app.init_data(TOKEN, USER)
    fields = dict(parse_qsl(signed))
    if why == "other token":
        forged = web_app.init_data("987654321:another-bot", USER)
    elif why == "altered user":
        forged = urlencode({**fields, "user": fields["user"].replace("501", "502")})
    elif why == "altered date":
        forged = urlencode({**fields, "auth_date": str(int(fields["auth_date"]) + 60)})
    elif why == "no hash":
        forged = urlencode({k: v for k, v in fields.items() if k != "hash"})
    elif why == "garbage":
        forged = "%%%=&&hash"
    else:
        forged = ""
    with pytest.raises(InvalidInitData):
        verify(forged, TOKEN)


def test_stale_init_data_is_refused():
    an_hour_ago = int(time.time()) - 3601
    with pytest.raises(InvalidInitData, match="stale"):
        verify(web_app.init_data(TOKEN, USER, auth_date=an_hour_ago), TOKEN)
    # 59 minutes old still works: the page makes its calls with the initData it opened with.
    verify(web_app.init_data(TOKEN, USER, auth_date=int(time.time()) - 59 * 60), TOKEN)


def test_init_data_from_the_future_is_refused():
    later = int(datetime.now(UTC).timestamp()) + 3600
    with pytest.raises(InvalidInitData):
        verify(web_app.init_data(TOKEN, USER, auth_date=later), TOKEN)


@pytest.mark.parametrize("header", [None, "", "tma", "tma   ", "Bearer abc"])
def test_the_authorization_header_must_carry_init_data(header):
    with pytest.raises(InvalidInitData):
        init_data_of(header)


def test_the_authorization_header_gives_the_init_data():
    assert init_data_of("tma query_id=1&hash=2") == "query_id=1&hash=2"
