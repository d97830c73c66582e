"""scripts/lint_code.py: the dependencies import-linter cannot see fail `make lint`.

Each bad snippet is checked as if it sat in an app's module; the repository itself passes.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("lint_code", ROOT / "scripts" / "lint_code.py")
assert _spec is not None and _spec.loader is not None
lint_code = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lint_code)
CHECKER = lint_code.Checker(ROOT)


def offences(path: str, text: str) -> list[str]:
    return CHECKER.check_source(path, text)


def test_the_repository_passes():
    result = subprocess.run(
        [sys.executable, "scripts/lint_code.py"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # Item 1: telemetry writing reporting's table.
        ("telemetry/writes.py", 'Q = "INSERT INTO public.reporting_fleettotals (id) VALUES (1)"\n'),
        # A lower app naming telemetry's tables (a partition too).
        ("devices/selectors.py", 'Q = "SELECT count(*) FROM telemetry_reading_p20260101"\n'),
        ("households/services.py", 'Q = sql.SQL("DELETE FROM public.telemetry_householdsnapshot")\n'),
    ],
)
def test_naming_a_table_of_an_app_above_fails(path, text):
    assert any("layers:" in line for line in offences(path, text))


def test_naming_a_table_of_an_app_below_passes():
    text = 'Q = "SELECT id FROM public.households_household JOIN public.telemetry_tick USING (id)"\n'

    assert offences("reporting/selectors.py", text) == []


@pytest.mark.parametrize(
    "text",
    [
        '_STORES = ["battery", "electric_vehicle"]\n',
        'if kind in ("SOLAR_PANEL", "APPLIANCE"):\n    pass\n',
        "_STORE_KINDS = {DeviceKind.BATTERY, DeviceKind.ELECTRIC_VEHICLE}\n",
        "fixed = [d for d in devices if d.kind in (Kind.SOLAR_PANEL, Kind.APPLIANCE)]\n",
    ],
)
def test_a_hand_written_kind_list_fails(text):
    assert any("kinds:" in line for line in offences("reporting/selectors.py", text))


def test_kind_lists_are_allowed_in_the_registry_and_one_kind_anywhere():
    text = '_STORES = ["battery", "electric_vehicle"]\n'

    assert offences("devices/kinds.py", text) == []
    assert (
        offences("telemetry/flows.py", 'x = "battery"\nnodes = (Node.BATTERY, Node.ELECTRIC_VEHICLE)\n') == []
    )


@pytest.mark.parametrize(
    "text",
    [
        'q = f"SELECT {column} FROM public.telemetry_tick"\n',
        'q = "SELECT %s FROM t" % column\n',
        'q = "UPDATE t SET {} = 1".format(column)\n',
        'q = "SELECT * FROM " + table\n',
        'q = sql.SQL(", ".join(columns))\n',
        'q = sql.SQL(f"{c} = EXCLUDED.{c}")\n',
        'q = sql.SQL("".join(part.string for part in parts))\n',
        "q = literal(cursor, CLAIM.string, params)\n",
    ],
)
def test_sql_built_by_string_formatting_fails(text):
    assert any("sql:" in line for line in offences("telemetry/writes.py", text))


def test_sql_composed_by_psycopg2_passes():
    text = (
        'q = sql.SQL("SELECT {} FROM {} WHERE id = %s").format(\n'
        '    sql.Identifier("power_w"), sql.Identifier("public", "telemetry_reading")\n'
        ")\n"
        'message = f"unknown device kind {kind!r}"\n'
    )

    assert offences("telemetry/selectors.py", text) == []


@pytest.mark.parametrize(
    "text",
    [
        # Item 4: the bottom package naming reporting's operation or importing its module by name.
        'COSTS = {"energyHistory": 1}\n',
        'import_module("reporting.buckets")\n',
    ],
)
def test_the_bottom_package_naming_an_app_fails(text):
    assert any("core:" in line for line in offences("core/graphql/budget.py", text))


def test_migrations_and_tests_are_not_checked():
    text = 'q = f"SELECT {c} FROM reporting_fleettotals"\nk = ("BATTERY", "APPLIANCE")\n'

    assert offences("telemetry/migrations/0009_x.py", text) == []
    assert offences("tests/telemetry/test_x.py", text) == []
