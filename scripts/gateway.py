"""A gateway to try real-device ingestion with: generated or CSV-replayed readings, over HTTP or MQTT.

    python scripts/gateway.py --key KEY --device ID=1500 --device ID2=-300 --count 6 --interval 10
    python scripts/gateway.py --key KEY --csv readings.csv --mqtt 127.0.0.1:1883

Generated: each `--device ID=WATTS` reports WATTS (signed like powerW) with ±10 % noise, every
`--interval` seconds, `--count` times. CSV: columns device,at,powerW[,chargeWh] (a header row),
sent in bodies of at most 5,000 readings. Each answer is printed as JSON. docs/gateways.md explains
the payload; the server's answer is the same over HTTP and MQTT.
"""

import argparse
import csv
import json
import queue
import random
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

BATCH = 5_000


def generated(devices: list[tuple[str, float]]) -> list[dict]:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return [{"device": d, "at": at, "powerW": round(w * random.uniform(0.9, 1.1), 1)} for d, w in devices]


def replayed(path: str) -> list[dict]:
    with open(path, newline="") as source:
        rows = list(csv.DictReader(source))
    readings = []
    for row in rows:
        reading = {"device": row["device"], "at": row["at"], "powerW": float(row["powerW"])}
        if row.get("chargeWh"):
            reading["chargeWh"] = float(row["chargeWh"])
        readings.append(reading)
    return readings


class Http:
    def __init__(self, url: str, key: str):
        self.url, self.key = url.rstrip("/") + "/ingest/readings", key

    def send(self, readings: list[dict]) -> dict:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"readings": readings}).encode(),
            headers={"Authorization": f"Gateway {self.key}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return {"status": response.status, **json.load(response)}
        except urllib.error.HTTPError as error:
            return {"status": error.code, **json.load(error)}

    def close(self) -> None:
        pass


class Mqtt:
    """Publishes to homes/<key id>/readings and waits for the answer on homes/<key id>/results."""

    def __init__(self, address: str, key: str):
        import paho.mqtt.client as mqtt

        host, _, port = address.partition(":")
        self.key_id = key.split(".")[0]
        self.answers: queue.Queue = queue.Queue()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self.client.username_pw_set(self.key_id, key)
        self.client.on_message = lambda client, userdata, message: self.answers.put(
            json.loads(message.payload)
        )
        self.client.connect(host, int(port or 1883))
        self.client.loop_start()
        self.client.subscribe(f"homes/{self.key_id}/results", qos=1)
        time.sleep(0.3)

    def send(self, readings: list[dict]) -> dict:
        body = json.dumps({"readings": readings})
        self.client.publish(f"homes/{self.key_id}/readings", body, qos=1)
        return self.answers.get(timeout=60)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def _device(text: str) -> tuple[str, float]:
    device, _, watts = text.partition("=")
    return device, float(watts or 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, help="the gateway key (createGatewayKey)")
    parser.add_argument("--device", action="append", type=_device, default=[], help="ID=WATTS, repeatable")
    parser.add_argument("--csv", help="replay these readings instead of generating")
    parser.add_argument("--url", default="http://localhost:8000", help="the site, for HTTP [%(default)s]")
    parser.add_argument("--mqtt", metavar="HOST:PORT", help="publish over MQTT instead of HTTP")
    parser.add_argument("--count", type=int, default=1, help="generated rounds [%(default)s]")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between rounds [%(default)s]")
    args = parser.parse_args(argv)
    if not args.csv and not args.device:
        parser.error("give --device ID=WATTS (repeatable) or --csv FILE")
    sender = Mqtt(args.mqtt, args.key) if args.mqtt else Http(args.url, args.key)
    failed = False
    try:
        if args.csv:
            readings = replayed(args.csv)
            bodies = [readings[start : start + BATCH] for start in range(0, len(readings), BATCH)]
        else:
            bodies = []
        for round_index in range(len(bodies) if args.csv else args.count):
            answer = sender.send(bodies[round_index] if args.csv else generated(args.device))
            print(json.dumps(answer))
            failed = failed or answer.get("status") != 200
            if not args.csv and round_index + 1 < args.count:
                time.sleep(args.interval)
    finally:
        sender.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
