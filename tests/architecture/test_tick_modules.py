"""One warm household's tick runs through few project modules (docs/architecture.md, "One household
tick, top down"): a module added to the path has to earn its place against this ceiling.

The tracer records each project module (a file of this repository, tests aside) whose Python code
the tick calls, in the order first called; a warm household has ticked once already, so the device
cache and the day caches answer, and its worker knows the day's partitions exist (the warm-up
tick committed), as for most households of a running fleet.

The path, top down (claim -> load -> simulate -> write; the writes call no module not met before):
telemetry.services -> telemetry.writes -> telemetry.sql (claim) -> telemetry.tick -> telemetry.costs
-> tariffs.selectors (load: carried charges, prices) -> telemetry.physics -> telemetry.solar ->
telemetry.profiles -> telemetry.appliances -> telemetry.flows (simulate). From 15, four left it: the
worker remembers the days whose partitions it has seen (telemetry.partitions), a price is worked
out once per process per distinct terms (tariffs.terms), the solar-day clock is the day profiles'
(telemetry.sky) and the rollups' hour is the tick model's (households.timezones).
"""

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django_tenants.utils import schema_context

from telemetry import services
from tests.telemetry.homes import typical_home_devices

NOON_BERLIN = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
TICK_MODULES_MAX = 11
"""12 when the architecture review counted, before money and plans; 15 with them; 11 since (above)."""
ROOT = Path(settings.BASE_DIR).resolve()
OUTSIDE = (ROOT / ".venv", ROOT / "tests")


def _project_module(filename: str) -> bool:
    path = Path(filename)
    return path.is_relative_to(ROOT) and not any(path.is_relative_to(skip) for skip in OUTSIDE)


def traced_tick_modules(household, at: datetime) -> tuple[list[str], int]:
    """The project modules one household's tick at `at` calls into, in order, and households written."""
    seen: dict[str, None] = {}
    project: dict[str, bool] = {}

    def profile(frame, event, arg):
        if event == "call":
            filename = frame.f_code.co_filename
            if project.setdefault(filename, _project_module(filename)):
                seen.setdefault(frame.f_globals["__name__"], None)

    sys.setprofile(profile)
    try:
        report = services.households_tick(households=[services.HouseholdRef.of(household)], at=at, seconds=60)
    finally:
        sys.setprofile(None)
    return list(seen), report.written


def test_one_warm_household_tick_stays_within_its_modules(alice, django_capture_on_commit_callbacks):
    with schema_context(alice.household.schema_name):
        typical_home_devices()
    with django_capture_on_commit_callbacks(execute=True):  # committed, as a worker's tick is
        services.households_tick(
            households=[services.HouseholdRef.of(alice.household)], at=NOON_BERLIN, seconds=60
        )

    modules, written = traced_tick_modules(alice.household, NOON_BERLIN + timedelta(minutes=1))

    assert written == 1
    assert len(modules) <= TICK_MODULES_MAX, " -> ".join(modules)
