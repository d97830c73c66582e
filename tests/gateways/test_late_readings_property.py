"""Property: whatever order samples and ticks come in, the stored minutes and rollups are the same
as when every sample arrived before its minute was computed."""

from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.models import DeviceKind
from telemetry import services
from telemetry.models import DeviceHour, HouseholdHour, Reading
from tests.devices.conftest import make_device
from tests.gateways.conftest import Ingest, key_for, past_instant, reading, reported

MINUTES = 12
SHARED = (
    "telemetry_tick",
    "telemetry_reading",
    "telemetry_devicehour",
    "telemetry_householdhour",
    "telemetry_reportedsample",
    "telemetry_devicelivestate",
)
SUMS = (
    "produced_wh",
    "consumed_wh",
    "imported_wh",
    "exported_wh",
    "solar_to_home_wh",
    "solar_to_grid_wh",
    "battery_to_home_wh",
    "grid_to_home_wh",
    "grid_to_battery_wh",
    "solar_to_battery_wh",
    "ticks",
)


@pytest.fixture
def home(alice):
    devices = [
        reported(alice, rated_capacity_w=5000.0),
        reported(alice, DeviceKind.BATTERY, capacity_wh=10000.0, charge_wh=5000.0),
        reported(alice, DeviceKind.APPLIANCE),
        make_device(alice, DeviceKind.SOLAR_PANEL, name="Simulated roof"),
        make_device(alice, DeviceKind.APPLIANCE, name="Simulated fridge"),
    ]
    return alice, devices, key_for(alice)


samples_strategy = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, MINUTES * 60 - 1), st.floats(0, 1), st.floats(0, 10000)),
    max_size=40,
    unique_by=lambda s: (s[0], s[1]),
)


def _wipe(member) -> None:
    with connection.cursor() as cursor:
        for table in SHARED:
            cursor.execute(f"DELETE FROM public.{table} WHERE household_id = %s", [member.household.pk])  # noqa: S608


def _state(member) -> dict:
    with schema_context(member.household.schema_name):
        readings = {(r.device_id, r.at): r.power_w for r in Reading.objects.all()}
        devices = {
            (h.device_id, h.hour_start): (h.produced_wh, h.consumed_wh, h.ticks)
            for h in DeviceHour.objects.all()
        }
        homes = {h.hour_start: tuple(getattr(h, c) for c in SUMS) for h in HouseholdHour.objects.all()}
    return {"readings": readings, "devices": devices, "homes": homes}


def _same(state: dict, expected: dict) -> None:
    for part, rows in expected.items():
        assert state[part].keys() == rows.keys(), part
        for key, value in rows.items():
            assert state[part][key] == pytest.approx(value, abs=1e-6), (part, key)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    samples=samples_strategy, order=st.randoms(use_true_random=False), early=st.sets(st.integers(0, MINUTES))
)
def test_late_and_out_of_order_samples_end_as_on_time_ones(home, samples, order, early):
    member, devices, key = home
    ingest = Ingest()
    base = past_instant(60)
    household = services.HouseholdRef.of(member.household)
    instants = [base + timedelta(minutes=m) for m in range(MINUTES + 1)]
    bodies = []
    for index, second, share, charge in samples:
        device = devices[index]
        low, high = {0: (0, 5000), 1: (-5000, 7000), 2: (-3000, 0)}[index]
        extra = {"chargeWh": charge} if index == 1 else {}
        bodies.append(reading(device, base + timedelta(seconds=second), low + share * (high - low), **extra))

    def tick(at):
        services.households_tick(households=[household], at=at, seconds=60)

    # On time: every sample is stored before any minute is computed.
    _wipe(member)
    ingest.post(key, {"readings": bodies})
    for at in instants:
        tick(at)
    on_time = _state(member)

    # Late: some minutes first (in any order), the samples in shuffled chunks between other ticks.
    _wipe(member)
    for minute in sorted(early, key=lambda _: order.random()):
        tick(instants[minute])
    shuffled = order.sample(bodies, len(bodies))
    while shuffled:
        size = order.randint(1, 7)
        chunk, shuffled = shuffled[:size], shuffled[size:]
        ingest.post(key, {"readings": chunk})
        tick(order.choice(instants))
    for at in instants:
        tick(at)

    _same(_state(member), on_time)
