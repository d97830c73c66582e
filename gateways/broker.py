"""The broker's side of a gateway key: Mosquitto's dynamic-security plugin, driven over MQTT.

Each key is a broker client (username = key id, password = the whole key) with its own role, whose
ACLs allow publishing only to `homes/<key id>/readings` and subscribing only to its results topic;
the plugin denies every other publish and subscribe by default. Deleting the client disconnects it.
Commands go to `$CONTROL/dynamic-security/v1` as the admin in MQTT_USERNAME (paho-mqtt, the Eclipse
client: see docs/gateways.md for why).
"""

import json
import threading
import uuid
from collections.abc import Sequence

import paho.mqtt.client as mqtt
from django.conf import settings

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
TIMEOUT_S = 5.0
BRIDGE_ROLE = "energy-bridge"


class BrokerUnavailable(Exception):
    """The broker could not be reached, or refused a command."""


def readings_topic(key_id: str) -> str:
    return f"homes/{key_id}/readings"


def results_topic(key_id: str) -> str:
    return f"homes/{key_id}/results"


def enabled() -> bool:
    return bool(settings.MQTT_HOST)


def client_new(client_id: str, *, username: str, password: str) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.username_pw_set(username, password)
    return client


def _role(key_id: str) -> str:
    return f"gateway-{key_id}"


def commands_send(commands: Sequence[dict], *, tolerate: Sequence[str] = ()) -> list[dict]:
    """Send dynamic-security commands and wait for their answers; an error not in `tolerate`
    (e.g. "Client already exists" when repeating a setup) raises BrokerUnavailable."""
    done = threading.Event()
    answers: list[dict] = []
    client = client_new(
        f"energy-admin-{uuid.uuid4().hex[:12]}",
        username=settings.MQTT_USERNAME,
        password=settings.MQTT_PASSWORD,
    )

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            done.set()
            return
        client.subscribe(f"{CONTROL_TOPIC}/response", qos=1)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        client.publish(CONTROL_TOPIC, json.dumps({"commands": list(commands)}), qos=1)

    def on_message(client, userdata, message):
        answers.extend(json.loads(message.payload).get("responses", []))
        done.set()

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    try:
        client.connect(settings.MQTT_HOST, settings.MQTT_PORT, keepalive=30)
    except OSError as error:
        raise BrokerUnavailable(str(error)) from error
    client.loop_start()
    try:
        if not done.wait(TIMEOUT_S) or len(answers) != len(commands):
            raise BrokerUnavailable("the broker did not answer the dynamic-security commands")
    finally:
        client.disconnect()
        client.loop_stop()
    failed = [a for a in answers if a.get("error") and a["error"] not in tolerate]
    if failed:
        raise BrokerUnavailable("; ".join(f"{a.get('command')}: {a['error']}" for a in failed))
    return answers


def gateway_client_create(*, key_id: str, key: str) -> None:
    commands_send(
        [
            {
                "command": "createRole",
                "rolename": _role(key_id),
                "acls": [
                    {"acltype": "publishClientSend", "topic": readings_topic(key_id), "allow": True},
                    {"acltype": "subscribePattern", "topic": results_topic(key_id), "allow": True},
                ],
            },
            {
                "command": "createClient",
                "username": key_id,
                "password": key,
                "roles": [{"rolename": _role(key_id)}],
            },
        ]
    )


def gateway_client_delete(*, key_id: str) -> None:
    """Remove the key's client (the broker disconnects it at once) and its role; gone already is fine."""
    commands_send(
        [
            {"command": "deleteClient", "username": key_id},
            {"command": "deleteRole", "rolename": _role(key_id)},
        ],
        tolerate=("Client not found", "Role not found"),
    )


def bridge_role_ensure() -> None:
    """Let the admin the bridge logs in as read every home's readings and answer on its results topic.

    Idempotent. Mosquitto 2.0 answers "Internal error" when a client is given a role while it is itself
    connected (it cannot kick its own session), though the role is given: that answer is tolerated.
    """
    commands_send(
        [
            {
                "command": "createRole",
                "rolename": BRIDGE_ROLE,
                "acls": [
                    {"acltype": "subscribePattern", "topic": "homes/+/readings", "allow": True},
                    {"acltype": "publishClientReceive", "topic": "homes/+/readings", "allow": True},
                    {"acltype": "publishClientSend", "topic": "homes/+/results", "allow": True},
                ],
            },
            {"command": "addClientRole", "username": settings.MQTT_USERNAME, "rolename": BRIDGE_ROLE},
        ],
        tolerate=("Role already exists", "Internal error"),
    )
