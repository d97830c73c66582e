"""WRITEUP.md's measured figures, rendered from bench/REPORT.md (`make bench` runs this after a run).

A figure is written in WRITEUP.md between markers naming where it comes from and how it is shown:
`<!-- fig tick.batch_50.household_ticks_per_s ,.0f -->815<!-- /fig -->` shows the value at that
path of the report's JSON with the format `,.0f`; `derived.*` paths are computed below from the
report. `python -m bench.writeup` rewrites the figures; tests/test_writeup.py fails when they drift.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "REPORT.md"
WRITEUP = ROOT / "WRITEUP.md"
FIGURE = re.compile(r"<!-- fig (?P<path>[\w.]+) (?P<format>\S*) -->(?P<text>.*?)<!-- /fig -->")
SECTION = re.compile(r"^## (?P<name>\w+)\n\n```json\n(?P<json>.*?)\n```", re.M | re.S)
TICK_SECONDS = 60
FLEET_HOUSEHOLDS = 250_000


def report_figures(text: str) -> dict:
    """The JSON block of every `## name` section of the report, plus the derived figures."""
    figures = {match["name"]: json.loads(match["json"]) for match in SECTION.finditer(text)}
    speedups = [figures["history"][interval]["speedup_x"] for interval in ("DAY", "WEEK", "MONTH")]
    figures["derived"] = {
        "provisioning_ms": 1000 * figures["tick"]["provisioning_seconds_per_household"],
        "history_speedup_min": min(speedups),
        "history_speedup_max": max(speedups),
    }
    scale_tick = figures.get("scale", {}).get("tick")
    if scale_tick:
        rate = scale_tick["household_ticks_per_s"]
        figures["derived"].update(
            scale_homes_per_machine=rate * TICK_SECONDS,
            scale_devices_per_machine_m=rate * TICK_SECONDS * scale_tick["devices_per_household"] / 1e6,
            scale_machines_for_2m=FLEET_HOUSEHOLDS / (rate * TICK_SECONDS),
            scale_machines_for_20m=10 * FLEET_HOUSEHOLDS / (rate * TICK_SECONDS),
        )
    stock_migrate = figures.get("scale", {}).get("signup", {}).get("1000", {}).get("migrate", {})
    if "migrate_schemas" in stock_migrate:
        per_tenant = stock_migrate["migrate_schemas"]["seconds_per_tenant"]["median"]
        figures["derived"]["scale_migrate_schemas_minutes_10000"] = per_tenant * 10_000 / 60
        figures["derived"]["scale_migrate_schemas_hours_fleet"] = per_tenant * FLEET_HOUSEHOLDS / 3600
    return figures


def _value(figures: dict, path: str):
    value = figures
    for key in path.split("."):
        value = value[key]
    return value


def render(writeup: str, report: str) -> str:
    """`writeup` with every marked figure replaced by the report's value."""
    figures = report_figures(report)

    def figure(match: re.Match) -> str:
        value = _value(figures, match["path"])
        text = format(value, match["format"]) if match["format"] else str(value)
        return f"<!-- fig {match['path']} {match['format']} -->{text}<!-- /fig -->"

    return FIGURE.sub(figure, writeup)


def main() -> None:
    WRITEUP.write_text(render(WRITEUP.read_text(), REPORT.read_text()))
    print(f"Figures in {WRITEUP.name} rendered from {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
