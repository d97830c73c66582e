"""Run the benchmarks and write bench/REPORT.md: `python -m bench [name ...]` (default: all).

Every run renders WRITEUP.md's figures from the report; a partial run keeps the other benchmarks' sections.
"""

import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import writeup
from bench.setup import django_for_bench

REPORT = Path(__file__).resolve().parent / "REPORT.md"
BENCHMARKS = ["physics", "tick", "history", "summary", "load"]


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {pg}"


def main(names: list[str]) -> None:
    django_for_bench()
    import importlib

    results = {}
    for name in names or BENCHMARKS:
        print(f"== {name}", flush=True)
        results[name] = importlib.import_module(f"bench.{name}").run()
        print(json.dumps(results[name], indent=2), flush=True)
    lines = [
        "# Benchmark report",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {_machine()}",
        "- every ratio compares against a baseline measured in the same run (see WRITEUP.md)",
        "",
    ]
    # A partial run (`python -m bench scale`) keeps the other benchmarks' last figures.
    kept = {m["name"]: json.loads(m["json"]) for m in writeup.SECTION.finditer(REPORT.read_text())}
    for name, figures in {**kept, **results}.items():
        lines += [f"## {name}", "", "```json", json.dumps(figures, indent=2), "```", ""]
    REPORT.write_text("\n".join(lines))
    print(f"Report written to {REPORT}")
    writeup.main()


if __name__ == "__main__":
    main(sys.argv[1:])
