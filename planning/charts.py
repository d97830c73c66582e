"""What the operators' household page draws of a plan: the next 24 hours of each planned store's
power over the import price curve (a server-rendered SVG: geometry only, no JavaScript).

Power is signed like a device's powerW (+ supplying the home, - charging) around a zero line;
the price has its own scale on the right. Colours from the Okabe-Ito palette (reporting.charts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone as django_timezone
from django_tenants.utils import schema_context

from devices.models import Device
from households.models import Household
from telemetry import selectors as telemetry_selectors

HOURS = 24
WIDTH, HEIGHT = 1200, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 36, 28
COLORS = ("#009E73", "#0072B2", "#56B4E9", "#CC79A7")
PRICE_COLOR = "#D55E00"


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    points: str


@dataclass(frozen=True)
class PlanChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    zero_y: float
    lines: list[Line]
    price: Line
    power_label: str
    price_label: str
    start: datetime


def _x(index: int, steps: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * index / max(steps - 1, 1)


def plan_chart(*, household: Household, now: datetime | None = None) -> PlanChart | None:
    """The next 24 hours of the household's plan, or None when it has none."""
    now = now or django_timezone.now()
    with schema_context(household.schema_name):
        stored = telemetry_selectors.household_plan()
        planned = telemetry_selectors.device_plans()
        names = dict(Device.objects.filter(pk__in=[p.device_id for p in planned]).values_list("pk", "name"))
    if stored is None or not planned:
        return None
    step = timedelta(seconds=stored.step_seconds)
    first = max(int((now - stored.start) // step), 0)
    last = min(first + HOURS * 3600 // stored.step_seconds, len(stored.grid_w))
    if last - first < 2:
        return None
    steps = last - first
    peak_w = max(max(abs(w) for w in p.power_w[first:last]) for p in planned) or 1.0
    half = (HEIGHT - TOP - BOTTOM) / 2
    zero_y = TOP + half
    lines = [
        Line(
            names.get(p.device_id, f"Device {p.device_id}"),
            COLORS[n % len(COLORS)],
            " ".join(
                f"{_x(i, steps):.1f},{zero_y - half * w / peak_w:.1f}"
                for i, w in enumerate(p.power_w[first:last])
            ),
        )
        for n, p in enumerate(planned)
    ]
    prices = stored.import_price_per_kwh[first:last]
    low, high = min(prices), max(prices)
    span = (high - low) or 1.0
    price = Line(
        "Import price",
        PRICE_COLOR,
        " ".join(
            f"{_x(i, steps):.1f},{TOP + (HEIGHT - TOP - BOTTOM) * (1 - (p - low) / span):.1f}"
            for i, p in enumerate(prices)
        ),
    )
    return PlanChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        zero_y=zero_y,
        lines=lines,
        price=price,
        power_label=f"±{peak_w / 1000:.1f} kW (+ supplies the home)",
        price_label=f"{low:.3f}-{high:.3f} {stored.currency}/kWh",
        start=stored.start + step * first,
    )
