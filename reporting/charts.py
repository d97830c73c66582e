"""What the operators' household page draws: hourly supply against use, and today's flows.

Geometry only (plain numbers for a server-rendered SVG, no JavaScript and no CDN), read from the
hourly rollups through reporting.selectors. Supply is what fed the home per local hour (solar,
battery, EV, grid); use is where it went (home load, battery and EV charging, grid export). Both
stacks of an hour have the same height, since every watt is allocated (telemetry.flows).

The SVG scales to the page's width (its viewBox is drawn for ~1,200 px), the y-axis ends at the
first "nice" value (1, 2, 2.5 or 5 times a power of ten, four to five steps) above the tallest
hour, and the colours are the Okabe-Ito palette, distinguishable with every common colour-vision
deficiency.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from households.models import Household
from reporting import selectors
from reporting.buckets import Interval
from tariffs import selectors as tariff_selectors
from telemetry.flows import Node, node_totals
from telemetry.tick import local_hour_start

CHART_HOURS = 24
WIDTH = 1200
HEIGHT = 320
LEFT = 64
RIGHT = 16
TOP = 60
BOTTOM = 36
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
MAX_TICKS = 5


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    color: str


# Okabe & Ito, "Color Universal Design" (2008): eight colours told apart with every common
# colour-vision deficiency; grey for the grid, which is not one of the home's devices.
SUPPLY = (
    Series("solar", "Solar", "#E69F00"),
    Series("battery", "Battery discharging", "#009E73"),
    Series("ev", "EV discharging", "#0072B2"),
    Series("grid", "Grid import", "#999999"),
)
USE = (
    Series("home", "Home load", "#CC79A7"),
    Series("battery_charge", "Battery charging", "#56B4E9"),
    Series("ev_charge", "EV charging", "#F0E442"),
    Series("export", "Grid export", "#D55E00"),
)
NODE_LABELS = {
    Node.SOLAR: "Solar",
    Node.BATTERY: "Battery",
    Node.ELECTRIC_VEHICLE: "EV",
    Node.GRID: "Grid",
    Node.HOME: "Home",
}


@dataclass(frozen=True, slots=True)
class Segment:
    series: Series
    x: float
    y: float
    width: float
    height: float
    wh: float


@dataclass(frozen=True, slots=True)
class HourBars:
    segments: list[Segment]
    label: str
    label_x: float
    title: str


def _hour_parts(bucket: selectors.EnergyBucketResult) -> tuple[dict[str, float], dict[str, float]]:
    """(supply, use) of one hour in Wh, by series key."""
    out, into = node_totals(bucket.flow_wh)
    supply = {
        "solar": out[Node.SOLAR],
        "battery": out[Node.BATTERY],
        "ev": out[Node.ELECTRIC_VEHICLE],
        "grid": out[Node.GRID],
    }
    use = {
        "home": into[Node.HOME],
        "battery_charge": into[Node.BATTERY],
        "ev_charge": into[Node.ELECTRIC_VEHICLE],
        "export": into[Node.GRID],
    }
    return supply, use


def _stack(
    series: tuple[Series, ...], parts: dict[str, float], x: float, width: float, scale
) -> list[Segment]:
    segments, top = [], HEIGHT - BOTTOM
    for item in series:
        height = scale(parts[item.key])
        if height <= 0:
            continue
        top -= height
        segments.append(
            Segment(item, round(x, 1), round(top, 1), round(width, 1), round(height, 1), parts[item.key])
        )
    return segments


def nice_axis(value: float) -> tuple[float, float]:
    """(step, maximum) of a y-axis reaching `value`: the smallest 1, 2, 2.5 or 5 times a power of ten
    that covers it in at most MAX_TICKS steps, so the tallest bar fills most of the plot."""
    value = max(value, 1.0)
    magnitude = 10 ** math.floor(math.log10(value / MAX_TICKS))
    for nice in NICE_STEPS:
        step = nice * magnitude
        if step * MAX_TICKS >= value:
            return step, step * math.ceil(value / step - 1e-9)
    return 10 * magnitude, 10 * magnitude * math.ceil(value / (10 * magnitude))


def energy_chart(*, household: Household, now: datetime | None = None) -> dict:
    """The last 24 local hours: per hour a supply stack beside a use stack, with axes and legend."""
    now = now or timezone.now()
    zone = household.zoneinfo
    end = local_hour_start(at=now, zone=zone) + timedelta(hours=1)
    hours = selectors.energy_history(
        household=household,
        start=end - timedelta(hours=CHART_HOURS),
        end=end,
        interval=Interval.HOUR,
        now=now,
    )
    parts = [_hour_parts(bucket) for bucket in hours]
    tallest = max([sum(supply.values()) for supply, _ in parts] + [sum(use.values()) for _, use in parts])
    step, peak = nice_axis(tallest)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / CHART_HOURS
    bar = slot / 2 - 1

    def scale(wh: float) -> float:
        return plot_height * wh / peak

    bars = []
    for index, (bucket, (supply, use)) in enumerate(zip(hours, parts, strict=True)):
        x = LEFT + index * slot
        local = bucket.start.astimezone(zone)
        supplied = ", ".join(
            f"{s.label.lower()} {supply[s.key]:,.0f}" for s in SUPPLY if supply[s.key] >= 0.5
        )
        used = ", ".join(f"{s.label.lower()} {use[s.key]:,.0f}" for s in USE if use[s.key] >= 0.5)
        bars.append(
            HourBars(
                segments=_stack(SUPPLY, supply, x + 1, bar, scale)
                + _stack(USE, use, x + slot / 2, bar, scale),
                label=f"{local:%H:%M}" if index % 3 == 0 else "",
                label_x=round(x + 1, 1),
                title=f"{local:%H:%M}: supply (Wh) {supplied or 'none'}; use (Wh) {used or 'none'}",
            )
        )
    baseline = HEIGHT - BOTTOM
    return {
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "baseline": baseline,
        "label_y": baseline + 14,
        "axis_title_y": baseline + 30,
        "y_ticks": [
            {
                "y": round(baseline - plot_height * k * step / peak, 1),
                "label": f"{k * step:,.{0 if step >= 1 else 1}f}",
            }
            for k in range(round(peak / step) + 1)
        ],
        "peak_wh": peak,
        "tallest_wh": tallest,
        "legend_rows": [
            {"title": title, "y": 6 + 18 * row}
            for row, title in enumerate(("Supply (left bar):", "Use (right bar):"))
        ],
        "legend": [
            {"series": item, "x": LEFT + 70 + 170 * index, "y": 6 + 18 * row}
            for row, group in enumerate((SUPPLY, USE))
            for index, item in enumerate(group)
        ],
        "zone": household.timezone,
        "produced_wh": sum(bucket.produced_wh for bucket in hours),
        "consumed_wh": sum(bucket.consumed_wh for bucket in hours),
    }


def flows_today(*, household: Household, now: datetime | None = None) -> dict:
    """Today's flows (local midnight to the end of the current hour), largest first, with the totals."""
    now = now or timezone.now()
    zone = household.zoneinfo
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    end = local_hour_start(at=now, zone=zone) + timedelta(hours=1)
    [day] = selectors.energy_history(
        household=household, start=midnight, end=end, interval=Interval.DAY, now=now
    )
    rows = sorted(day.flows, key=lambda flow: -flow.value)
    return {
        "day": day,
        "rows": [
            {
                "source": NODE_LABELS[flow.source],
                "sink": NODE_LABELS[flow.sink],
                "wh": flow.value,
                "percent": 100.0 * flow.value / (day.solar_wh + day.storage_discharge_wh + day.imported_wh),
            }
            for flow in rows
        ],
    }


PRICE_WIDTH = 760
PRICE_HEIGHT = 160


def price_curve_tomorrow(*, household: Household, now: datetime | None = None) -> dict | None:
    """Tomorrow's import price per local interval as an SVG polyline, or None while it is unknown
    (a DYNAMIC tariff before its market has published)."""
    now = now or timezone.now()
    zone = household.zoneinfo
    midnight = (now.astimezone(zone) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = midnight, (midnight + timedelta(days=1, hours=2)).replace(hour=0)
    intervals = tariff_selectors.prices_for(household=household, start=start, end=end, now=now)
    if not intervals:
        return None
    prices = [float(i.import_price_per_kwh) for i in intervals]
    low, high = min([*prices, 0.0]), max(prices)
    span = (high - low) or 1.0
    seconds = (end - start).total_seconds()
    plot_width, plot_height = PRICE_WIDTH - LEFT - RIGHT, PRICE_HEIGHT - 20 - BOTTOM

    def x(at: datetime) -> float:
        return round(LEFT + plot_width * (at - start).total_seconds() / seconds, 1)

    def y(price: float) -> float:
        return round(20 + plot_height * (high - price) / span, 1)

    points = []
    for interval, price in zip(intervals, prices, strict=True):
        points += [f"{x(interval.start)},{y(price)}", f"{x(interval.end)},{y(price)}"]
    cheapest = min(intervals, key=lambda i: i.import_price_per_kwh)
    dearest = max(intervals, key=lambda i: i.import_price_per_kwh)
    return {
        "points": " ".join(points),
        "width": PRICE_WIDTH,
        "height": PRICE_HEIGHT,
        "left": LEFT,
        "right": PRICE_WIDTH - RIGHT,
        "zero_y": y(0.0),
        "top_label": f"{high:.3f}",
        "bottom_label": f"{low:.3f}",
        "day": f"{midnight:%A %d %B}",
        "cheapest": f"{cheapest.start.astimezone(zone):%H:%M} at {cheapest.import_price_per_kwh:.4f}",
        "dearest": f"{dearest.start.astimezone(zone):%H:%M} at {dearest.import_price_per_kwh:.4f}",
    }
