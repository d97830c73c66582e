"""POST /ingest/readings from the gateway's side: answers, limits, codes, idempotency."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from devices.models import DeviceKind
from gateways.services import gateway_key_revoke
from telemetry.models import DeviceHour, HouseholdHour, Reading, Tick
from tests.devices.conftest import make_device
from tests.gateways.conftest import key_for, past_instant, reading, reported


def test_readings_are_stored_once_and_their_minute_is_rolled_up_at_once(alice, ingest):
    solar = reported(alice)
    key = key_for(alice)
    at = past_instant()
    samples = [reading(solar, at + timedelta(seconds=s), 1000.0 + s) for s in (0, 20, 40)]

    first = ingest.post(key, {"readings": samples})
    again = ingest.post(key, {"readings": samples})

    assert first.status_code == 200 and first.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert again.json() == {"accepted": 0, "duplicates": 3, "rejected": []}
    with schema_context(alice.household.schema_name):
        assert Tick.objects.filter(at=at).exists()
        stored = Reading.objects.get(device_id=solar.pk, at=at)
        assert stored.power_w == pytest.approx(1020.0)  # the mean of the minute's samples
        assert DeviceHour.objects.get(device_id=solar.pk).produced_wh == pytest.approx(1020.0 / 60)
        assert HouseholdHour.objects.get().produced_wh == pytest.approx(1020.0 / 60)


def test_a_reading_repeated_within_one_body_is_stored_once_as_first_sent(alice, ingest):
    solar = reported(alice)
    key = key_for(alice)
    at = past_instant()
    same_instant_other_offset = (at + timedelta(seconds=10)).astimezone(timezone(timedelta(hours=2)))
    body = [
        reading(solar, at + timedelta(seconds=10), 1500.0),
        reading(solar, same_instant_other_offset, 900.0),
        reading(solar, at + timedelta(seconds=30), 500.0),
    ]

    answer = ingest.post(key, {"readings": body})

    assert answer.json() == {"accepted": 2, "duplicates": 1, "rejected": []}
    with schema_context(alice.household.schema_name):
        assert Reading.objects.get(device_id=solar.pk, at=at).power_w == pytest.approx(1000.0)


def test_each_bad_reading_is_rejected_with_its_own_code_and_the_good_ones_are_kept(alice, bob, ingest):
    solar = reported(alice, rated_capacity_w=4000.0)
    battery = reported(alice, DeviceKind.BATTERY, capacity_wh=10000.0, charge_wh=5000.0)
    simulated = make_device(alice, DeviceKind.SOLAR_PANEL)
    bobs = reported(bob)
    at = past_instant()
    now = datetime.now(UTC)
    body = {
        "readings": [
            reading(solar, at, 1500.0),
            reading(simulated, at, 100.0),
            reading(bobs, at, 100.0),
            {"device": "RGV2aWNlOm5vdC1hLXV1aWQ=", "at": at.isoformat(), "powerW": 1.0},
            {"at": at.isoformat(), "powerW": 1.0},
            reading(solar, now + timedelta(minutes=5), 1.0),
            reading(solar, now - timedelta(days=400), 1.0),
            {**reading(solar, at, 1.0), "at": "yesterday"},
            {**reading(solar, at, 1.0), "at": "2026-12-07T10:00:00"},
            reading(solar, at, 4001.0),
            reading(solar, at, -5.0),
            {**reading(solar, at, 1.0), "powerW": "1500"},
            {**reading(solar, at, 1.0), "powerW": True},
            reading(solar, at, 1.0, chargeWh=10.0),
            reading(battery, at, -2000.0, chargeWh=10001.0),
            reading(battery, at, 9000.0),
            reading(battery, at, -2000.0, chargeWh=6400.0),
            "not a reading",
        ]
    }

    response = ingest.post(key_for(alice), body)

    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 0)
    assert [(r["index"], r["field"], r["code"]) for r in answer["rejected"]] == [
        (1, "device", "UNKNOWN_DEVICE"),
        (2, "device", "UNKNOWN_DEVICE"),
        (3, "device", "UNKNOWN_DEVICE"),
        (4, "device", "REQUIRED"),
        (5, "at", "IN_FUTURE"),
        (6, "at", "TOO_OLD"),
        (7, "at", "INVALID_TIME"),
        (8, "at", "INVALID_TIME"),
        (9, "powerW", "POWER_OUT_OF_RANGE"),
        (10, "powerW", "POWER_OUT_OF_RANGE"),
        (11, "powerW", "INVALID"),
        (12, "powerW", "INVALID"),
        (13, "chargeWh", "CHARGE_NOT_ALLOWED"),
        (14, "chargeWh", "CHARGE_OUT_OF_RANGE"),
        (15, "powerW", "POWER_OUT_OF_RANGE"),
        (17, None, "INVALID"),
    ]


def test_nan_and_infinity_have_their_own_code(alice, ingest):
    solar = reported(alice)
    at = past_instant().isoformat()
    device = reading(solar, past_instant(), 0.0)["device"]
    nan, huge = (f'{{"device": "{device}", "at": "{at}", "powerW": {value}}}' for value in ("NaN", "1e999"))
    body = f'{{"readings": [{nan}, {huge}]}}'

    response = ingest.post(key_for(alice), body)

    assert [r["code"] for r in response.json()["rejected"]] == ["NOT_FINITE", "NOT_FINITE"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "INVALID_JSON"),
        (b'{"readings": {}}', 400, "INVALID_BODY"),
        (b"[]", 400, "INVALID_BODY"),
        (json.dumps({"readings": [{}] * 5001}).encode(), 413, "TOO_MANY_READINGS"),
        (b'{"readings": []' + b" " * 1_048_576 + b"}", 413, "TOO_LARGE"),
    ],
)
def test_bodies_are_bounded_and_must_be_json(alice, ingest, body, status, code):
    response = ingest.post(key_for(alice), body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_only_a_live_gateway_key_authenticates_ingestion(alice, ingest):
    solar = reported(alice)
    body = {"readings": [reading(solar, past_instant(), 10.0)]}
    key = key_for(alice)
    key_id = key.split(".")[0]

    assert ingest.post(None, body).status_code == 401
    assert ingest.post(alice.token, body, scheme="Bearer").status_code == 401
    assert ingest.post(key[:-1] + ("A" if key[-1] != "A" else "B"), body).status_code == 401
    assert ingest.post(key, body).status_code == 200
    gateway_key_revoke(household=alice.household, key_id=key_id)
    response = ingest.post(key, body)
    assert response.status_code == 401 and response.json()["error"]["code"] == "UNAUTHENTICATED"


@override_settings(GATEWAY_REQUESTS_PER_KEY="2/m")
def test_each_key_has_its_own_request_budget(alice, ingest):
    solar = reported(alice)
    body = {"readings": [reading(solar, past_instant(), 10.0)]}
    first, second = key_for(alice, "one"), key_for(alice, "two")

    answers = [ingest.post(first, body).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert ingest.post(second, body).status_code == 200


@override_settings(GATEWAY_READINGS_PER_KEY="3/h")
def test_each_key_has_a_readings_budget(alice, ingest):
    solar = reported(alice)
    at = past_instant()
    key = key_for(alice)

    assert ingest.post(key, {"readings": [reading(solar, at, 1.0)] * 3}).status_code == 200
    refused = ingest.post(key, {"readings": [reading(solar, at, 1.0)]})
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "RATE_LIMITED"


def test_get_is_not_ingestion(alice, ingest):
    assert ingest.http.get("/ingest/readings").status_code == 405
