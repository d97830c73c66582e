"""What the operators' household page draws: hourly supply against use, and today's flows.

Geometry only (plain numbers for a server-rendered SVG, no JavaScript and no CDN), read from the
hourly rollups through reporting.selectors. Supply is what fed the home per local hour (solar,
battery, EV, grid); use is where it went (home load, battery and EV charging, grid export). Both
stacks of an hour have the same height, since every watt is allocated (telemetry.flows).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from households.models import Household
from households.timezones import local_hour_start
from reporting import selectors
from reporting.buckets import Interval
from tariffs import selectors as tariff_selectors
from telemetry.flows import Node, node_totals

CHART_HOURS = 24
WIDTH = 760
HEIGHT = 280
LEFT = 64
RIGHT = 16
TOP = 60
BOTTOM = 36


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    label: str
    color: str


SUPPLY = (
    Series("solar", "Solar", "#e8b100"),
    Series("battery", "Battery", "#2e9e44"),
    Series("ev", "EV", "#3a7bd5"),
    Series("grid", "Grid", "#5f5f5f"),
)
USE = (
    Series("home", "Home load", "#e07b24"),
    Series("battery_charge", "Battery charging", "#8fd19e"),
    Series("ev_charge", "EV charging", "#9dbdf0"),
    Series("export", "Export", "#c9a0dc"),
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


def _nice_ceiling(value: float) -> float:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least `value`."""
    magnitude = 10 ** max(len(str(int(value))) - 1, 0)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


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
    peak = _nice_ceiling(max([sum(supply.values()) for supply, _ in parts] + [1.0]))
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
            {"y": round(baseline - plot_height * share, 1), "label": f"{peak * share:,.0f}"}
            for share in (0.0, 0.5, 1.0)
        ],
        "legend": [
            {"series": item, "x": LEFT + 150 * index, "y": 6 + 15 * row}
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
