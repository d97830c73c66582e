"""Celery: beat starts a fleet tick; the fleet tick fans out one task per household (its tenant).

The household tasks form a chord whose body, fleet_tick_done, runs once all of them have
finished and announces the tick (telemetry.signals.fleet_ticked) to the apps that subscribe.
"""

import logging
from datetime import datetime

from celery import chord, shared_task
from django.db import DatabaseError, connection

from telemetry import services
from telemetry.signals import fleet_ticked

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
RETRY_BACKOFF_MAX_SECONDS = 60


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def household_tick(self, at_iso: str, seconds: int) -> int:
    """One household's tick; the schema comes from the task header set when it was queued.

    Late acks mean a crashed worker's task is delivered again: the tick's primary key makes
    the second run write nothing, so redelivery is safe. A database error is retried with
    exponential backoff; after the last retry the household is logged and skipped, so the
    fleet's chord still completes.
    """
    household = connection.tenant
    try:
        report = services.households_tick(
            households=[services.HouseholdRef.of(household)],
            at=datetime.fromisoformat(at_iso),
            seconds=seconds,
        )
    except DatabaseError as error:
        if self.request.retries >= self.max_retries:
            logger.exception("Tick %s failed for household %s", at_iso, household.schema_name)
            return 0
        raise self.retry(
            exc=error, countdown=min(2**self.request.retries, RETRY_BACKOFF_MAX_SECONDS)
        ) from error
    return report.written


@shared_task
def fleet_tick_done(written: list[int], at_iso: str) -> int:
    """The chord's body: every household has ticked at `at_iso`; tell the subscribers."""
    fleet_ticked.send(sender=fleet_tick, at=datetime.fromisoformat(at_iso))
    return sum(written)


@shared_task
def fleet_tick(at_iso: str | None = None) -> int:
    """Fix the tick's instant for the whole fleet and queue each household's task in its schema."""
    seconds = services.tick_seconds()
    at = datetime.fromisoformat(at_iso) if at_iso else services.tick_instant(seconds=seconds)
    households = services.fleet_households()
    chord(
        household_tick.signature((at.isoformat(), seconds), headers={"_schema_name": h.schema_name})
        for h in households
    )(fleet_tick_done.s(at.isoformat()))
    return len(households)
