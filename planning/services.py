"""Make and store households' plans: read devices, charges, targets and prices; solve; write in one batch.

Planning runs in public, a household named by its id (like the tick). Each household's devices are
read from its schema; the plans of a whole batch are written with one round trip
(telemetry.plans.plans_sql). A household none of whose stores follows a plan has its plan removed.
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
from django_tenants.utils import schema_context

from devices.models import Device, DeviceKind
from households.models import Household
from planning import forecast, homeplan, optimiser
from tariffs import market
from tariffs.zones import ZONES
from telemetry import physics, plans
from telemetry import selectors as telemetry_selectors
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


def device_state(device: Device) -> physics.DeviceState:
    """A device as the physics and the planner see it (its live charge already applied)."""
    return physics.DeviceState(
        id=device.pk,
        kind=device.kind,
        rated_capacity_w=device.rated_capacity_w,
        capacity_wh=device.capacity_wh,
        charge_wh=device.charge_wh,
        max_charge_rate_w=device.max_charge_rate_w,
        max_discharge_rate_w=device.max_discharge_rate_w,
        mode=device.mode,
        average_power_w=device.average_power_w,
        category=device.category or None,
        tilt_degrees=device.tilt_degrees,
        azimuth_degrees=device.azimuth_degrees,
        dc_ac_ratio=device.dc_ac_ratio,
        reserve_percent=device.reserve_percent,
    )


def home_state(household: Household) -> HomeState:
    """The household's devices with their live charge, and its EVs' targets (reads its schema)."""
    # The version as the household's row was read (before its devices): a device changed since
    # leaves the plan due again at the next beat.
    version = household.devices_version or 0
    with schema_context(household.schema_name):
        devices = telemetry_selectors.devices_with_live_state(Device.objects.order_by("id"))
    targets = {
        d.pk: homeplan.ChargeTarget(d.charge_target_percent, d.ready_by)
        for d in devices
        if d.kind == DeviceKind.ELECTRIC_VEHICLE and d.charge_target_percent is not None and d.ready_by
    }
    return HomeState([device_state(d) for d in devices], targets, version)


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
    *, household: Household, prices: PriceSource, now: datetime | None = None
) -> plans.StoredPlan:
    """The household's plan from now; an empty one when none of its stores follows a plan."""
    now = now or django_timezone.now()
    state = home_state(household)
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
    for household in Household.objects.filter(pk__in=list(household_ids)).order_by("pk"):
        try:
            made.append(household_plan(household=household, prices=prices, now=now))
        except optimiser.PlanError:
            logger.exception("No plan for household %s", household.schema_name)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(render(cursor, [plans.plans_sql(cursor, made)]))
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
