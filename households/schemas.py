"""Schema-qualified names for SQL written by hand (bulk writes, provisioning)."""

import re

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def schema_table(schema_name: str, table: str) -> str:
    """`"schema".table`, refusing anything but a plain lowercase schema name."""
    if not _SCHEMA_NAME.match(schema_name):
        raise ValueError(f"Refusing unexpected schema name {schema_name!r}")
    return f'"{schema_name}".{table}'
