"""The MQTT bridge: every home's `homes/<key id>/readings` into the same ingestion as HTTP.

The broker has authenticated the publisher and its ACL let it publish only to its own key's topic,
so the topic names the key. The key is looked up again for every message: a revoked key's message
still in flight is dropped. Each answer (the HTTP body, with its status) goes to `homes/<key id>/results`.
"""

import logging
import socket

import orjson
from django.conf import settings
from django.db import close_old_connections, connection

from gateways import broker, ingestion, selectors

logger = logging.getLogger(__name__)
SUBSCRIPTION = "homes/+/readings"


def message_handle(topic: str, payload: bytes) -> tuple[str, bytes] | None:
    """(results topic, answer) for one message; None when it names no live key."""
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != "homes" or parts[2] != "readings":
        return None
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' connection
    gateway_key = selectors.gateway_key_by_id(parts[1])
    if gateway_key is None:
        return None
    answer = ingestion.readings_ingest(gateway_key=gateway_key, payload=payload)
    return broker.results_topic(parts[1]), orjson.dumps({"status": answer.status, **answer.body})


def bridge_run() -> None:
    """Subscribe and ingest until the process is stopped; paho reconnects after a broker restart."""
    client = broker.client_new(
        f"energy-bridge-{socket.gethostname()}",
        username=settings.MQTT_USERNAME,
        password=settings.MQTT_PASSWORD,
    )

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("MQTT bridge refused by the broker: %s", reason_code)
            return
        client.subscribe(SUBSCRIPTION, qos=1)
        logger.info("MQTT bridge subscribed to %s", SUBSCRIPTION)

    def on_message(client, userdata, message):
        close_old_connections()  # as Django does around a request: drop a broken or expired connection
        try:
            answered = message_handle(message.topic, message.payload)
        except Exception:
            logger.exception("MQTT message on %s not ingested", message.topic)
            return
        if answered is not None:
            client.publish(*answered, qos=1)

    client.on_connect, client.on_message = on_connect, on_message
    client.connect(settings.MQTT_HOST, settings.MQTT_PORT, keepalive=30)
    client.loop_forever(retry_first_connection=True)
