"""The measured figures in WRITEUP.md and docs/*.md, rendered from bench/REPORT.md.

A figure is a Markdown link to the report section it comes from, whose title names the value's
path in the report's JSON and its format:
`[815](bench/REPORT.md#tick "tick.batch_50.household_ticks_per_s ,.0f")` shows that value
formatted with `,.0f`, and reads as an ordinary link in the source and on GitHub.
`derived.*` paths are computed below from the report. `python -m bench.writeup` (or
`make bench PUBLISH=1`) rewrites the figures; tests/test_writeup.py fails when they drift.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "REPORT.md"
WRITEUP = ROOT / "WRITEUP.md"
FIGURE = re.compile(
    r"\[(?P<text>[^\[\]]*)\]\((?P<target>(?:\.\./)?bench/REPORT\.md#[\w-]+) "
    r"\"(?P<path>[\w.]+) ?(?P<format>[^\"]*)\"\)"
)
SECTION = re.compile(r"^## (?P<name>\w+)\n\n```json\n(?P<json>.*?)\n```", re.M | re.S)
TICK_SECONDS = 60
FLEET_HOUSEHOLDS = 250_000


class MissingFigures(KeyError):
    """Figures the documents show that the report does not hold (a partial or smaller run)."""


def documents() -> list[Path]:
    """Every document whose figures come from the report."""
    return [WRITEUP, *sorted((ROOT / "docs").glob("*.md"))]


def report_figures(text: str) -> dict:
    """The JSON block of every `## name` section of the report, plus the derived figures."""
    figures = {match["name"]: json.loads(match["json"]) for match in SECTION.finditer(text)}
    derived: dict = {}
    if "tick" in figures:
        derived["provisioning_ms"] = 1000 * figures["tick"]["provisioning_seconds_per_household"]
    if "history" in figures:
        speedups = [figures["history"][interval]["speedup_x"] for interval in ("DAY", "WEEK", "MONTH")]
        derived.update(history_speedup_min=min(speedups), history_speedup_max=max(speedups))
    scale_tick = figures.get("scale", {}).get("tick")
    if scale_tick:
        rate = scale_tick["household_ticks_per_s"]
        derived.update(
            scale_homes_per_machine=rate * TICK_SECONDS,
            scale_devices_per_machine_m=rate * TICK_SECONDS * scale_tick["devices_per_household"] / 1e6,
            scale_machines_for_2m=FLEET_HOUSEHOLDS / (rate * TICK_SECONDS),
            scale_machines_for_20m=10 * FLEET_HOUSEHOLDS / (rate * TICK_SECONDS),
        )
    stock_migrate = figures.get("scale", {}).get("signup", {}).get("1000", {}).get("migrate", {})
    if "migrate_schemas" in stock_migrate:
        per_tenant = stock_migrate["migrate_schemas"]["seconds_per_tenant"]["median"]
        derived["scale_migrate_schemas_minutes_10000"] = per_tenant * 10_000 / 60
        derived["scale_migrate_schemas_hours_fleet"] = per_tenant * FLEET_HOUSEHOLDS / 3600
    figures["derived"] = derived
    return figures


def _value(figures: dict, path: str):
    value = figures
    for key in path.split("."):
        value = value[key]
    return value


def render(document: str, report: str) -> str:
    """`document` with every figure replaced by the report's value; MissingFigures names those it lacks."""
    figures = report_figures(report)
    missing = []

    def figure(match: re.Match) -> str:
        try:
            value = _value(figures, match["path"])
        except (KeyError, TypeError):
            missing.append(match["path"])
            return match[0]
        text = format(value, match["format"]) if match["format"] else str(value)
        return _link(text, match)

    rendered = FIGURE.sub(figure, document)
    if missing:
        raise MissingFigures(sorted(set(missing)))
    return rendered


def _link(text: str, match: re.Match) -> str:
    title = f"{match['path']} {match['format']}".rstrip()
    return f'[{text}]({match["target"]} "{title}")'


def check(report: str) -> None:
    """Raise MissingFigures when a document shows a figure `report` does not hold."""
    for path in documents():
        render(path.read_text(), report)


def main() -> None:
    report = REPORT.read_text()
    for path in documents():
        path.write_text(render(path.read_text(), report))
    print(f"Figures in WRITEUP.md and docs/ rendered from {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
