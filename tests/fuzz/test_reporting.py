"""energyHistory fuzzed over every argument: start, end, interval and deviceId.

The rollups are shared tables keyed by household: Bob's rows sit beside Alice's, under the same
hours and the same device id, and none of them may reach her answers.

Well-typed ranges (any offset, 1900-9000, up to and past the bucket cap) must give contiguous
buckets whose sums are exactly the rollup hours inside their edges, or a BAD_REQUEST; odd
datetimes, unknown intervals and forged ids must give a clean refusal.
"""

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from django.db.models import Sum
from django_tenants.utils import schema_context
from hypothesis import event, given, settings
from hypothesis import strategies as st

from core.graphql.rounding import HALF_STEP
from devices.models import DeviceKind
from reporting.buckets import MAX_BUCKETS
from telemetry.models import DeviceHour, HouseholdHour
from tests.devices.conftest import global_id, make_device
from tests.fuzz.conftest import FUZZ, changes, rows
from tests.fuzz.strategies import enum_names, malformed_ids, odd_datetime_strings, typed
from tests.reporting.conftest import device_hours, hour_starts, household_hours, utc

ENERGY_HISTORY = """
query EnergyHistory($start: DateTime!, $end: DateTime!, $interval: Interval!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: $interval, deviceId: $deviceId) {
    start end producedWh consumedWh importedWh exportedWh netWh selfSufficiencyPercent complete
  }
}
"""
INTERVALS = ["HOUR", "DAY", "WEEK", "MONTH"]
SPAN = {
    "HOUR": timedelta(hours=1),
    "DAY": timedelta(days=1),
    "WEEK": timedelta(weeks=1),
    "MONTH": timedelta(days=31),
}
ROLLUPS_FROM, ROLLUPS_TO = utc(2026, 3, 20), utc(2026, 4, 10)
MY_DEVICE_WH, BOBS_WH = 500.0, 1e6


def _energy(hour: datetime) -> tuple[float, float]:
    return 100.0 + hour.hour * 10.0, 50.0 + hour.day


@pytest.fixture
def home(alice, bob):
    """Three weeks of rollups across a DST change, a device of Alice's and one of Bob's.

    Bob has rollups over the same hours in the same shared tables, far larger than Alice's, and
    his device has the same per-schema id as hers: a leak into her answers would show in the sums.
    """
    starts = hour_starts(ROLLUPS_FROM, ROLLUPS_TO)
    household_hours(alice.household, starts, _energy)
    household_hours(bob.household, starts, lambda hour: (BOBS_WH, BOBS_WH))
    mine = make_device(alice, DeviceKind.SOLAR_PANEL)
    bobs = make_device(bob, DeviceKind.SOLAR_PANEL, id=mine.pk)
    device_hours(mine, alice.household, starts, MY_DEVICE_WH)
    device_hours(bobs, bob.household, starts, BOBS_WH)
    return {"alice": alice, "ids": {"mine": global_id(mine), "bobs": global_id(bobs)}}


offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda minutes: timezone(timedelta(minutes=minutes)))
near_the_rollups = st.datetimes(min_value=datetime(2026, 3, 10), max_value=datetime(2026, 4, 20))
anywhere = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(8999, 12, 30))


@st.composite
def ranges(draw):
    """A well-typed range, mostly near the rollups; its length may exceed the bucket cap."""
    interval = draw(st.sampled_from(INTERVALS))
    start = draw(near_the_rollups | anywhere).replace(tzinfo=draw(offsets))
    buckets = draw(st.integers(0, 40) | st.integers(0, MAX_BUCKETS + 50))
    end = start + draw(st.integers(0, 3600)) * timedelta(seconds=1) + buckets * SPAN[interval]
    if draw(st.integers(0, 9)) == 0:
        start, end = end, start  # reversed
    end = end.astimezone(draw(offsets))
    return start, end, interval


def _rollup_sums(member, start: str, end: str, model=HouseholdHour) -> tuple[float, float]:
    with schema_context(member.household.schema_name):
        sums = model.objects.filter(
            hour_start__gte=datetime.fromisoformat(start), hour_start__lt=datetime.fromisoformat(end)
        ).aggregate(produced=Sum("produced_wh"), consumed=Sum("consumed_wh"))
    return sums["produced"] or 0.0, sums["consumed"] or 0.0


@settings(FUZZ, max_examples=120)
@given(window=ranges(), device=st.sampled_from([None, "mine", "bobs"]))
def test_well_typed_ranges_give_contiguous_buckets_holding_exactly_their_hours(
    fuzz, one_case, home, window, device
):
    # given
    start, end, interval = window
    variables = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "interval": interval,
        "deviceId": home["ids"][device] if device else None,
    }

    with one_case():
        # when
        answer = fuzz.post(ENERGY_HISTORY, variables, token=home["alice"].token)

        # then
        buckets = answer.field("energyHistory")
        if start >= end:
            event("refused: start >= end")
            assert buckets is None and answer.codes == {"BAD_REQUEST"}, answer.body
            return
        if buckets is None:
            event("refused: too many buckets or beyond 9000")
            assert answer.codes in ({"BAD_REQUEST"}, {"COST_HISTORY_BUCKETS"}), answer.body
            return
        if device == "bobs":
            assert buckets == [], answer.body
            return
        event(f"{interval}, {min(len(buckets), 100) // 10 * 10}+ buckets")
        assert 0 < len(buckets) <= MAX_BUCKETS
        first, last = datetime.fromisoformat(buckets[0]["start"]), datetime.fromisoformat(buckets[-1]["end"])
        assert first <= start and end <= last < end + timedelta(hours=1), (start, end, first, last)
        for bucket, following in itertools.pairwise(buckets):
            assert bucket["end"] == following["start"]
        for bucket in buckets:
            assert datetime.fromisoformat(bucket["start"]) < datetime.fromisoformat(bucket["end"])
            assert bucket["netWh"] == pytest.approx(
                bucket["producedWh"] - bucket["consumedWh"], abs=3 * HALF_STEP
            )
            assert (
                min(bucket["producedWh"], bucket["consumedWh"], bucket["importedWh"], bucket["exportedWh"])
                >= 0
            )
        model = HouseholdHour if device is None else DeviceHour
        produced, consumed = _rollup_sums(home["alice"], buckets[0]["start"], buckets[-1]["end"], model)
        rounding = HALF_STEP * len(buckets)
        assert all(b["producedWh"] < BOBS_WH for b in buckets)
        assert sum(b["producedWh"] for b in buckets) == pytest.approx(produced, abs=rounding)
        assert sum(b["consumedWh"] for b in buckets) == pytest.approx(consumed, abs=rounding)


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_hostile_arguments_are_refused_cleanly(fuzz, one_case, home, data):
    # given
    variables = {
        "start": data.draw(typed(odd_datetime_strings), label="start"),
        "end": data.draw(typed(odd_datetime_strings), label="end"),
        "interval": data.draw(typed(enum_names(INTERVALS)), label="interval"),
        "deviceId": data.draw(
            typed(st.sampled_from(sorted(home["ids"].values())) | malformed_ids | st.none())
        ),
    }

    with one_case():
        before = rows(home["alice"])

        # when
        answer = fuzz.post(ENERGY_HISTORY, variables, token=home["alice"].token)

        # then
        buckets = answer.field("energyHistory")
        event("answered" if buckets is not None else f"refused {sorted(map(str, answer.codes))}")
        assert buckets is not None or answer.errors, answer.body
        assert len(buckets or []) <= MAX_BUCKETS
        assert changes(before, rows(home["alice"])) == {}
