"""GraphiQL and the admin in headless Chromium with every host but 127.0.0.1 unreachable."""

from urllib.parse import quote

import pytest

from tests.browser.chromium import chromium
from tests.browser.conftest import STAFF_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.server]


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


def _log_in(page, site: str, staff) -> None:
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.evaluate(
        f"document.getElementById('id_username').value = {staff.email!r};"
        f"document.getElementById('id_password').value = {STAFF_PASSWORD!r};"
        "document.getElementById('login-form').submit()"
    )
    page.wait_for("location.pathname === '/admin/' && document.readyState === 'complete'")


@pytest.mark.parametrize(
    "path",
    ["/", "/admin/", "/admin/households/household/", "/admin/accounts/user/"],
)
def test_pages_load_whole_from_the_origin_and_fit_1280_px(site, staff, path):
    with chromium(width=1280) as page:
        _log_in(page, site, staff)
        page.goto(f"{site}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        stylesheets = page.evaluate("document.styleSheets.length")

    assert page.outside(site) == []
    assert page.console_errors == []
    assert stylesheets >= 1
    assert width <= 1280, f"{path} is {width} px wide"
