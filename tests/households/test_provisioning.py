"""A household schema made by replaying migration SQL is the template's twin; a deploy migrates
only the households that differ from the template."""

import io
from contextlib import redirect_stdout

from django.core.management import call_command
from django.db import connection
from psycopg2 import sql

from households.provisioning import template_schema_name
from households.services import household_sign_up
from tests.conftest import PASSWORD

STRUCTURE = """
SELECT 'column', c.table_name || '.' || c.column_name,
       c.data_type || ' null=' || c.is_nullable || ' default=' || coalesce(c.column_default, '')
  FROM information_schema.columns c WHERE c.table_schema = %(schema)s
UNION ALL
SELECT 'constraint', t.relname || '.' || k.contype::text, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname = %(schema)s
UNION ALL
SELECT 'index', i.tablename, regexp_replace(i.indexdef, ' ON \\S+\\.', ' ON ')
  FROM pg_indexes i WHERE i.schemaname = %(schema)s
"""


def _structure(schema: str) -> set[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(STRUCTURE, {"schema": schema})
        rows = cursor.fetchall()
    return {(kind, name, definition.replace(f"{schema}.", "")) for kind, name, definition in rows}


def _migrations(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        history = sql.Identifier(schema, "django_migrations")
        cursor.execute(sql.SQL("SELECT app, name FROM {} ORDER BY id").format(history))
        return cursor.fetchall()


def test_provisioned_schema_matches_the_migrated_template(alice):
    schema = alice.household.schema_name

    ours, template = _structure(schema), _structure(template_schema_name())

    assert ours == template
    assert any(name.startswith("devices_device.") for _, name, _ in ours)
    assert _migrations(schema) == _migrations(template_schema_name())


def _signed_up(email: str) -> str:
    result = household_sign_up(email=email, password=PASSWORD, household_name=email, timezone="UTC")
    return result.household.schema_name


def test_migrate_households_migrates_a_lagging_household_and_skips_an_up_to_date_one(db):
    template = template_schema_name()
    lagging, current = _signed_up("lagging@example.com"), _signed_up("current@example.com")
    devices = [name for app, name in _migrations(template) if app == "devices"]
    # Back to the newest devices migration whose reversal changes the tables (some change only state).
    for previous in [*devices[-2::-1], "zero"]:
        call_command(
            "migrate_schemas", "devices", previous, schema_name=lagging, interactive=False, verbosity=0
        )
        if _structure(lagging) != _structure(template):
            break
    assert _structure(lagging) != _structure(template)

    out = io.StringIO()
    with redirect_stdout(out):
        call_command("migrate_households", tenant=True, interactive=False, stdout=out)

    assert "1 household schema(s) differ from the template" in out.getvalue()
    assert f":{lagging}]" in out.getvalue() and f":{current}]" not in out.getvalue()
    assert _structure(lagging) == _structure(template) == _structure(current)
    assert _migrations(lagging) and set(_migrations(lagging)) == set(_migrations(template))
