"""A household's telemetry leaves with it: the shared tables have no foreign key to cascade."""

from django.db import connection
from django.db.models.signals import post_delete
from django.dispatch import receiver
from psycopg2 import sql

from households.models import Household

SHARED_TABLES = (
    "telemetry_reading",
    "telemetry_devicehour",
    "telemetry_householdhour",
    "telemetry_tick",
    "telemetry_devicelivestate",
    "telemetry_householdplan",
    "telemetry_deviceplan",
)


@receiver(post_delete, sender=Household, dispatch_uid="telemetry.household_telemetry_delete")
def household_telemetry_delete(sender, instance: Household, **kwargs) -> None:
    with connection.cursor() as cursor:
        for name in SHARED_TABLES:
            delete = sql.SQL("DELETE FROM {} WHERE household_id = %s").format(sql.Identifier("public", name))
            cursor.execute(delete, [instance.pk])
