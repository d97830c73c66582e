"""The operators' fleet view in Django admin, through the Django test client."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from devices.models import DeviceKind
from households.models import Household, new_schema_name
from reporting import charts
from reporting.services import fleet_totals_refresh
from telemetry import services
from telemetry.models import HouseholdSnapshot, Reading
from telemetry.tick import local_hour_start
from tests.reporting.conftest import household_hours, make_device

LIST_URL = "/admin/households/household/"


@pytest.fixture
def operator(staff) -> Client:
    staff.user.is_superuser = True
    staff.user.save()
    client = Client()
    client.force_login(staff.user)
    return client


def snapshot(household: Household, *, age: timedelta = timedelta(0), **values) -> HouseholdSnapshot:
    fields = {
        "produced_w": 4321.0,
        "consumed_w": 1234.0,
        "net_w": 3087.0,
        "solar_w": 4321.0,
        "load_w": 1234.0,
        "grid_export_w": 3087.0,
        "devices_by_kind": {"solar_panel": 1, "appliance": 2},
    }
    return HouseholdSnapshot.objects.create(
        household=household, at=timezone.now() - age, **{**fields, **values}
    )


def extra_households(count: int) -> None:
    """Households with snapshots but no schema: the list page must never need one."""
    for index in range(count):
        household = Household.objects.create(
            schema_name=new_schema_name(), name=f"Home {index:02}", timezone="Europe/Paris"
        )
        snapshot(household, storage_capacity_wh=1000.0, storage_charge_wh=250.0)


def list_page(client: Client, query: str = "") -> str:
    response = client.get(LIST_URL + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_each_homes_latest_snapshot_and_fleet_totals(operator, alice, bob):
    snapshot(
        alice.household,
        storage_capacity_wh=13_500.0,
        storage_charge_wh=10_125.0,
        devices_by_kind={"solar_panel": 1, "appliance": 2, "battery": 1},
    )
    fleet_totals_refresh()

    page = list_page(operator)

    assert "Alice&#x27;s home" in page and "Bob&#x27;s flat" in page
    row = re.search(r"<tr>.*?Alice.*?</tr>", page, re.S).group(0)
    for cell in ["4,321", "1,234", "+3,087", ">75<", ">4<", "live", "Europe/Berlin"]:
        assert cell in row, cell
    bob_row = re.search(r"<tr>.*?Bob.*?</tr>", page, re.S).group(0)
    assert "stale" in bob_row
    totals = re.search(r'id="fleet-totals".*?</div>', page, re.S).group(0)
    assert "4,321" in totals and "+" not in totals
    assert "10,125 / 13,500 Wh (75 %)" in totals
    assert "Solar W" in totals and "<td>0 / 3,087</td>" in totals  # grid import / export


def test_a_snapshot_older_than_three_ticks_is_stale(operator, alice, bob, settings):
    settings.TELEMETRY_TICK_SECONDS = 60
    snapshot(alice.household, age=timedelta(seconds=100))
    snapshot(bob.household, age=timedelta(seconds=200))

    stale = list_page(operator, "?stale=yes")
    live = list_page(operator, "?stale=no")

    assert "Bob&#x27;s flat" in stale and "Alice&#x27;s home" not in stale
    assert "Alice&#x27;s home" in live and "Bob&#x27;s flat" not in live


def test_search_by_name_and_filter_by_time_zone(operator, alice, bob):
    assert "Bob&#x27;s flat" not in list_page(operator, "?q=alice")
    by_zone = list_page(operator, "?timezone=America%2FNew_York")

    assert "Bob&#x27;s flat" in by_zone and "Alice&#x27;s home" not in by_zone


def test_list_page_queries_do_not_grow_with_the_households(operator, alice, bob):
    extra_households(0)
    operator.get(LIST_URL)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        list_page(operator)
    extra_households(18)

    with CaptureQueriesContext(connection) as many:
        page = list_page(operator)

    assert page.count("Home ") >= 18
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_household_page_shows_devices_and_a_24_hour_chart(operator, alice, time_machine):
    time_machine.move_to(timezone.now(), tick=False)  # the page's hours are the test's hours
    make_device(alice.household, DeviceKind.SOLAR_PANEL, name="Roof array", power_w=2750.0)
    make_device(alice.household, DeviceKind.BATTERY, name="Powerwall", power_w=-500.0)
    end = local_hour_start(at=timezone.now(), zone=alice.household.zoneinfo) + timedelta(hours=1)
    household_hours(alice.household, [end - timedelta(hours=3), end - timedelta(hours=2)])

    response = operator.get(f"{LIST_URL}{alice.household.pk}/change/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Roof array" in page and "2,750" in page
    assert "Powerwall" in page and "6,750 / 13,500 Wh (50 %)" in page
    svg = re.search(r'id="energy-chart".*?</svg>', page, re.S).group(0)
    assert svg.count('<g class="hour">') == 24
    # Two hours of 1,000 Wh solar: 400 Wh fed the home, 600 Wh went to the grid.
    assert (
        svg.count('class="solar"') == 2
        and svg.count('class="home"') == 2
        and svg.count('class="export"') == 2
    )
    assert "supply (Wh) solar 1,000; use (Wh) home load 400, grid export 600" in svg
    for label in [
        "Solar",
        "Battery discharging",
        "EV discharging",
        "Grid import",
        "Home load",
        "Battery charging",
        "EV charging",
        "Grid export",
    ]:
        assert f">{label}</text>" in svg, label
    assert "Local time (Europe/Berlin)" in svg and "Wh per hour" in svg
    assert "the home produced 2,000 Wh and consumed 800 Wh" in page
    assert 'width="100%"' in svg  # the page's width, whatever the screen
    assert 'id="flows-today"' in page
    assert "alice@example.com" in page  # the membership inline
    assert '<script src="http' not in page


def test_the_chart_stacks_supply_and_use_to_the_same_height(alice):
    now = timezone.now()
    end = local_hour_start(at=now, zone=alice.household.zoneinfo) + timedelta(hours=1)
    household_hours(alice.household, [end - timedelta(hours=1)], lambda hour: (2000.0, 500.0))

    chart = charts.energy_chart(household=alice.household, now=now)

    last = chart["bars"][-1]
    heights = {segment.series.key: segment.height for segment in last.segments}
    assert chart["y_ticks"][-1] == {"y": chart["top"], "label": "2,000"}
    assert heights["solar"] == chart["baseline"] - chart["top"]
    assert heights["home"] + heights["export"] == pytest.approx(heights["solar"], abs=0.1)
    assert heights["home"] == pytest.approx(heights["solar"] / 4, abs=0.1)
    assert all(bar.segments == [] for bar in chart["bars"][:-1])
    assert [bar.label for bar in chart["bars"][:4]] == [
        chart["bars"][0].label,
        "",
        "",
        chart["bars"][3].label,
    ]


@pytest.mark.parametrize(
    ("tallest_wh", "step", "top"),
    [(2_200.0, 500.0, 2_500.0), (2_600.0, 1_000.0, 3_000.0), (980.0, 200.0, 1_000.0), (7.0, 2.0, 8.0)],
)
def test_the_y_axis_ends_at_the_first_nice_value_above_the_tallest_hour(tallest_wh, step, top):
    assert charts.nice_axis(tallest_wh) == (step, top)


def test_the_tallest_hour_fills_most_of_the_plot(alice):
    now = timezone.now()
    end = local_hour_start(at=now, zone=alice.household.zoneinfo) + timedelta(hours=1)
    household_hours(alice.household, [end - timedelta(hours=1)], lambda hour: (2200.0, 500.0))

    chart = charts.energy_chart(household=alice.household, now=now)

    solar = next(s for s in chart["bars"][-1].segments if s.series.key == "solar")
    assert [tick["label"] for tick in chart["y_ticks"]] == ["0", "500", "1,000", "1,500", "2,000", "2,500"]
    assert solar.height / (chart["baseline"] - chart["top"]) == pytest.approx(2200 / 2500, abs=0.01)


def test_the_chart_colours_are_the_colour_blind_safe_palette():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"}
    colours = [series.color for series in (*charts.SUPPLY, *charts.USE)]

    assert set(colours) <= okabe_ito and len(set(colours)) == len(colours)


def test_today_lists_what_went_where_since_local_midnight(alice):
    now = datetime(2026, 6, 1, 12, 30, tzinfo=alice.household.zoneinfo)
    yesterday = datetime(2026, 5, 31, 23, tzinfo=alice.household.zoneinfo)
    morning = [datetime(2026, 6, 1, hour, tzinfo=alice.household.zoneinfo) for hour in (10, 11)]
    household_hours(alice.household, [yesterday, *morning])

    today = charts.flows_today(household=alice.household, now=now)

    assert today["rows"] == [
        {"source": "Solar", "sink": "Grid", "wh": 1200.0, "percent": 60.0},
        {"source": "Solar", "sink": "Home", "wh": 800.0, "percent": 40.0},
    ]
    assert (today["day"].solar_wh, today["day"].self_consumption_percent) == (2000.0, 40.0)


def test_households_cannot_be_added_or_deleted_in_admin(operator, alice):
    assert operator.get(f"{LIST_URL}add/").status_code == 403
    assert operator.get(f"{LIST_URL}{alice.household.pk}/delete/").status_code == 403


def test_non_staff_users_are_sent_to_the_login_page(alice):
    client = Client()
    client.force_login(alice.household.memberships.get().user)

    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_times_are_labelled_with_their_zone_and_readings_shown_in_the_homes(operator, alice):
    make_device(
        alice.household,
        DeviceKind.SOLAR_PANEL,
        name="Roof array",
        last_reading_at=datetime(2026, 7, 1, 10, 5, tzinfo=UTC),
    )
    snapshot(alice.household)

    listing = list_page(operator)
    page = operator.get(f"{LIST_URL}{alice.household.pk}/change/").content.decode()

    assert "Last tick (UTC)" in listing
    assert "Created (UTC)" in page and "Joined (UTC)" in page
    assert "Last 24 hours (Europe/Berlin time)" in page
    assert "Last reading (Europe/Berlin)" in page and "2026-07-01 12:05" in page  # 10:05 UTC in Berlin summer


def test_users_show_their_household_and_role(operator, alice, staff):
    page = operator.get("/admin/accounts/user/").content.decode()
    row = re.search(rf"{re.escape(alice.email)}.*?</tr>", page, re.DOTALL).group(0)

    assert "Joined (UTC)" in page
    assert f"/admin/households/household/{alice.household.pk}/change/" in row and "Owner" in row
    assert re.search(
        rf"{re.escape(staff.user.email)}.*?<td class=\"field-household\">-</td>", page, re.DOTALL
    )


def test_the_list_opens_with_an_alert_when_homes_are_stale(operator, alice, bob, settings):
    snapshot(alice.household, age=timedelta(seconds=10 * settings.TELEMETRY_TICK_SECONDS))
    snapshot(bob.household)
    fleet_totals_refresh()

    page = list_page(operator)

    assert 'id="stale-alert"' in page and "1 of 2 homes has not ticked recently" in page
    assert page.index('id="stale-alert"') < page.index('id="fleet-totals"') < page.index('id="result_list"')


def test_a_homes_page_shows_its_devices_live_state_from_the_last_tick(operator, alice):
    make_device(alice.household, DeviceKind.SOLAR_PANEL, name="Roof array")
    at = datetime(2026, 7, 1, 10, 5, tzinfo=UTC)
    services.households_tick(households=[services.HouseholdRef.of(alice.household)], at=at, seconds=60)
    with schema_context(alice.household.schema_name):
        power_w = Reading.objects.get().power_w

    page = operator.get(f"{LIST_URL}{alice.household.pk}/change/").content.decode()

    assert power_w > 0 and f"<td>{power_w:,.0f}</td>" in page
    assert "2026-07-01 12:05" in page  # the tick's instant, in Berlin summer time
