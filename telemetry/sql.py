"""SQL composed by the driver for the bulk writes: psycopg2.sql for identifiers, mogrify for values.

The tick sends many statements in one round trip, so it renders them itself instead of calling
`execute_values` (which executes at once). Many rows travel as one JSON literal that the driver
quotes and PostgreSQL types column by column (`json_rows`): quoting every value on its own costs
~1.2 us each in psycopg2, which made building a household's tick SQL three times dearer than the
hand-formatted literals it replaced; as JSON it costs about the same (measured when it was introduced).
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from psycopg2 import sql


def raw(cursor: Any) -> Any:
    """The psycopg2 cursor behind Django's cursor wrapper (psycopg2.sql renders against it)."""
    return getattr(cursor, "cursor", cursor)


_TABLES: dict[tuple[str, str], sql.SQL] = {}
_TABLES_MAX = 100_000


def table(cursor: Any, schema: str, name: str) -> sql.SQL:
    """`"schema"."name"`, quoted by the driver once per table (the tick names the same ones each minute)."""
    key = (schema, name)
    quoted = _TABLES.get(key)
    if quoted is None:
        if len(_TABLES) >= _TABLES_MAX:
            _TABLES.clear()
        quoted = _TABLES[key] = sql.SQL(sql.Identifier(schema, name).as_string(raw(cursor)))
    return quoted


def statement(*parts: sql.SQL) -> sql.SQL:
    """Rendered parts joined as they are: far cheaper on the tick's path than `SQL.format` or
    `Composed`, which parse or walk their parts again on every call."""
    return sql.SQL("".join([part.string for part in parts]))


@cache
def _json_select(types: tuple[str, ...]) -> sql.SQL:
    """`SELECT (r->>0)::bigint, ... FROM jsonb_array_elements(`, rendered once per column list."""
    columns = ", ".join(f"(r->>{index})::{column_type}" for index, column_type in enumerate(types))
    return statement(sql.SQL("SELECT "), sql.SQL(columns), sql.SQL(" FROM jsonb_array_elements("))


_JSON_END = sql.SQL("::jsonb) AS r")


def json_rows(cursor: Any, types: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> sql.SQL:
    """`SELECT ... FROM jsonb_array_elements(...)`: the rows as one driver-quoted JSON literal.

    `types` are the PostgreSQL types of the columns, in order, e.g. `("bigint", "float8")`;
    timestamps travel as ISO 8601 text. A NaN or infinity makes invalid JSON that PostgreSQL refuses.
    """
    payload = json.dumps(list(rows))
    return statement(_json_select(types), literal(cursor, "%s", (payload,)), _JSON_END)


def literal(cursor: Any, template: str, args: Sequence[Any] | Mapping[str, Any]) -> sql.SQL:
    """One `template` with its arguments (positional, or named as `%(name)s`) quoted by the driver."""
    return sql.SQL(raw(cursor).mogrify(template, args).decode())


def join(separator: str, parts: Iterable[sql.SQL]) -> sql.SQL:
    return sql.SQL(separator.join([part.string for part in parts]))


def render(cursor: Any, statements: Iterable[sql.Composable]) -> str:
    """The statements as one text, to send in a single round trip."""
    return "".join([statement.as_string(raw(cursor)) for statement in statements])
