"""Reads for the API and the admin: the active household's plan and forecast.

The plan is read through telemetry.selectors (telemetry owns the tables), so a household sees only
its own plan: the managers filter on the schema the request runs in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone as django_timezone

from devices.models import Device
from households.models import Household
from planning import forecast, prices, services
from telemetry import selectors as telemetry_selectors

FORECAST_HOURS_MAX = 48


@dataclass(frozen=True)
class ForecastInterval:
    start: datetime
    end: datetime
    solar_wh: float
    load_wh: float
    import_price_per_kwh: Decimal
    export_price_per_kwh: Decimal


@dataclass(frozen=True)
class PlanStep:
    start: datetime
    end: datetime
    device: Device
    power_w: float


@dataclass(frozen=True)
class PlanNote:
    device: Device
    code: str


@dataclass(frozen=True)
class EnergyPlan:
    created_at: datetime
    steps: list[PlanStep]
    expected_cost: Decimal
    expected_cost_without_plan: Decimal
    currency: str
    notes: list[PlanNote]


def energy_forecast(
    *, household: Household, hours: int, now: datetime | None = None
) -> list[ForecastInterval]:
    """The household's forecast in 15-minute intervals from the one `now` lies in (services' inputs)."""
    now = now or django_timezone.now()
    steps = hours * 3600 // forecast.STEP_S
    state = services.home_state(household)
    expected = forecast.forecast(
        state.devices,
        latitude=household.latitude,
        longitude=household.longitude,
        timezone=household.timezone,
        now=now,
        steps=steps,
    )
    series = prices.household_prices(household, expected.start, steps, now)
    hours_per_step = forecast.STEP_S / 3600.0
    step = timedelta(seconds=forecast.STEP_S)
    return [
        ForecastInterval(
            start=expected.start + step * i,
            end=expected.start + step * (i + 1),
            solar_wh=float(expected.solar_w[i]) * hours_per_step,
            load_wh=float(expected.load_w[i]) * hours_per_step,
            import_price_per_kwh=Decimal(repr(round(float(series.import_per_kwh[i]), 6))),
            export_price_per_kwh=Decimal(repr(round(float(series.export_per_kwh[i]), 6))),
        )
        for i in range(steps)
    ]


def energy_plan(*, now: datetime | None = None) -> EnergyPlan | None:
    """The active household's plan from the step `now` lies in; None when no store follows one."""
    now = now or django_timezone.now()
    stored = telemetry_selectors.household_plan()
    planned = telemetry_selectors.device_plans()
    if stored is None or not planned:
        return None
    devices = {
        d.pk: d
        for d in telemetry_selectors.devices_with_live_state(
            Device.objects.filter(pk__in=[p.device_id for p in planned])
        )
    }
    step = timedelta(seconds=stored.step_seconds)
    first = max(int((now - stored.start) // step), 0)
    steps = [
        PlanStep(stored.start + step * i, stored.start + step * (i + 1), devices[p.device_id], p.power_w[i])
        for i in range(first, len(stored.grid_w))
        for p in planned
        if p.device_id in devices
    ]
    notes = [PlanNote(devices[p.device_id], p.reason) for p in planned if p.reason and p.device_id in devices]
    return EnergyPlan(
        stored.created_at,
        steps,
        stored.expected_cost,
        stored.expected_cost_without_plan,
        stored.currency,
        notes,
    )
