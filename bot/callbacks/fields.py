"""Field types of callback data."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Every number a button carries (a database id, a page, an index) fits the database's integer
# columns: a forged larger one is not unpacked (a button no handler takes, answered as stale)
# instead of failing the update in the database driver (an int4 overflow on PostgreSQL, an
# OverflowError from sqlite3).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]
