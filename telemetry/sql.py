"""SQL composed by psycopg2.sql for the bulk writes: identifiers composed once at import, values
quoted by the driver.

Every statement is a `Query`: composed with `sql.Identifier` / `sql.SQL` literals when its module
is imported, rendered to text once per process (the first time a cursor needs it), then bound to
its values with `mogrify`. Nothing is built by string formatting (scripts/lint_code.py checks it).
The tick sends many statements in one round trip (`render` joins the bound statements), so it binds
them itself instead of calling `execute_values`. Many rows travel as one array parameter per column
(`array_select`, `array_columns`): quoting every value on its own costs ~1.2 us each in psycopg2,
which made building a household's tick SQL three times dearer, while orjson writes a column in one
call. PostgreSQL reads typed arrays faster than it picks rows apart from a JSON document: upserting
a chunk's 2,000 device-hour rows of 13 columns took 13-17 ms from arrays, 18-22 ms from `jsonb`
and 25-35 ms from `json` (two runs of 15 each, medians, Python included, variants alternated, on a
busy machine).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
from psycopg2 import sql

Params = Sequence[Any] | Mapping[str, Any] | None

# The column types a JSON row may carry, each a literal (a type is not an identifier).
TYPES = {
    "bigint": sql.SQL("bigint"),
    "integer": sql.SQL("integer"),
    "float8": sql.SQL("float8"),
    "float8[]": sql.SQL("float8[]"),
    "numeric": sql.SQL("numeric"),
    "boolean": sql.SQL("boolean"),
    "timestamptz": sql.SQL("timestamptz"),
    "date": sql.SQL("date"),
    "jsonb": sql.SQL("jsonb"),
    "varchar": sql.SQL("varchar"),
    "text": sql.SQL("text"),
}


def raw(cursor: Any) -> Any:
    """The psycopg2 cursor behind Django's cursor wrapper (psycopg2.sql renders against it)."""
    return getattr(cursor, "cursor", cursor)


class Query:
    """One statement composed at import; its text rendered once per process, then bound to values."""

    __slots__ = ("_text", "composed")

    def __init__(self, composed: sql.Composable) -> None:
        self.composed = composed
        self._text: str | None = None

    def text(self, cursor: Any) -> str:
        if self._text is None:
            self._text = self.composed.as_string(raw(cursor))
        return self._text

    def bind(self, cursor: Any, params: Params = None) -> bytes:
        """The statement with its values quoted by the driver, ready to send."""
        return raw(cursor).mogrify(self.text(cursor), params)


def identifiers(names: Iterable[str], *, prefix: str = "") -> sql.Composed:
    """`a, b, c` (or `p.a, p.b, p.c`), each name quoted as an identifier."""
    parts = [sql.Identifier(prefix, name) if prefix else sql.Identifier(name) for name in names]
    return sql.SQL(", ").join(parts)


def array_select(types: Sequence[str]) -> sql.Composed:
    """`SELECT * FROM unnest(%s::bigint[], %s::float8[], ...)`: rows from one array parameter per
    column (`array_columns`); `types` are keys of TYPES, in column order."""
    arrays = sql.SQL(", ").join(sql.SQL("%s::{}[]").format(TYPES[column_type]) for column_type in types)
    return sql.SQL("SELECT * FROM unnest({})").format(arrays)


def array_columns(rows: Iterable[Sequence[Any]], types: Sequence[str]) -> list[str]:
    """The rows as the array parameters of an `array_select`, one per column, each an array literal.

    orjson writes each column as a JSON array, whose numbers, booleans, nulls and double-quoted
    strings (ISO 8601 datetimes and dates, Decimals as text, JSON text of a `jsonb` column) are
    PostgreSQL array syntax too, once `[...]` becomes `{...}`. That holds for strings without
    control characters, whose JSON escapes PostgreSQL would not read: these columns carry codes,
    numbers and instants. orjson writes a NaN or infinity as null, which NOT NULL columns refuse and
    a nullable one (a store's charge) would keep: the physics' property tests keep every value finite.
    """
    columns = list(zip(*rows, strict=True)) or [() for _ in types]
    params = []
    for column, column_type in zip(columns, types, strict=True):
        values = [_json(v) for v in column] if column_type == "jsonb" else column
        params.append("{" + _json(values)[1:-1] + "}")
    return params


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()


def render(cursor: Any, statements: Iterable[bytes]) -> str:
    """The bound statements as one text, to send in a single round trip."""
    return b"".join(statements).decode()
