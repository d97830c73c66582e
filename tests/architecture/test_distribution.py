"""Ready for a distributed engine (Citus, docs/scaling.md): the shared telemetry tables are
distributed by household, which needs every primary key and unique constraint to hold
`household_id`, and every join of two of them to equate `household_id` (co-located shards)."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.db import connection

REFERENCE = {"telemetry_retentionhorizon"}
"""Shared telemetry tables that are not per household: Citus reference tables (docs/scaling.md)."""
SQL_PACKAGES = ("telemetry", "planning", "reporting", "gateways")
_SHARED = re.compile(r"\bpublic\.(telemetry_\w+)\s+AS\s+(\w+)", re.IGNORECASE)
_JOIN = re.compile(
    r"\bJOIN\s+public\.(telemetry_\w+)\s+AS\s+(\w+)\s+ON\s+(.*?)(?=\bJOIN\b|\bWHERE\b|\bORDER\b|\bGROUP\b|\)|$)",
    re.IGNORECASE | re.DOTALL,
)


def _shared_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname LIKE 'telemetry\\_%%' "
            "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1"
        )
        return [name for (name,) in cursor.fetchall()]


def _keys_without_household() -> list[tuple[str, str]]:
    """(table, index) of every primary key or unique index of a shared table without household_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, i.relname FROM pg_index AS x "
            "JOIN pg_class AS t ON t.oid = x.indrelid JOIN pg_class AS i ON i.oid = x.indexrelid "
            "JOIN pg_namespace AS n ON n.oid = t.relnamespace "
            "WHERE n.nspname = 'public' AND t.relname = ANY(%s) AND (x.indisprimary OR x.indisunique) "
            "AND NOT EXISTS (SELECT 1 FROM pg_attribute AS a WHERE a.attrelid = t.oid "
            "AND a.attname = 'household_id' AND a.attnum = ANY(x.indkey)) ORDER BY 1, 2",
            [sorted(set(_shared_tables()) - REFERENCE)],
        )
        return cursor.fetchall()


def test_every_shared_table_is_keyed_by_household(db):
    tables = _shared_tables()

    assert {"telemetry_reading", "telemetry_tick", "telemetry_householdsnapshot"} <= set(tables)
    assert _keys_without_household() == []


def test_a_unique_constraint_without_household_fails_the_check(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNIQUE INDEX reading_device_at_uniq ON public.telemetry_reportedsample (device_id, at)"
        )

    assert _keys_without_household() == [("telemetry_reportedsample", "reading_device_at_uniq")]


def joins_without_household(text: str) -> list[str]:
    """The shared tables `text` joins without equating their household_id with another's, or with
    one household's id given as a parameter (a join Citus routes to that household's shard)."""
    bad = []
    for table, alias, condition in _JOIN.findall(text):
        equated = re.search(
            rf"\b{alias}\.household_id\s*=\s*(\w+\.(household_)?id\b|%(\(\w+\))?s)"
            rf"|\b\w+\.household_id\s*=\s*{alias}\.household_id\b",
            condition,
        )
        if not equated:
            bad.append(table)
    return bad


def _sql_texts() -> list[tuple[str, str]]:
    texts = []
    for package in SQL_PACKAGES:
        for path in sorted((Path(settings.BASE_DIR) / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and _SHARED.search(node.value)
                ):
                    texts.append((str(path.relative_to(settings.BASE_DIR)), node.value))
    return texts


def test_every_join_of_shared_tables_equates_household():
    texts = _sql_texts()

    assert any("JOIN public.telemetry_" in text for _, text in texts)
    assert [
        (path, joins_without_household(text)) for path, text in texts if joins_without_household(text)
    ] == []


def test_a_join_that_forgets_the_household_fails_the_check():
    colocated = (
        "SELECT 1 FROM public.telemetry_deviceplan AS d JOIN public.telemetry_devicelivestate AS s "
        "ON s.household_id = d.household_id AND s.device_id = d.device_id WHERE d.household_id = 1"
    )
    across = (
        "SELECT 1 FROM public.telemetry_deviceplan AS d JOIN public.telemetry_devicelivestate AS s "
        "ON s.device_id = d.device_id WHERE d.household_id = 1"
    )

    routed = (
        "SELECT 1 FROM h_1.devices_device AS d LEFT JOIN public.telemetry_devicelivestate AS s "
        "ON s.household_id = %s AND s.device_id = d.id"
    )

    assert joins_without_household(colocated) == joins_without_household(routed) == []
    assert joins_without_household(across) == ["telemetry_devicelivestate"]
