"""Make and store households' plans: read devices, charges, targets and prices; solve; write in one batch.

Planning runs in public, a household named by its id (like the tick). A chunk's devices, with their
live charge, are read from their schemas in one statement (home_states); its plans are written
together by binary COPY (telemetry.plans.plans_store). A household none of whose stores follows a
plan has its plan removed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone as django_timezone

from devices.models import DeviceKind
from households.models import Household
from planning import forecast, homeplan, optimiser
from tariffs import market
from tariffs.zones import ZONES
from telemetry import physics, plans
from telemetry.sql import render

logger = logging.getLogger(__name__)

PriceSource = Callable[[Household, datetime, int, datetime], homeplan.Prices]
"""(household, first step's start, steps, now) -> the prices of those steps."""
CENT = Decimal("0.0001")


@dataclass(frozen=True)
class HomeState:
    """What a household's plan is made from, read from its schema."""

    devices: list[physics.DeviceState]
    targets: dict[int, homeplan.ChargeTarget]
    devices_version: int


def home_states(households: Sequence[Household]) -> dict[int, HomeState]:
    """Each household's devices with their live charge, and its EVs' targets: one statement for all.

    A store's charge is the live one, as telemetry.selectors.devices_with_live_state gives it
    (telemetry.plans.planning_devices_sql).
    """
    # The versions as the households' rows were read (before their devices): a device changed
    # since leaves the plan due again at the next beat.
    states = {h.pk: HomeState([], {}, h.devices_version or 0) for h in households}
    if not households:
        return states
    with connection.cursor() as cursor:
        cursor.execute(
            render(cursor, [plans.planning_devices_sql(cursor, [(h.pk, h.schema_name) for h in households])])
        )
        rows = cursor.fetchall()
    for row in rows:
        household_id, device, target = plans.planning_device(row)
        state = states[household_id]
        state.devices.append(device)
        if device.kind == DeviceKind.ELECTRIC_VEHICLE and target is not None:
            state.targets[device.id] = homeplan.ChargeTarget(*target)
    return states


def home_state(household: Household) -> HomeState:
    """The household's devices with their live charge, and its EVs' targets (home_states)."""
    return home_states([household])[household.pk]


def _money(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def _nothing_to_plan(household: Household, state: HomeState, now: datetime) -> plans.StoredPlan:
    """The record that the household was checked at its devices version and has nothing to plan."""
    zero = Decimal(0)
    return plans.StoredPlan(
        household_id=household.pk,
        created_at=now,
        start=forecast.step_start(now),
        step_seconds=forecast.STEP_S,
        devices_version=state.devices_version,
        grid_w=[],
        solar_w=[],
        load_w=[],
        import_price_per_kwh=[],
        export_price_per_kwh=[],
        currency="",
        expected_cost=zero,
        expected_cost_without_plan=zero,
        devices={},
    )


def household_plan(
    *, household: Household, state: HomeState, prices: PriceSource, now: datetime
) -> plans.StoredPlan:
    """The household's plan from now (its state read by home_states); an empty one when none of its
    stores follows a plan."""
    if not homeplan.planned_stores(state.devices):
        return _nothing_to_plan(household, state, now)
    expected = forecast.forecast(
        state.devices,
        latitude=household.latitude,
        longitude=household.longitude,
        timezone=household.timezone,
        now=now,
        steps=homeplan.HORIZON_STEPS,
    )
    series = prices(household, expected.start, expected.steps, now)
    made = homeplan.home_plan(state.devices, state.targets, expected, series, timezone=household.timezone)
    plan = made.plan
    return plans.StoredPlan(
        household_id=household.pk,
        created_at=now,
        start=expected.start,
        step_seconds=expected.step_seconds,
        devices_version=state.devices_version,
        grid_w=plan.grid_w.tolist(),
        solar_w=expected.solar_w.tolist(),
        load_w=expected.load_w.tolist(),
        import_price_per_kwh=series.import_per_kwh.tolist(),
        export_price_per_kwh=series.export_per_kwh.tolist(),
        currency=series.currency,
        expected_cost=_money(plan.expected_cost),
        expected_cost_without_plan=_money(made.cost_without_plan),
        devices={
            device_id: (power.tolist(), plan.charge_wh[device_id].tolist(), plan.reasons.get(device_id, ""))
            for device_id, power in plan.power_w.items()
        },
    )


def households_plan(*, household_ids: Sequence[int], prices: PriceSource, now: datetime | None = None) -> int:
    """Remake the plans of these households and write them in one round trip; the number with a plan.

    A household none of whose stores follows a plan gets an empty one (checked at its devices
    version). A household whose plan fails is logged and keeps its previous plan until the next try.
    """
    now = now or django_timezone.now()
    made: list[plans.StoredPlan] = []
    households = list(Household.objects.filter(pk__in=list(household_ids)).order_by("pk"))
    states = home_states(households)
    for household in households:
        try:
            made.append(
                household_plan(household=household, state=states[household.pk], prices=prices, now=now)
            )
        except optimiser.PlanError:
            logger.exception("No plan for household %s", household.schema_name)
    with transaction.atomic(), connection.cursor() as cursor:
        plans.plans_store(cursor, made)
    return sum(1 for plan in made if plan.devices)


def plans_due(*, now: datetime | None = None, limit: int | None = None) -> list[int]:
    """The households whose plan is due (telemetry.plans.plans_due_sql), by the settings' rules."""
    now = now or django_timezone.now()
    with connection.cursor() as cursor:
        statement = plans.plans_due_sql(
            cursor,
            stale_before=now - timedelta(seconds=settings.PLANNING_MAX_AGE_SECONDS),
            drift_wh=settings.PLANNING_DRIFT_WH,
            limit=limit or settings.PLANNING_DUE_MAX,
            public=settings.PUBLIC_SCHEMA_NAME,
        )
        cursor.execute(render(cursor, [statement]))
        return [row[0] for row in cursor.fetchall()]


def planned_households() -> list[int]:
    """The households that have a planned store now."""
    with connection.cursor() as cursor:
        cursor.execute(plans.PLANNED_HOUSEHOLDS.text(cursor))
        return [row[0] for row in cursor.fetchall()]


def market_published(*, since: datetime, until: datetime) -> bool:
    """Whether a day-ahead market published tomorrow's prices in (since, until] (tariffs.market)."""
    for zone in ZONES.values():
        tomorrow = market.market_day(zone, until) + timedelta(days=1)
        if since < market.publication_instant(zone, tomorrow) <= until:
            return True
    return False


def plans_to_refresh(*, now: datetime | None = None) -> list[int]:
    """The households to plan at a beat: those due, and every planned one when a market published
    since the previous beat (its next day's prices changed what is cheapest)."""
    now = now or django_timezone.now()
    due = plans_due(now=now)
    since = now - timedelta(seconds=settings.PLANNING_CHECK_SECONDS)
    if market_published(since=since, until=now):
        return sorted(set(due) | set(planned_households()))
    return due
