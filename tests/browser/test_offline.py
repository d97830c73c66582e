"""GraphiQL, the landing page and the admin in headless Chromium, every host but 127.0.0.1 unreachable.

The server holds seed_demo's homes, so the admin pages show real rows (long names, every column
filled) when their width is measured.
"""

import re
from urllib.parse import quote

import pytest

from demo.seed import STAFF_EMAIL, STAFF_PASSWORD
from tests.browser.chromium import chromium

pytestmark = [pytest.mark.django_db, pytest.mark.server]
# Any element wider than its box hides content behind a scroll bar or under the filter panel.
OVERFLOWING = """
[...document.querySelectorAll('#changelist .results, #content-main, fieldset.module')]
    .filter(element => element.scrollWidth > element.clientWidth + 1)
    .map(element => `${element.id || element.className}: ${element.scrollWidth} > ${element.clientWidth} px`)
"""


def test_graphiql_runs_a_query_offline_and_asks_nothing_of_another_host(site):
    with chromium() as page:
        page.goto(f"{site}/graphql?query={quote('{ __typename }')}")
        page.wait_for("!!document.querySelector('.graphiql-execute-button')")
        page.evaluate("document.querySelector('.graphiql-execute-button').click()")
        answer = page.wait_for(
            "(document.querySelector('.result-window') || {innerText: ''}).innerText.includes('Query')"
            " && document.querySelector('.result-window').innerText"
        )

    assert '"__typename": "Query"' in answer
    assert f"{site}/graphql" in page.requests
    assert page.outside(site) == []
    assert page.console_errors == []


def _log_in(page, site: str) -> None:
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.evaluate(
        f"document.getElementById('id_username').value = {STAFF_EMAIL!r};"
        f"document.getElementById('id_password').value = {STAFF_PASSWORD!r};"
        "document.getElementById('login-form').submit()"
    )
    page.wait_for("location.pathname === '/admin/' && document.readyState === 'complete'")


def _first_household(page, site: str, search: str = "") -> str:
    page.goto(f"{site}/admin/households/household/?q={quote(search)}")
    return page.evaluate("document.querySelector('#result_list tbody th a').getAttribute('href')")


@pytest.mark.parametrize(
    "path",
    ["/", "/admin/", "/admin/households/household/", "household", "/admin/accounts/user/"],
)
def test_pages_load_whole_from_the_origin_and_fit_1280_px(site, path):
    with chromium(width=1280) as page:
        _log_in(page, site)
        page.goto(f"{site}{_first_household(page, site) if path == 'household' else path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        overflowing = page.evaluate(OVERFLOWING)
        stylesheets = page.evaluate("document.styleSheets.length")

    assert page.outside(site) == []
    assert page.console_errors == []
    assert stylesheets >= 1
    assert width <= 1280, f"{path} is {width} px wide"
    assert overflowing == []


def test_the_fleet_list_opens_with_the_stale_homes_alert(site):
    with chromium() as page:
        _log_in(page, site)
        page.goto(f"{site}/admin/households/household/")
        alert = page.evaluate("(document.getElementById('stale-alert') || {}).innerText")
        order = page.evaluate(
            "[...document.querySelectorAll('#stale-alert, #fleet-totals, #result_list')].map(e => e.id)"
        )

    assert re.match(r"\d+ of \d+ homes have not ticked recently", alert), alert  # the seed's ticks are old
    assert order == ["stale-alert", "fleet-totals", "result_list"]


CHART_AND_TABLES = """
(() => {
  const chart = document.querySelector('#energy-chart svg');
  const fieldset = document.getElementById('energy-chart');
  const stacks = [...chart.querySelectorAll('g.hour')].map(hour =>
    [...hour.querySelectorAll('rect')].reduce((sum, bar) => sum + bar.getBBox().height, 0));
  const axis = chart.viewBox.baseVal.height - 36 - 60;
  const tables = [...document.querySelectorAll('#flows-today table, #household-devices table')];
  return {
    chartWidth: chart.getBoundingClientRect().width,
    fieldsetWidth: fieldset.clientWidth,
    hoursWithBars: stacks.filter(height => height > 0).length,
    tallestShare: Math.max(...stacks) / 2 / axis,
    caption: document.getElementById('energy-chart-caption').innerText,
    tables: tables.map(t => [t.closest('fieldset').id, t.getBoundingClientRect().right,
                             t.closest('fieldset').getBoundingClientRect().right, t.rows.length]),
    pageWidth: document.documentElement.scrollWidth,
  };
})()
"""


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_household_page_chart_uses_the_width_and_fits_its_data(site, width):
    with chromium(width=width) as page:
        _log_in(page, site)
        page.goto(f"{site}{_first_household(page, site, 'Berlin flat')}")
        shown = page.evaluate(CHART_AND_TABLES)
        overflowing = page.evaluate(OVERFLOWING)

    assert shown["pageWidth"] <= width and overflowing == []
    assert shown["chartWidth"] >= 0.95 * shown["fieldsetWidth"] > 0.5 * width
    assert shown["hoursWithBars"] >= 20  # a full day of history
    assert 0.4 <= shown["tallestShare"] <= 1.0  # the axis ends at the first nice value above it
    assert "left one shows where the home's energy came from" in shown["caption"]
    for fieldset, right, box_right, rows in shown["tables"]:
        assert right <= box_right + 1 and rows >= 2, fieldset
