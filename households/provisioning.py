"""Household schemas are cloned from a migrated template schema instead of migrated one by one.

Cloning copies tables, constraints, indexes and the django_migrations rows, so a new household
is at the template's migration state. PostgreSQL DDL is transactional: a failed sign-up rolls
the new schema back with everything else.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists


def template_schema_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


def template_sync(*, verbosity: int = 1) -> None:
    """Create the template schema if needed and bring it to the latest tenant migrations."""
    name = template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
    call_command("migrate_schemas", schema_name=name, tenant=True, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


def schema_create(*, schema_name: str) -> None:
    """Create a household schema as a copy of the template (which must exist: `make migrate`)."""
    if not schema_exists(template_schema_name()):
        raise RuntimeError("The household template schema is missing: run `make migrate`.")
    CloneSchema().clone_schema(template_schema_name(), schema_name, clone_mode="DATA")
