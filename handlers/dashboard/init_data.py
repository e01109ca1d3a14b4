"""Who opened the dashboard: Telegram signs a Mini App's initData with the bot's token
(HMAC-SHA256, https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).
aiogram checks the signature (`safe_parse_webapp_init_data`, a constant-time comparison); the
age is checked here: initData older than MAX_AGE is refused, so a copy that leaked (a log, a
shared screen) stops working within the hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aiogram.utils.web_app import safe_parse_webapp_init_data

MAX_AGE = timedelta(hours=1)
FUTURE_SKEW = timedelta(minutes=5)  # clocks of Telegram's servers and ours differ a little
SCHEME = "tma"  # Authorization: tma <initData>, as Telegram's Mini Apps documentation shows


class InvalidInitData(Exception):
    """The request does not prove who sent it; the message says why (never the data)."""


@dataclass(frozen=True)
class WebAppIdentity:
    telegram_id: int
    language_code: str | None
    auth_date: datetime


def init_data_of(authorization: str | None) -> str:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != SCHEME or not value.strip():
        raise InvalidInitData("missing")
    return value.strip()


def verify(init_data: str, token: str, now: datetime | None = None) -> WebAppIdentity:
    now = now or datetime.now(UTC)
    try:
        parsed = safe_parse_webapp_init_data(token, init_data)
    except (ValueError, KeyError, TypeError):
        raise InvalidInitData("bad signature") from None
    except Exception:  # a signed but malformed payload (pydantic's ValidationError)
        raise InvalidInitData("malformed") from None
    if parsed.user is None:
        raise InvalidInitData("no user")
    signed = parsed.auth_date
    signed = signed.replace(tzinfo=UTC) if signed.tzinfo is None else signed
    if now - signed > MAX_AGE:
        raise InvalidInitData("stale")
    if signed - now > FUTURE_SKEW:
        raise InvalidInitData("from the future")
    return WebAppIdentity(parsed.user.id, parsed.user.language_code, signed)
