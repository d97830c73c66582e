"""Celery: beat starts a fleet tick; the fleet tick fans out one task per household (its tenant)."""

from datetime import datetime

from celery import shared_task
from django.db import DatabaseError, connection
from django_tenants.utils import schema_context

from reporting.services import fleet_totals_refresh
from telemetry import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def household_tick(self, at_iso: str, seconds: int) -> int:
    """One household's tick; the schema comes from the task header set when it was queued.

    Late acks mean a crashed worker's task is delivered again: the tick's primary key makes
    the second run write nothing, so redelivery is safe.
    """
    household = connection.tenant
    report = services.households_tick(
        households=[services.HouseholdRef.of(household)],
        at=datetime.fromisoformat(at_iso),
        seconds=seconds,
    )
    return report.written


@shared_task
def fleet_tick(at_iso: str | None = None) -> int:
    """Fix the tick's instant for the whole fleet and queue each household's task in its schema.

    It first folds the household snapshots of the previous tick into the fleet totals.
    """
    fleet_totals_refresh()
    seconds = services.tick_seconds()
    at = datetime.fromisoformat(at_iso) if at_iso else services.tick_instant(seconds=seconds)
    households = services.fleet_households()
    for household in households:
        with schema_context(household.schema_name):
            household_tick.delay(at.isoformat(), seconds)
    return len(households)
