"""MQTT through a real Mosquitto (dynamic security) and the real bridge process (manage.py ingest_mqtt)."""

import json
import queue
import time

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context

from accounts.models import User
from bench.mosquitto import mosquitto
from devices.models import Device, DeviceKind, TelemetrySource
from gateways.services import gateway_key_create, gateway_key_revoke
from households.services import household_sign_up
from telemetry.models import Reading
from tests.conftest import PASSWORD
from tests.devices.conftest import global_id
from tests.gateways.bridge import mqtt_bridge
from tests.gateways.conftest import past_instant

pytestmark = [pytest.mark.server, pytest.mark.django_db]
EMAILS = ("mqtt-one@example.com", "mqtt-two@example.com")


@pytest.fixture(scope="module")
def broker():
    with mosquitto() as running:
        yield running


@pytest.fixture(scope="module")
def homes(django_db_setup, django_db_blocker, broker):
    """Two committed homes, each with a REPORTED solar panel and a gateway key with its broker client."""
    made = []
    with django_db_blocker.unblock(), override_settings(**broker.settings()):
        for index, email in enumerate(EMAILS):
            household = household_sign_up(
                email=email, password=PASSWORD, household_name=f"MQTT home {index}", timezone="UTC"
            ).household
            with schema_context(household.schema_name):
                solar = Device.objects.create(
                    name="Roof",
                    kind=DeviceKind.SOLAR_PANEL,
                    rated_capacity_w=6000.0,
                    source=TelemetrySource.REPORTED,
                )
            made.append((household, solar, gateway_key_create(household=household, name="gateway").key))
    connection.set_schema_to_public()
    yield made
    with django_db_blocker.unblock():
        for household, _, _ in made:
            household.delete(force_drop=True)
        User.objects.filter(email__in=EMAILS).delete()
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def bridge(broker, homes):
    with mqtt_bridge(broker) as process:
        yield process


class Gateway:
    """A gateway's MQTT session: username = key id, password = key."""

    def __init__(self, broker, key: str):
        self.key_id = key.split(".")[0]
        self.results: queue.Queue = queue.Queue()
        self.disconnected = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.username_pw_set(self.key_id, key)
        self.client.on_message = lambda c, u, message: self.results.put(json.loads(message.payload))
        self.client.on_disconnect = lambda c, u, flags, reason, props: self.disconnected.put(reason)
        connected = queue.Queue()
        self.client.on_connect = lambda c, u, flags, reason, props: connected.put(reason)
        self.client.connect(broker.host, broker.port)
        self.client.loop_start()
        self.connect_reason = connected.get(timeout=10)
        if not self.connect_reason.is_failure:
            self.client.subscribe(f"homes/{self.key_id}/results", qos=1)
            time.sleep(0.2)

    def publish(self, payload: bytes | dict, topic: str | None = None):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.client.publish(topic or f"homes/{self.key_id}/readings", body, qos=1)

    def result(self) -> dict:
        return self.results.get(timeout=20)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def gateway(broker, homes, bridge):
    opened = []

    def open_gateway(key: str) -> Gateway:
        opened.append(Gateway(broker, key))
        return opened[-1]

    yield open_gateway
    for each in opened:
        each.close()


def _stored(household, device) -> int:
    with schema_context(household.schema_name):
        return Reading.objects.filter(device_id=device.pk).count()


def test_readings_published_to_the_own_topic_are_ingested_and_answered(homes, gateway):
    household, solar, key = homes[0]
    at = past_instant(3)
    body = {"readings": [{"device": global_id(solar), "at": at.isoformat(), "powerW": 2500.0}]}
    session = gateway(key)

    session.publish(body)
    assert session.result() == {"status": 200, "accepted": 1, "duplicates": 0, "rejected": []}
    session.publish(body)
    assert session.result() == {"status": 200, "accepted": 0, "duplicates": 1, "rejected": []}
    with schema_context(household.schema_name):
        assert Reading.objects.get(device_id=solar.pk, at=at).power_w == 2500.0


def test_the_broker_refuses_a_gateway_publishing_to_another_homes_topic(homes, gateway):
    (_, _, key), (other, other_solar, other_key) = homes
    at = past_instant(4)
    body = {"readings": [{"device": global_id(other_solar), "at": at.isoformat(), "powerW": 100.0}]}
    session = gateway(key)

    info = session.publish(body, topic=f"homes/{other_key.split('.')[0]}/readings")
    info.wait_for_publish(timeout=10)
    session.publish({"readings": []})  # answered after the refused one would have been
    assert session.result()["accepted"] == 0
    with schema_context(other.schema_name):
        assert not Reading.objects.filter(device_id=other_solar.pk, at=at).exists()


def test_wrong_credentials_are_refused_by_the_broker(homes, broker):
    _, _, key = homes[0]
    session = Gateway(broker, key[:-2] + "xx")
    try:
        assert session.connect_reason.is_failure
    finally:
        session.close()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", "INVALID_JSON"),
        (b'{"readings": 5}', "INVALID_BODY"),
        (b'{"readings": []' + b" " * 1_100_000 + b"}", "TOO_LARGE"),
        (json.dumps({"readings": [{}] * 5001}).encode(), "TOO_MANY_READINGS"),
    ],
)
def test_bad_messages_are_answered_with_their_code(homes, gateway, payload, code):
    session = gateway(homes[0][2])

    session.publish(payload)

    assert session.result()["error"]["code"] == code


def test_a_million_reading_message_is_refused_and_the_bridge_goes_on(homes, gateway):
    _, solar, key = homes[0]
    huge = gateway(key)
    huge.publish(b'{"readings": [' + b",".join([b"{}"] * 1_000_000) + b"]}")
    huge.disconnected.get(timeout=20)  # larger than the broker's max_packet_size: the publisher is cut off

    session = gateway(key)
    at = past_instant(5)
    session.publish({"readings": [{"device": global_id(solar), "at": at.isoformat(), "powerW": 1.0}]})
    assert session.result()["accepted"] == 1


def test_a_revoked_key_is_disconnected_and_cannot_reconnect(homes, broker, gateway):
    household = homes[1][0]
    with override_settings(**broker.settings()):
        key = gateway_key_create(household=household, name="to revoke").key
        session = gateway(key)
        assert not session.connect_reason.is_failure

        gateway_key_revoke(household=household, key_id=key.split(".")[0])

    session.disconnected.get(timeout=10)
    again = Gateway(broker, key)
    try:
        assert again.connect_reason.is_failure
    finally:
        again.close()
