"""Celery: beat starts a fleet tick; the fleet tick fans out chunks of households, one task each.

A chunk (TELEMETRY_TICK_CHUNK households) is written in one batch: one COPY of its readings and a
few set-based statements (telemetry.services), with the devices' configuration from the worker
process's cache (telemetry.services), so a warm worker reads no household schema. The chunk
tasks form a chord whose body, fleet_tick_done, runs once all of them have finished and announces
the tick (telemetry.signals.fleet_ticked) to the apps that subscribe. The tasks run in public: each
household is named in the task's arguments, never taken from the connection.
"""

import logging
from datetime import datetime

from celery import chord, shared_task
from django.conf import settings

from telemetry import partitions, services
from telemetry.signals import fleet_ticked

logger = logging.getLogger(__name__)

MAX_RETRIES = 5
RETRY_BACKOFF_MAX_SECONDS = 60


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def households_tick(self, households: list[list], at_iso: str, seconds: int) -> int:
    """One chunk's tick; each household is all-or-nothing.

    Late acks mean a crashed worker's task is delivered again: the tick claims make the second
    run write nothing for the households already done, so redelivery is safe. Households whose
    writes failed are retried alone, with exponential backoff; after the last retry they are
    logged and skipped, so the fleet's chord still completes.
    """
    refs = [services.HouseholdRef(*household) for household in households]
    report = services.households_tick(households=refs, at=datetime.fromisoformat(at_iso), seconds=seconds)
    if report.failed:
        failed = [list(household) for household in households if household[1] in report.failed]
        if self.request.retries >= self.max_retries:
            logger.error("Tick %s failed for households %s", at_iso, report.failed)
            return report.written
        raise self.retry(
            args=(failed, at_iso, seconds), countdown=min(2**self.request.retries, RETRY_BACKOFF_MAX_SECONDS)
        )
    return report.written


@shared_task
def fleet_tick_done(written: list[int], at_iso: str) -> int:
    """The chord's body: every household has ticked at `at_iso`; tell the subscribers."""
    fleet_ticked.send(sender=fleet_tick, at=datetime.fromisoformat(at_iso))
    return sum(written)


@shared_task
def fleet_tick(at_iso: str | None = None) -> int:
    """Fix the tick's instant for the whole fleet and queue one task per chunk of households."""
    seconds = services.tick_seconds()
    at = datetime.fromisoformat(at_iso) if at_iso else services.tick_instant(seconds=seconds)
    households = [services.household_args(h) for h in services.fleet_households()]
    size = settings.TELEMETRY_TICK_CHUNK
    chunks = [households[start : start + size] for start in range(0, len(households), size)]
    chord(households_tick.s(chunk, at.isoformat(), seconds) for chunk in chunks)(
        fleet_tick_done.s(at.isoformat())
    )
    return len(households)


@shared_task
def partitions_maintain() -> list[str]:
    """Hourly: the coming days' reading partitions exist; days past the retention are dropped."""
    return partitions.partitions_maintain()
