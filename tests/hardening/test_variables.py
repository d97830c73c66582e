"""`variables` that are not a JSON object are refused with a 400 and a code before anything reads
them (they answered 500: the cost budget called `.get` on a list), over HTTP, without a token."""

import json
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.server]

QUERY = (
    "query Q($s: DateTime!, $e: DateTime!) { energyHistory(start: $s, end: $e, interval: HOUR) { start } }"
)


@pytest.mark.parametrize(
    "variables",
    [[1], 5, True, "x", "[1]", "5", [], 0, False],
    ids=[
        "list",
        "number",
        "true",
        "string",
        "list-as-string",
        "number-as-string",
        "empty-list",
        "zero",
        "false",
    ],
)
def test_variables_that_are_not_an_object_are_refused(production_server, variables):
    body = json.dumps({"query": QUERY, "variables": variables}).encode()

    response = production_server.request(
        "POST", "/graphql", headers={"Content-Type": "application/json"}, raw=body
    )

    assert response.status == 400, response.body[:300]
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "VARIABLES_NOT_AN_OBJECT"
    assert "`variables` must be a JSON object" in error["message"]


def test_get_with_a_list_of_variables_is_refused(production_server):
    response = production_server.get(f"/graphql?query={quote(QUERY)}&variables={quote('[1]')}")

    assert response.status == 400, response.body[:300]
    assert response.json()["errors"][0]["extensions"]["code"] == "VARIABLES_NOT_AN_OBJECT"


@pytest.mark.parametrize("variables", [{}, None, ""], ids=["object", "null", "empty-string"])
def test_an_object_or_nothing_still_runs(production_server, variables):
    body = json.dumps({"query": "{ me { email } }", "variables": variables}).encode()

    response = production_server.request(
        "POST", "/graphql", headers={"Content-Type": "application/json"}, raw=body
    )

    assert response.status == 200, response.body[:300]
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
