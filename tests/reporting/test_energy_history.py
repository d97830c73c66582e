"""energyHistory: local buckets summed from the hourly rollups, through the real /graphql endpoint."""

import itertools
import math
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from graphql_relay import to_global_id

from core.graphql.rounding import HALF_STEP
from devices.models import DeviceKind
from reporting.buckets import Interval
from reporting.selectors import energy_history
from telemetry.models import HouseholdHour
from tests.reporting.conftest import device_hours, hour_starts, household_hours, make_device, statements, utc

HISTORY = """
query History($start: DateTime!, $end: DateTime!, $interval: Interval!, $deviceId: ID) {
  energyHistory(start: $start, end: $end, interval: $interval, deviceId: $deviceId) {
    start end producedWh consumedWh importedWh exportedWh netWh selfSufficiencyPercent complete
  }
}
"""
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def history(gql, token, start, end, interval, device_id=None) -> dict:
    variables = {"start": start, "end": end, "interval": interval, "deviceId": device_id}
    return gql.execute(HISTORY, variables, token=token)


def buckets(gql, token, start, end, interval, device_id=None) -> list[dict]:
    body = history(gql, token, start, end, interval, device_id)
    assert "errors" not in body, body
    return body["data"]["energyHistory"]


def varied(hour: datetime) -> tuple[float, float]:
    """Sun-shaped production and uneven consumption, so buckets differ and some hours import."""
    produced = max(0.0, math.sin((hour.hour - 5) / 14 * math.pi)) * 3000.0
    consumed = 300.0 + 150.0 * (hour.hour % 5) + 7.0 * hour.day
    return produced, consumed


def test_dst_days_in_berlin_have_23_and_25_hours(gql, alice):
    household_hours(alice.household, hour_starts(utc(2026, 3, 27, 23), utc(2026, 3, 30, 22)))
    household_hours(alice.household, hour_starts(utc(2026, 10, 24, 22), utc(2026, 10, 26, 23)))

    spring = buckets(gql, alice.token, "2026-03-28T00:00:00+01:00", "2026-03-31T00:00:00+02:00", "DAY")
    autumn = buckets(gql, alice.token, "2026-10-25T00:00:00+02:00", "2026-10-27T00:00:00+01:00", "DAY")

    assert [(b["start"], b["end"], b["producedWh"]) for b in spring] == [
        ("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", 24_000.0),
        ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 23_000.0),
        ("2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00", 24_000.0),
    ]
    assert [(b["start"], b["producedWh"], b["consumedWh"]) for b in autumn] == [
        ("2026-10-25T00:00:00+02:00", 25_000.0, 10_000.0),
        ("2026-10-26T00:00:00+01:00", 24_000.0, 9_600.0),
    ]
    assert all(b["complete"] for b in spring + autumn)


def test_dst_days_in_new_york_have_23_and_25_hours(gql, bob):
    household_hours(bob.household, hour_starts(utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)))
    household_hours(bob.household, hour_starts(utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)))

    [spring] = buckets(gql, bob.token, "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", "DAY")
    [autumn] = buckets(gql, bob.token, "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", "DAY")
    hours = buckets(gql, bob.token, "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", "HOUR")

    assert (spring["end"], spring["producedWh"], spring["complete"]) == (
        "2026-03-09T00:00:00-04:00",
        23_000.0,
        True,
    )
    assert (autumn["end"], autumn["producedWh"], autumn["complete"]) == (
        "2026-11-02T00:00:00-05:00",
        25_000.0,
        True,
    )
    assert [b["start"] for b in hours[1:3]] == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]
    assert len(hours) == 25


def test_a_half_hour_zone_buckets_by_its_local_midnight(gql, kolkata):
    # Local hours in Kolkata start at :30 UTC; 2026-01-01 runs from 2025-12-31T18:30Z.
    household_hours(kolkata.household, hour_starts(utc(2025, 12, 31, 18, 30), utc(2026, 1, 2, 18, 30)))

    days = buckets(gql, kolkata.token, "2026-01-01T00:00:00+05:30", "2026-01-03T00:00:00+05:30", "DAY")
    hours = buckets(gql, kolkata.token, "2026-01-01T10:00:00Z", "2026-01-01T12:00:00Z", "HOUR")

    assert [(b["start"], b["producedWh"], b["complete"]) for b in days] == [
        ("2026-01-01T00:00:00+05:30", 24_000.0, True),
        ("2026-01-02T00:00:00+05:30", 24_000.0, True),
    ]
    assert [b["start"] for b in hours] == [
        "2026-01-01T15:00:00+05:30",
        "2026-01-01T16:00:00+05:30",
        "2026-01-01T17:00:00+05:30",
    ]
    assert [b["producedWh"] for b in hours] == [1000.0, 1000.0, 1000.0]


def test_a_week_crossing_a_month_boundary_holds_both_months(gql, alice):
    # Monday 2026-01-26 to Monday 2026-02-02 (Berlin, UTC+1): 6 days of January, 1 of February.
    household_hours(alice.household, hour_starts(utc(2026, 1, 25, 23), utc(2026, 2, 1, 23)))

    [week] = buckets(gql, alice.token, "2026-01-26T00:00:00+01:00", "2026-02-02T00:00:00+01:00", "WEEK")
    months = buckets(gql, alice.token, "2026-01-26T00:00:00+01:00", "2026-02-02T00:00:00+01:00", "MONTH")

    assert (week["start"], week["end"], week["producedWh"]) == (
        "2026-01-26T00:00:00+01:00",
        "2026-02-02T00:00:00+01:00",
        168_000.0,
    )
    assert [(b["start"], b["end"], b["producedWh"]) for b in months] == [
        ("2026-01-26T00:00:00+01:00", "2026-02-01T00:00:00+01:00", 144_000.0),
        ("2026-02-01T00:00:00+01:00", "2026-02-02T00:00:00+01:00", 24_000.0),
    ]


@pytest.mark.parametrize(
    ("member", "start", "end"),
    [
        ("alice", "2026-02-20T05:00:00+01:00", "2026-04-09T13:00:00+02:00"),
        ("bob", "2026-02-25T00:00:00-05:00", "2026-03-20T00:00:00-04:00"),
        ("bob", "2026-10-10T00:00:00-04:00", "2026-11-10T07:00:00-05:00"),
    ],
)
def test_hour_day_week_and_month_totals_agree(gql, request, member, start, end):
    home = request.getfixturevalue(member)
    household_hours(home.household, hour_starts(utc(2026, 2, 15), utc(2026, 4, 15)), varied)
    household_hours(home.household, hour_starts(utc(2026, 10, 5), utc(2026, 11, 15)), varied)
    fields = ["producedWh", "consumedWh", "importedWh", "exportedWh", "netWh"]

    totals, counts = {}, {}
    for interval in ["HOUR", "DAY", "WEEK", "MONTH"]:
        result = buckets(gql, home.token, start, end, interval)
        assert result[0]["start"] == start and result[-1]["end"] == end
        assert all(earlier["end"] == later["start"] for earlier, later in itertools.pairwise(result))
        for bucket in result:
            assert bucket["netWh"] == pytest.approx(
                bucket["producedWh"] - bucket["consumedWh"], abs=3 * HALF_STEP
            )
        counts[interval] = len(result)
        totals[interval] = {field: sum(b[field] for b in result) for field in fields}

    expected = totals["HOUR"]
    assert expected["importedWh"] > 0 and expected["exportedWh"] > 0
    for interval in ["DAY", "WEEK", "MONTH"]:
        rounding = HALF_STEP * (counts["HOUR"] + counts[interval])
        assert totals[interval] == pytest.approx(expected, abs=rounding), interval


def test_missing_ticks_and_future_buckets_are_incomplete(gql, alice):
    starts = hour_starts(utc(2026, 6, 1, 22), utc(2026, 6, 2, 22))
    household_hours(alice.household, starts)
    with schema_context(alice.household.schema_name):
        HouseholdHour.objects.filter(hour_start=starts[5]).update(covered_seconds=3540, ticks=59)

    days = buckets(gql, alice.token, "2026-06-02T00:00:00+02:00", "2026-06-04T00:00:00+02:00", "DAY")
    future = buckets(gql, alice.token, "2030-01-01T00:00:00+01:00", "2030-01-02T00:00:00+01:00", "DAY")

    assert [b["complete"] for b in days] == [False, False]
    assert future[0]["complete"] is False


def test_self_sufficiency_is_null_when_nothing_was_consumed(gql, alice):
    household_hours(alice.household, [utc(2026, 6, 1, 10)], lambda hour: (500.0, 0.0))
    household_hours(alice.household, [utc(2026, 6, 1, 11)], lambda hour: (100.0, 400.0))

    first, second = buckets(gql, alice.token, "2026-06-01T10:00:00Z", "2026-06-01T12:00:00Z", "HOUR")

    assert (first["selfSufficiencyPercent"], first["exportedWh"], first["netWh"]) == (None, 500.0, 500.0)
    assert (second["importedWh"], second["selfSufficiencyPercent"]) == (300.0, 25.0)


def test_hours_without_rollups_are_zero_and_incomplete(gql, alice):
    [bucket] = buckets(gql, alice.token, "2026-06-01T00:00:00+02:00", "2026-06-02T00:00:00+02:00", "DAY")

    assert bucket == {
        "start": "2026-06-01T00:00:00+02:00",
        "end": "2026-06-02T00:00:00+02:00",
        "producedWh": 0.0,
        "consumedWh": 0.0,
        "importedWh": 0.0,
        "exportedWh": 0.0,
        "netWh": 0.0,
        "selfSufficiencyPercent": None,
        "complete": False,
    }


def test_one_device_reads_its_own_rollups(gql, alice):
    solar = make_device(alice.household, DeviceKind.SOLAR_PANEL)
    device_hours(
        solar, alice.household, hour_starts(utc(2026, 6, 1, 8), utc(2026, 6, 1, 12)), produced=2500.0
    )
    household_hours(alice.household, hour_starts(utc(2026, 6, 1, 8), utc(2026, 6, 1, 12)))

    [day] = buckets(
        gql, alice.token, "2026-06-01T00:00:00+02:00", "2026-06-02T00:00:00+02:00", "DAY", str_id(solar.uid)
    )

    assert (day["producedWh"], day["consumedWh"], day["netWh"]) == (10_000.0, 0.0, 10_000.0)
    assert (day["importedWh"], day["exportedWh"], day["selfSufficiencyPercent"]) == (0.0, 0.0, None)
    assert day["complete"] is False


def str_id(uid) -> str:
    return to_global_id("Device", str(uid))


def test_another_households_device_gives_nothing(gql, alice, bob):
    solar = make_device(alice.household, DeviceKind.SOLAR_PANEL)
    device_hours(solar, alice.household, [utc(2026, 6, 1, 10)], produced=2500.0)
    args = ("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY")

    assert buckets(gql, bob.token, *args, str_id(solar.uid)) == []
    assert buckets(gql, alice.token, *args, str_id("00000000-0000-0000-0000-000000000000")) == []
    assert buckets(gql, alice.token, *args, str_id(solar.uid))[0]["producedWh"] == 2500.0


@pytest.mark.parametrize(
    ("start", "end", "interval", "device_id", "message"),
    [
        ("2026-06-02T00:00:00Z", "2026-06-01T00:00:00Z", "DAY", None, "start must be before end"),
        ("2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "DAY", None, "start must be before end"),
        ("2026-06-01T00:00:00", "2026-06-02T00:00:00Z", "DAY", None, "need a UTC offset"),
        ("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY", "not-an-id", "not a device id"),
        ("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY", to_global_id("User", "1"), "not a device id"),
    ],
)
def test_bad_arguments_are_a_bad_request(gql, alice, start, end, interval, device_id, message):
    response = gql.post(
        HISTORY, {"start": start, "end": end, "interval": interval, "deviceId": device_id}, token=alice.token
    )
    body = response.json()

    assert response.status_code == 200
    assert body["data"] is None
    [error] = body["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


def test_too_many_buckets_are_refused_by_the_request_budget_before_the_resolver(gql, alice):
    two_years = {"start": "2024-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z", "interval": "HOUR"}

    response = gql.post(HISTORY, two_years, token=alice.token)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "COST_HISTORY_BUCKETS"


def test_an_unknown_interval_is_refused_by_validation(gql, alice):
    body = history(gql, alice.token, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "FORTNIGHT")

    assert "FORTNIGHT" in body["errors"][0]["message"]


def test_history_needs_a_token(gql, alice):
    body = history(gql, None, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY")

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_households_never_see_each_others_rollups(gql, alice, bob):
    household_hours(alice.household, hour_starts(utc(2026, 6, 1), utc(2026, 6, 2)))

    bob_days = buckets(gql, bob.token, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY")
    alice_days = buckets(gql, alice.token, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "DAY")

    assert [day["producedWh"] for day in bob_days] == [0.0, 0.0]
    assert sum(day["producedWh"] for day in alice_days) == 24_000.0


def test_a_year_of_months_is_two_grouped_queries(alice):
    year = hour_starts(utc(2024, 12, 31, 23), utc(2025, 12, 31, 23))
    household_hours(alice.household, year, varied)

    with CaptureQueriesContext(connection) as queries:
        months = energy_history(
            household=alice.household,
            start=datetime(2025, 1, 1, tzinfo=BERLIN),
            end=datetime(2026, 1, 1, tzinfo=BERLIN),
            interval=Interval.MONTH,
        )

    # The home's energy, flows and costs, then the stores' reason codes; no raw readings. These
    # rollups were written unpriced, so the tariff is read once for the currency of their zeros.
    sql = [statement for statement in statements(queries) if "tariffs_tariff" not in statement]
    assert len(sql) == 2
    assert all("GROUP BY" in statement and "reading" not in statement for statement in sql)
    assert len(months) == 12
    assert all(month.complete for month in months)
    assert sum(month.produced_wh for month in months) == pytest.approx(sum(varied(hour)[0] for hour in year))
    # March in Berlin loses an hour (timestamps, since datetimes of one zone subtract by wall clock).
    assert months[2].end.timestamp() - months[2].start.timestamp() == (31 * 24 - 1) * 3600
