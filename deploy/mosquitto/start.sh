#!/bin/sh
# First start: create the dynamic-security file with the app's admin (MQTT_PASSWORD), then run.
set -eu
if [ ! -f /mosquitto/data/dynamic-security.json ]; then
    mosquitto_ctrl dynsec init /mosquitto/data/dynamic-security.json admin "$MQTT_PASSWORD"
fi
exec mosquitto -c /mosquitto/config/mosquitto.conf
