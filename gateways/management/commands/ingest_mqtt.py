"""manage.py ingest_mqtt: the long-running MQTT bridge (Procfile, docker-compose.yml)."""

import signal

from django.core.management.base import BaseCommand, CommandError

from gateways import broker, mqtt


class Command(BaseCommand):
    help = "Ingest gateways' readings from the MQTT broker (homes/+/readings) until stopped."

    def handle(self, *args, **options):
        if not broker.enabled():
            # Idle rather than exit: honcho (make run) stops every process when one ends.
            self.stdout.write("MQTT_HOST is not set: no broker, the MQTT bridge idles (HTTP ingestion only)")
            signal.pause()
            return
        try:
            broker.bridge_role_ensure()
        except broker.BrokerUnavailable as error:
            raise CommandError(f"The broker refused the bridge's setup: {error}") from error
        self.stdout.write("MQTT bridge running (Ctrl-C stops it)")
        self.stdout.flush()
        mqtt.bridge_run()
