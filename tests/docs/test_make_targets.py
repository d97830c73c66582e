"""The make targets a reader is told to run work with defaults and leave every tracked file as it was.

`make attack` must hold every line; `make bench` runs its smallest benchmark (a smoke run, ~40 s) and
`make realism` a CI-sized 14 days (~25 s): both write only to the git-ignored bench/out/.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from bench.__main__ import merged

ROOT = Path(settings.BASE_DIR)
TIMEOUT_S = 600
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "PUBLISH",
    "REALISM_DAYS",
    "ARGS",
    "DOCKER",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _tracked_changes() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout


def make(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    # A reader's shell: not the test settings pytest set, nor the variables of the `make test` running us.
    inherited = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        ["make", *arguments, "DOCKER=0"],
        cwd=ROOT,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


@pytest.fixture
def untouched():
    before = _tracked_changes()
    yield
    assert _tracked_changes() == before, "a make target rewrote a tracked file"


@needs_make
@pytest.mark.server
def test_make_attack_holds_every_line(untouched):
    done = make("attack")
    lines = [line for line in done.stdout.splitlines() if line.startswith(("held", "FAILED"))]

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert len(lines) >= 20 and all(line.startswith("held") for line in lines), "\n".join(lines)


@needs_make
@pytest.mark.server
def test_make_bench_smoke_writes_its_report_to_the_ignored_folder(untouched):
    report = ROOT / "bench" / "out" / "REPORT.md"
    report.unlink(missing_ok=True)

    done = make("bench", "ARGS=summary")

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    text = report.read_text()
    assert "## summary" in text and "## physics" in text  # measured, and the other sections kept
    assert '"energy_summary_ms": ' in text


@needs_make
@pytest.mark.server
def test_make_realism_in_ci_size_writes_its_report_to_the_ignored_folder(untouched):
    report = ROOT / "bench" / "out" / "realism" / "realism.md"
    report.unlink(missing_ok=True)

    done = make("realism", REALISM_DAYS="14")

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    text = report.read_text()
    assert "the first 14 days" in text
    assert all(f"| {city} |" in text for city in ("Berlin", "Oslo", "Madrid", "Austin", "Sydney", "Kolkata"))
    assert len(list((report.parent / "img").glob("*.png"))) >= 4


def test_a_smaller_run_keeps_the_sizes_it_did_not_measure():
    kept = {"warm_us": 30, "fleet": {"20000": {"us": 34}, "250000": {"us": 35}}}
    new = {"warm_us": 31, "fleet": {"20000": {"us": 33}}}

    assert merged(kept, new) == {"warm_us": 31, "fleet": {"20000": {"us": 33}, "250000": {"us": 35}}}
