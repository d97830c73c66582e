"""simulate_tick and backfill_telemetry run the same tick code as the Celery tasks."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from devices.models import Device, DeviceKind
from reporting.selectors import fleet_totals
from telemetry.models import HouseholdHour, HouseholdSnapshot, Reading, Tick
from tests.telemetry.homes import live_device, typical_home_devices


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_simulate_tick_ticks_every_household_once_and_refreshes_the_fleet(alice, bob):
    with schema_context(alice.household.schema_name):
        devices = typical_home_devices()

    first = _run("simulate_tick", "--at", "2026-06-01T12:00:30+00:00")
    again = _run("simulate_tick", "--at", "2026-06-01T12:00:00+00:00")

    assert "Tick 2026-06-01T12:00:00+00:00: 2 households written" in first
    assert "0 households written, 2 already had it" in again
    with schema_context(alice.household.schema_name):
        assert Reading.objects.count() == len(devices)
    assert fleet_totals().households >= 2


def test_simulate_tick_refuses_a_time_without_offset(alice):
    with pytest.raises(CommandError, match="offset"):
        _run("simulate_tick", "--at", "2026-06-01T12:00:00")


def test_simulate_tick_refuses_the_future_and_writes_nothing(alice):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    with pytest.raises(CommandError, match=r"--at .* is in the future"):
        _run("simulate_tick", "--at", later)
    with schema_context(alice.household.schema_name):
        assert not Tick.objects.exists()


def test_simulate_tick_explains_when_the_current_tick_is_already_done(alice, settings):
    settings.TELEMETRY_TICK_SECONDS = 3600  # both runs fall in the same tick
    first = _run("simulate_tick")
    again = _run("simulate_tick")

    assert "Nothing new" not in first
    assert "0 households written" in again
    assert "Nothing new: every household already has the current tick" in again
    assert "The next tick is due at" in again


def test_an_older_tick_written_late_never_moves_a_store_or_the_snapshot_back(alice):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
        battery = Device.objects.get(kind=DeviceKind.BATTERY)
        Device.objects.filter(pk=battery.pk).update(charge_wh=battery.capacity_wh / 2)
    _run("simulate_tick", "--at", "2026-06-01T12:00:00+00:00")
    _run("simulate_tick", "--at", "2026-06-01T12:02:00+00:00")
    with schema_context(alice.household.schema_name):
        after_latest = live_device(pk=battery.pk)
    snapshot_at = HouseholdSnapshot.objects.get(household=alice.household).at

    late = _run("simulate_tick", "--at", "2026-06-01T12:01:00+00:00")

    assert "0 already had it" in late
    with schema_context(alice.household.schema_name):
        now = live_device(pk=battery.pk)
        assert Tick.objects.count() == 3
    assert (now.charge_wh, now.last_reading_at) == (after_latest.charge_wh, after_latest.last_reading_at)
    assert after_latest.last_reading_at == datetime(2026, 6, 1, 12, 2, tzinfo=UTC)
    assert HouseholdSnapshot.objects.get(household=alice.household).at == snapshot_at


def test_backfill_one_household_fills_its_days_and_adds_nothing_on_rerun(alice, bob):
    with schema_context(alice.household.schema_name):
        typical_home_devices()

    first = _run(
        "backfill_telemetry",
        "--days",
        "0.25",
        "--household",
        "Alice's home",
        "--step-seconds",
        "300",
        "-v",
        "0",
    )
    again = _run(
        "backfill_telemetry",
        "--days",
        "0.25",
        "--household",
        "Alice's home",
        "--step-seconds",
        "300",
        "-v",
        "0",
    )

    assert "Alice's home: 72 ticks written." in first
    assert "Alice's home: 0 ticks written." in again
    with schema_context(alice.household.schema_name):
        assert Tick.objects.count() == 72
        assert sum(h.covered_seconds for h in HouseholdHour.objects.all()) == 72 * 300
    with schema_context(bob.household.schema_name):
        assert not Tick.objects.exists()


def test_backfill_names_an_unknown_household(alice):
    with pytest.raises(CommandError, match="No household named 'Nobody'"):
        _run("backfill_telemetry", "--days", "1", "--household", "Nobody")
