"""SQL composed by the driver for the bulk writes: psycopg2.sql for identifiers, mogrify for values.

The tick sends many statements in one round trip, so it renders them itself instead of calling
`execute_values` (which executes at once); `values` quotes each row as `execute_values` does.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg2 import sql


def raw(cursor: Any) -> Any:
    """The psycopg2 cursor behind Django's cursor wrapper (psycopg2.sql renders against it)."""
    return getattr(cursor, "cursor", cursor)


def table(schema: str, name: str) -> sql.Identifier:
    """`"schema"."name"`, quoted by the driver."""
    return sql.Identifier(schema, name)


def values(cursor: Any, template: str, rows: Iterable[Sequence[Any]]) -> sql.SQL:
    """`(...), (...)`: every row quoted by the driver through `template`, e.g. `(%s, %s::float8)`."""
    mogrify = raw(cursor).mogrify
    return sql.SQL(b", ".join(mogrify(template, row) for row in rows).decode())


def literal(cursor: Any, template: str, args: Sequence[Any]) -> sql.SQL:
    """One `template` with its arguments quoted by the driver."""
    return sql.SQL(raw(cursor).mogrify(template, args).decode())


def render(cursor: Any, statements: Iterable[sql.Composable]) -> str:
    """The statements as one text, to send in a single round trip."""
    return sql.Composed(list(statements)).as_string(raw(cursor))
