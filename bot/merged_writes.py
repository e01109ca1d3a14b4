"""Several writes of one commit as one PostgreSQL statement.

An update that answers a question writes the answer, its conversation record and the replies it
owes Telegram (bot/runtime/update_unit.py) at its commit: three statements, each a round trip
that costs the bot's process about as much as a statement's work (issue #21). PostgreSQL runs
data-modifying statements in WITH clauses, each of them whether the query reads it or not
(`WITH w0 AS (INSERT …), w1 AS (UPDATE …) SELECT 1`), so they go as one.

They run on one snapshot and in no set order, so only writes that cannot see one another are
merged: each to a table of its own, none of those tables referring to another by a foreign key.
Anything else (two writes to one table, a child row beside its parent) is sent one by one, as
before; so is a write that leaves a column to a Python-side default (`default=` of an INSERT,
`onupdate=` of an UPDATE): SQLAlchemy fills those in only for a statement of its own, not for
one in a WITH clause (a consent record without its method failed NOT NULL). Each statement's
bind parameters get a prefix of their own (the answer and the record both have an `at`); the
merged statement is built once per sequence of statements, so SQLAlchemy's compiled cache
serves it as it serves each alone."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, literal, select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Delete, Insert, UpdateBase
from sqlalchemy.sql.elements import BindParameter

Write = tuple[Any, dict[str, Any]]


def _table(statement: Any) -> Table | None:
    table = getattr(statement, "table", None) if isinstance(statement, UpdateBase) else None
    return table if isinstance(table, Table) else None


@lru_cache(maxsize=256)
def _leaves_python_defaults(statement: Any) -> bool:
    if isinstance(statement, Delete):
        return False
    values = getattr(statement, "_values", None)
    if values is None:  # INSERT ... SELECT, several rows: not told apart, not merged
        return True
    given = {getattr(key, "key", key) for key in values}
    columns = statement.table.columns
    if isinstance(statement, Insert):
        return any(column.default is not None and column.key not in given for column in columns)
    return any(column.onupdate is not None and column.key not in given for column in columns)


def can_merge(writes: list[Write]) -> bool:
    """Two or more INSERT/UPDATE/DELETE statements that cannot see one another's rows."""
    if len(writes) < 2:
        return False
    tables = [_table(statement) for statement, _ in writes]
    if any(table is None for table in tables) or len(set(tables)) != len(tables):
        return False
    if any(_leaves_python_defaults(statement) for statement, _ in writes):
        return False
    return not any(foreign_key.column.table in tables
                   for table in tables if table is not None
                   for foreign_key in table.foreign_keys)


def _prefix(position: int) -> str:
    return f"w{position}_"


@lru_cache(maxsize=64)
def _prefixed(statement: Any, position: int) -> Any:
    """`statement` with its named bind parameters renamed `w<position>_<name>`; anonymous ones
    (made unique by the compiler anyway) stay."""
    prefix = _prefix(position)

    def rename(element: Any, **_kw: Any) -> Any:
        if isinstance(element, BindParameter) and not element.unique:
            return bindparam(prefix + element.key, value=element.value, type_=element.type,
                             expanding=element.expanding, required=element.required)
        return None

    return visitors.replacement_traverse(statement, {}, rename)


@lru_cache(maxsize=64)
def _merged(statements: tuple[Any, ...]) -> Any:
    ctes = [_prefixed(statement, position).cte(f"w{position}")
            for position, statement in enumerate(statements)]
    return select(literal(1)).add_cte(*ctes)


def merge(writes: list[Write]) -> Write:
    """The writes (can_merge) as one statement and its values."""
    values = {_prefix(position) + name: value
              for position, (_, parameters) in enumerate(writes)
              for name, value in parameters.items()}
    return _merged(tuple(statement for statement, _ in writes)), values
