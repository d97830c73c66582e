"""Celery: plans remade in chunks of households, like the tick; the beat checks which are due.

`plans_refresh` (beat, every PLANNING_CHECK_SECONDS) finds the households whose plan is due in one
statement (planning.services.plans_due) and queues them in chunks of PLANNING_CHUNK;
`households_plan` makes and stores one chunk's plans. A market publication since the previous beat
queues every planned household; a device, mode or target change queues its household at once
(planning.receivers).
Tasks run in public: households are named by id in the arguments.
"""

from datetime import datetime

from celery import group, shared_task
from django.conf import settings

from planning import prices, services


def _instant(now_iso: str | None) -> datetime | None:
    return datetime.fromisoformat(now_iso) if now_iso else None


@shared_task(acks_late=True)
def households_plan(household_ids: list[int], now_iso: str | None = None) -> int:
    """One chunk's plans from `now_iso` (default: now); running it twice makes the same plans again."""
    return services.households_plan(
        household_ids=household_ids, prices=prices.chunk_prices(household_ids), now=_instant(now_iso)
    )


def queue(household_ids: list[int], now_iso: str | None = None) -> int:
    """Queue these households' plans in chunks; the number of chunks."""
    size = settings.PLANNING_CHUNK
    chunks = [household_ids[start : start + size] for start in range(0, len(household_ids), size)]
    if chunks:
        group(households_plan.s(chunk, now_iso) for chunk in chunks).apply_async()
    return len(chunks)


@shared_task
def plans_refresh(now_iso: str | None = None) -> int:
    """Queue the households whose plan is due, and every planned one after a market publication."""
    return queue(services.plans_to_refresh(now=_instant(now_iso)), now_iso)
