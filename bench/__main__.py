"""Run the benchmarks: `python -m bench [name ...]` (default: all).

The report goes to the git-ignored bench/out/REPORT.md. With PUBLISH=1 (`make bench PUBLISH=1`) it
replaces the committed bench/REPORT.md and the figures in WRITEUP.md and docs/ are rendered from it,
unless a figure they show is missing from it: then nothing tracked changes and the missing figures
are named. A partial run keeps the other benchmarks' sections, and per-size results (a fleet of
20,000 next to an earlier 250,000) are merged, so a smaller run never drops a larger one's figures.
"""

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import writeup
from bench.setup import django_for_bench

OUT = Path(__file__).resolve().parent / "out"
BENCHMARKS = ["physics", "tick", "history", "summary", "load", "plan"]


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {pg}"


def merged(kept: dict, new: dict) -> dict:
    """`new` over `kept`; a mapping keyed by sizes ("20000", "250000") keeps the sizes not re-measured."""
    result = dict(new)
    for key, value in new.items():
        old = kept.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            sized = bool(value) and all(name.isdigit() for name in value)
            result[key] = {**old, **value} if sized else merged(old, value)
    return result


def report_text(results: dict, previous: str) -> str:
    kept = {m["name"]: json.loads(m["json"]) for m in writeup.SECTION.finditer(previous)}
    lines = [
        "# Benchmark report",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {_machine()}",
        "- every ratio compares against a baseline measured in the same run (see WRITEUP.md)",
        "",
    ]
    for name in {**kept, **results}:
        figures = (
            merged(kept[name], results[name])
            if name in kept and name in results
            else (results.get(name, kept.get(name)))
        )
        lines += [f"## {name}", "", "```json", json.dumps(figures, indent=2), "```", ""]
    return "\n".join(lines)


def main(names: list[str]) -> int:
    django_for_bench()
    import importlib

    publish = os.environ.get("PUBLISH", "") == "1"
    results = {}
    for name in names or BENCHMARKS:
        print(f"== {name}", flush=True)
        results[name] = importlib.import_module(f"bench.{name}").run()
        print(json.dumps(results[name], indent=2), flush=True)
    draft = OUT / "REPORT.md"
    previous = writeup.REPORT if publish or not draft.exists() else draft
    text = report_text(results, previous.read_text())
    OUT.mkdir(exist_ok=True)
    draft.write_text(text)
    if not publish:
        print(f"Report written to {draft} (git-ignored; PUBLISH=1 replaces bench/REPORT.md)")
        return 0
    try:
        writeup.check(text)
    except writeup.MissingFigures as missing:
        print(f"Not published: the documents show figures this report lacks: {missing.args[0]}")
        print(f"The report is in {draft}; bench/REPORT.md and the documents are unchanged.")
        return 1
    writeup.REPORT.write_text(text)
    print(f"Report written to {writeup.REPORT}")
    writeup.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
