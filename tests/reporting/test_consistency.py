"""energyHistory agrees with itself and with the raw readings, on telemetry from the real simulation.

Alice (Europe/Berlin) gets the typical home and ~8.5 days of 5-minute ticks from
telemetry.services.household_backfill, across a month boundary and a daylight-saving change (spring:
a 23-hour day; autumn: a 25-hour day). The query range runs from local midnight a day before the
simulation to local midnight a day after it, so the edge buckets are partly or not simulated.
"""

import collections
import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.utils import timezone
from django_tenants.utils import schema_context

from core.graphql.rounding import HALF_STEP
from devices.models import Device, DeviceKind
from reporting.buckets import Interval
from reporting.selectors import energy_history
from telemetry import flows
from telemetry.models import Reading
from telemetry.services import HouseholdRef, household_backfill
from tests.devices.conftest import global_id
from tests.telemetry.homes import typical_home_devices

HISTORY = """
query History($start: DateTime!, $end: DateTime!, $interval: Interval!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: $interval, deviceId: $deviceId) {
    start end producedWh consumedWh importedWh exportedWh netWh selfSufficiencyPercent complete
    solarWh loadWh storageChargeWh storageDischargeWh flows { source sink energyWh }
  }
}
"""
BERLIN = ZoneInfo("Europe/Berlin")
TICK_SECONDS = 300
INTERVALS = ["HOUR", "DAY", "WEEK", "MONTH"]
ENERGY = ["producedWh", "consumedWh", "importedWh", "exportedWh"]
HOUR = timedelta(hours=1)
REL = 1e-6
# Float dust: a tick whose net is within 1e-6 W of zero counts as neither import nor export.
DUST_WH = 1e-6


def berlin(*args: int) -> datetime:
    """A Berlin wall time as a UTC instant: Python subtracts datetimes sharing a ZoneInfo by wall clock."""
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)


@dataclass(frozen=True)
class Window:
    """What was simulated, [simulated_from, simulated_to), and the wider range queried."""

    name: str
    simulated_from: datetime
    simulated_to: datetime
    query_from: datetime
    query_to: datetime
    dst_day: datetime
    dst_day_hours: int

    def inside(self) -> tuple[datetime, datetime]:
        """From the first local midnight after the simulation starts to the last one before it ends."""
        first = (self.simulated_from.astimezone(BERLIN) + timedelta(days=1)).replace(hour=0, minute=0)
        last = self.simulated_to.astimezone(BERLIN).replace(hour=0, minute=0)
        return first.astimezone(UTC), last.astimezone(UTC)


WINDOWS = [
    Window(
        "spring",
        berlin(2026, 3, 25, 6, 20),
        berlin(2026, 4, 2, 17, 40),
        berlin(2026, 3, 24),
        berlin(2026, 4, 4),
        berlin(2026, 3, 29),
        23,
    ),
    Window(
        "autumn",
        berlin(2026, 10, 24, 6, 20),
        berlin(2026, 11, 1, 17, 40),
        berlin(2026, 10, 23),
        berlin(2026, 11, 3),
        berlin(2026, 10, 25),
        25,
    ),
]


@dataclass(frozen=True)
class SimulatedHome:
    member: object
    window: Window
    devices: list[Device]


# The clock stands still after both windows, so "complete" never depends on when the suite runs.
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(params=WINDOWS, ids=lambda window: window.name)
def home(request, alice) -> SimulatedHome:
    window = request.param
    with schema_context(alice.household.schema_name):
        devices = typical_home_devices()
    written = household_backfill(
        household=HouseholdRef.of(alice.household),
        start=window.simulated_from,
        end=window.simulated_to,
        seconds=TICK_SECONDS,
    )
    assert written == (window.simulated_to - window.simulated_from) // timedelta(seconds=TICK_SECONDS)
    return SimulatedHome(alice, window, devices)


def history(gql, home: SimulatedHome, interval: str, device: Device | None = None, span=None) -> list[dict]:
    start, end = span or (home.window.query_from, home.window.query_to)
    variables = {
        "start": start.astimezone(BERLIN).isoformat(),
        "end": end.astimezone(BERLIN).isoformat(),
        "interval": interval,
        "deviceId": global_id(device) if device else None,
    }
    body = gql.execute(HISTORY, variables, token=home.member.token)
    assert "errors" not in body, body
    return body["data"]["energyHistory"]


def totals(buckets: list[dict]) -> dict[str, float]:
    return {field: sum(bucket[field] for bucket in buckets) for field in ENERGY}


def raw_totals(home: SimulatedHome, device: Device | None = None, span=None) -> dict[str, float]:
    """Straight from Reading rows: energy by sign, and import/export from each tick's net energy."""
    start, end = span or (home.window.query_from, home.window.query_to)
    with schema_context(home.member.household.schema_name):
        readings = Reading.objects.filter(at__gte=start, at__lt=end)
        if device is not None:
            readings = readings.filter(device=device)
        positive = Case(
            When(energy_wh__gt=0, then=F("energy_wh")), default=Value(0.0), output_field=FloatField()
        )
        negative = Case(
            When(energy_wh__lt=0, then=F("energy_wh")), default=Value(0.0), output_field=FloatField()
        )
        by_sign = readings.aggregate(produced=Sum(positive), consumed=Sum(negative))
        nets = [row["net"] for row in readings.values("at").annotate(net=Sum("energy_wh")).order_by()]
    return {
        "producedWh": by_sign["produced"] or 0.0,
        "consumedWh": -(by_sign["consumed"] or 0.0),
        "importedWh": sum(-net for net in nets if net < 0),
        "exportedWh": sum(net for net in nets if net > 0),
    }


def edges(bucket: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(bucket["start"]), datetime.fromisoformat(bucket["end"])


def simulated_in_full(home: SimulatedHome, bucket: dict) -> bool:
    start, end = edges(bucket)
    return home.window.simulated_from <= start and end <= home.window.simulated_to


@pytest.mark.parametrize("span", ["around", "inside"])
def test_every_interval_sums_to_the_raw_readings(gql, home, span):
    """Around: the range reaches a day past each end of the simulation; inside: its edges are simulated."""
    # given
    bounds = None if span == "around" else home.window.inside()
    raw = raw_totals(home, span=bounds)

    # when
    answers = {interval: history(gql, home, interval, span=bounds) for interval in INTERVALS}
    sums = {interval: totals(buckets) for interval, buckets in answers.items()}

    # then
    assert min(raw.values()) >= 0 and raw["producedWh"] > 0 and raw["consumedWh"] > 0
    if span == "around":  # the home both bought and sold energy over the range
        assert raw["importedWh"] > 1 and raw["exportedWh"] > 1
    for interval in INTERVALS:
        for field in ENERGY:
            rounding = HALF_STEP * len(answers[interval])
            assert sums[interval][field] == pytest.approx(raw[field], rel=REL, abs=DUST_WH + rounding), (
                interval,
                field,
            )


def test_net_is_produced_minus_consumed_in_every_bucket(gql, home):
    for interval in INTERVALS:
        # when
        buckets = history(gql, home, interval)

        # then
        for bucket in buckets:
            assert bucket["netWh"] == pytest.approx(
                bucket["producedWh"] - bucket["consumedWh"], abs=3 * HALF_STEP
            )
            assert bucket["importedWh"] >= 0 and bucket["exportedWh"] >= 0


def test_buckets_tile_the_range_and_the_dst_day_has_its_own_length(gql, home):
    # given
    window = home.window

    # when
    hours = history(gql, home, "HOUR")
    days = history(gql, home, "DAY")

    # then
    assert len(hours) == (window.query_to - window.query_from) // HOUR
    for buckets in (hours, days):
        assert edges(buckets[0])[0] == window.query_from and edges(buckets[-1])[1] == window.query_to
        assert all(before["end"] == after["start"] for before, after in itertools.pairwise(buckets))
    lengths = {edges(day)[0]: edges(day)[1] - edges(day)[0] for day in days}
    assert lengths.pop(window.dst_day) == timedelta(hours=window.dst_day_hours)
    assert set(lengths.values()) == {timedelta(hours=24)}


def test_complete_only_where_every_tick_was_simulated(gql, home):
    for interval in INTERVALS:
        # when
        buckets = history(gql, home, interval)

        # then
        flags = [bucket["complete"] for bucket in buckets]
        assert flags == [simulated_in_full(home, bucket) for bucket in buckets], interval
        assert not flags[0] and not flags[-1], interval  # the unsimulated edges
    assert sum(bucket["complete"] for bucket in history(gql, home, "DAY")) == 7


def test_hourly_solar_energy_never_exceeds_its_rating(gql, home):
    # given
    [solar] = [device for device in home.devices if device.kind == DeviceKind.SOLAR_PANEL]

    # when
    hours = history(gql, home, "HOUR", device=solar)

    # then
    assert max(hour["producedWh"] for hour in hours) > 0
    for hour in hours:
        start, end = edges(hour)
        assert hour["producedWh"] <= solar.rated_capacity_w * (end - start) / HOUR
        assert hour["consumedWh"] == 0


def test_each_devices_hours_sum_to_its_raw_readings(gql, home):
    for device in home.devices:
        # given
        raw = raw_totals(home, device)

        # when
        hours = history(gql, home, "HOUR", device=device)

        # then
        sums = totals(hours)
        rounding = HALF_STEP * len(hours)
        assert sums["producedWh"] == pytest.approx(raw["producedWh"], rel=REL, abs=rounding), device.name
        assert sums["consumedWh"] == pytest.approx(raw["consumedWh"], rel=REL, abs=rounding), device.name
        assert sums["importedWh"] == sums["exportedWh"] == 0, device.name
        assert all(hour["selfSufficiencyPercent"] is None for hour in hours)
        assert all(
            hour["netWh"] == pytest.approx(hour["producedWh"] - hour["consumedWh"], abs=3 * HALF_STEP)
            for hour in hours
        )


def test_devices_add_up_to_the_household(gql, home):
    # given
    days = history(gql, home, "DAY")
    household = totals(days)
    rounding = HALF_STEP * len(days) * (len(home.devices) + 1)

    # when
    per_device = [totals(history(gql, home, "DAY", device=device)) for device in home.devices]

    # then
    for field in ("producedWh", "consumedWh"):
        assert sum(device[field] for device in per_device) == pytest.approx(
            household[field], rel=REL, abs=rounding
        )


def test_hours_reaching_past_now_are_incomplete_even_when_simulated(gql, alice):
    # given: ticks from two hours ago to two hours ahead (a backfill does not refuse the future)
    now = timezone.now()
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    household_backfill(
        household=HouseholdRef.of(alice.household),
        start=now - 2 * HOUR,
        end=now + 2 * HOUR,
        seconds=TICK_SECONDS,
    )
    variables = {
        "start": (now - 3 * HOUR).isoformat(),
        "end": (now + 3 * HOUR).isoformat(),
        "interval": "HOUR",
        "deviceId": None,
    }

    # when
    body = gql.execute(HISTORY, variables, token=alice.token)

    # then
    buckets = body["data"]["energyHistory"]
    spans = [edges(bucket) for bucket in buckets]
    assert [b["complete"] for b in buckets] == [
        now - 2 * HOUR <= start and end <= now for start, end in spans
    ]
    simulated_future = [
        b for b, (start, end) in zip(buckets, spans, strict=True) if now <= start and end <= now + 2 * HOUR
    ]
    assert simulated_future and all(b["producedWh"] or b["consumedWh"] for b in simulated_future)


# --- energy flows -----------------------------------------------------------------------------


def flow_totals(home: SimulatedHome, interval: str) -> dict[flows.Flow, float]:
    """Each flow summed over the buckets, from the selector (full precision; the API rounds to 0.1)."""
    buckets = energy_history(
        household=home.member.household,
        start=home.window.query_from,
        end=home.window.query_to,
        interval=Interval(interval),
    )
    return {flow: sum(bucket.flow_wh[flow] for bucket in buckets) for flow in flows.FLOWS}


def raw_flow_totals(home: SimulatedHome) -> dict[flows.Flow, float]:
    """Each stored tick's readings through the production allocation, summed: no rollup involved."""
    start, end = home.window.query_from, home.window.query_to
    with schema_context(home.member.household.schema_name):
        rows = Reading.objects.filter(at__gte=start, at__lt=end).values_list("at", "device__kind", "power_w")
        ticks: dict[datetime, list] = collections.defaultdict(list)
        for at, kind, power_w in rows:
            ticks[at].append((kind, power_w))
    summed = dict.fromkeys(flows.FLOWS, 0.0)
    for devices in ticks.values():
        for flow, power_w in flows.allocate(flows.node_powers(devices)).items():
            summed[flow] += power_w * TICK_SECONDS / 3600
    return summed


def test_flows_over_every_interval_sum_to_the_raw_readings(home):
    # given
    raw = raw_flow_totals(home)

    # when
    sums = {interval: flow_totals(home, interval) for interval in INTERVALS}

    # then: solar fed the home and the battery, the grid fed someone
    solar, grid = flows.Node.SOLAR, flows.Node.GRID
    assert raw[solar, flows.Node.HOME] > 0 and raw[solar, flows.Node.BATTERY] > 0
    assert sum(energy for (source, _), energy in raw.items() if source is grid) > 0
    for interval in INTERVALS:
        for flow, energy in raw.items():
            assert sums[interval][flow] == pytest.approx(energy, rel=REL, abs=DUST_WH), (interval, flow)


def test_every_bucket_balances_its_flows_with_its_totals(gql, home):
    for interval in INTERVALS:
        for bucket in history(gql, home, interval):
            out = collections.Counter()
            into = collections.Counter()
            for flow in bucket["flows"]:
                out[flow["source"]] += flow["energyWh"]
                into[flow["sink"]] += flow["energyWh"]
            # Every answered number is rounded to 0.1: allow half a step per term of each side.
            rounding = HALF_STEP * (len(bucket["flows"]) + 2)

            def same(a: float, b: float, rounding: float = rounding) -> bool:
                return a == pytest.approx(b, rel=REL, abs=rounding)

            assert same(out["SOLAR"], bucket["solarWh"]) and same(into["HOME"], bucket["loadWh"])
            assert same(out["GRID"], bucket["importedWh"]) and same(into["GRID"], bucket["exportedWh"])
            assert same(bucket["producedWh"], bucket["solarWh"] + bucket["storageDischargeWh"])
            assert same(bucket["consumedWh"], bucket["loadWh"] + bucket["storageChargeWh"])
            assert all(flow["energyWh"] > 0 for flow in bucket["flows"])


def test_hourly_solar_of_the_home_never_exceeds_the_rating(gql, home):
    # given
    rating = sum(device.rated_capacity_w for device in home.devices if device.kind == DeviceKind.SOLAR_PANEL)

    # when
    hours = history(gql, home, "HOUR")

    # then
    assert max(hour["solarWh"] for hour in hours) > 0
    for hour in hours:
        start, end = edges(hour)
        assert hour["solarWh"] <= rating * (end - start) / HOUR
