"""Fuzzing /ingest/readings and the MQTT bridge's message handler: no input gives a 500, every
reading is accounted for (accepted, duplicate or rejected), and nothing lands in another home."""

import json

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context
from hypothesis import given
from hypothesis import strategies as st

from gateways import mqtt
from telemetry.models import Reading
from tests.devices.conftest import global_id
from tests.fuzz.conftest import FUZZ
from tests.fuzz.strategies import anything, edge_numbers, json_values, malformed_ids, odd_datetime_strings
from tests.gateways.conftest import Ingest, key_for, past_instant, reported


@pytest.fixture
def gateway(alice, bob, settings):
    # Hundreds of examples share one key: its request budget (tested in test_ingest_http) is not
    # what these fuzz, and a fast run would spend it within the minute.
    settings.GATEWAY_REQUESTS_PER_KEY = "1000000/m"
    solar = reported(alice)
    reported(bob)
    return key_for(alice), [global_id(solar)]


def readings(devices):
    device = st.sampled_from(devices) | malformed_ids | json_values
    at = st.just(past_instant().isoformat()) | odd_datetime_strings | json_values
    power = edge_numbers | json_values
    reading = st.fixed_dictionaries(
        {"device": device, "at": at, "powerW": power}, optional={"chargeWh": power}
    )
    return st.lists(reading | anything, max_size=20)


def _accounted(answer: dict, sent: list) -> None:
    assert answer["accepted"] + answer["duplicates"] + len(answer["rejected"]) == len(sent)
    assert all(0 <= r["index"] < len(sent) for r in answer["rejected"])


def _bob_untouched(bob) -> None:
    with schema_context(bob.household.schema_name):
        assert not Reading.objects.exists()


@FUZZ
@given(data=st.data())
def test_fuzzed_readings_are_each_accepted_or_rejected(gateway, bob, data):
    key, devices = gateway
    sent = data.draw(readings(devices))
    body = json.dumps({"readings": sent}, allow_nan=True)

    response = Ingest().post(key, body)

    if len(body.encode()) > django_settings.INGEST_MAX_BYTES:  # 20 arbitrary values can pass 1 MB
        assert response.json()["error"]["code"] == "TOO_LARGE"
        return
    assert response.status_code == 200, response.content[:300]
    _accounted(response.json(), sent)
    _bob_untouched(bob)


@FUZZ
@given(body=anything | st.binary(max_size=2000) | st.text(max_size=2000))
def test_fuzzed_bodies_get_a_client_error_or_an_answer(gateway, body):
    key, _ = gateway
    payload = body if isinstance(body, bytes | str) else json.dumps(body, allow_nan=True)

    response = Ingest().post(key, payload)

    assert response.status_code in (200, 400, 413), response.content[:300]
    assert "error" in response.json() or "accepted" in response.json()


@FUZZ
@given(
    topic=st.sampled_from(
        ["homes/{}/readings", "homes/{}/x", "homes//readings", "{}", "homes/{}/readings/x"]
    ),
    payload=st.binary(max_size=500) | anything.map(lambda v: json.dumps(v, allow_nan=True).encode()),
)
def test_the_bridge_answers_any_message_or_ignores_it(gateway, topic, payload):
    key, _ = gateway

    answered = mqtt.message_handle(topic.format(key.split(".")[0]), payload)

    if answered is not None:
        results, body = answered
        assert results == f"homes/{key.split('.')[0]}/results"
        assert json.loads(body)["status"] in (200, 400, 413)


def test_the_bridge_ignores_a_topic_naming_no_key(gateway):
    assert mqtt.message_handle("homes/gk_0000000000000000/readings", b'{"readings": []}') is None
