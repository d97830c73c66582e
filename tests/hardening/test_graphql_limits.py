"""Hostile documents are refused before they run, each with a clear GraphQL error and never a 500."""

import json

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query

ENERGY_SUMMARY_FIELDS = "producedW consumedW netW"


def _refusal(gql, query, token=None):
    response = gql.post(query, token=token)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body.get("data") is None
    return body["errors"]


def _codes(errors):
    return {error.get("extensions", {}).get("code") for error in errors}


def test_500_aliased_energy_summaries_are_refused_before_they_run(gql, alice):
    query = "{ " + " ".join(f"a{i}: energySummary {{ {ENERGY_SUMMARY_FIELDS} }}" for i in range(500)) + " }"

    with CaptureQueriesContext(connection) as queries:
        errors = _refusal(gql, query, token=alice.token)

    assert not [q for q in queries if "devices_device" in q["sql"]], "the summary ran"

    assert _codes(errors) == {"QUERY_TOO_LONG"}  # 22,000 characters: never parsed


def test_aliases_up_to_the_limit_run(gql, alice, settings):
    aliases = " ".join(f"a{i}: me {{ email }}" for i in range(settings.GRAPHQL_MAX_ALIASES))

    body = gql.execute("{ " + aliases + " }", token=alice.token)

    assert "errors" not in body
    assert body["data"]["a0"] == {"email": "alice@example.com"}


def test_aliases_hidden_in_a_fragment_count_every_time_it_is_spread(gql, alice, settings):
    spreads = " ".join(f"s{i}: me {{ ...Aliased }}" for i in range(10))
    aliases = " ".join(f"e{i}: email" for i in range(settings.GRAPHQL_MAX_ALIASES // 10 + 1))
    query = f"{{ {spreads} }} fragment Aliased on UserType {{ {aliases} }}"

    assert "TOO_MANY_ALIASES" in _codes(_refusal(gql, query, token=alice.token))


def test_deep_query_is_refused(gql, alice):
    """The schema has no cycles deeper than the default limit, so the test lowers the limit."""
    query = "{ me { household { name } } }"
    assert "errors" not in gql.execute(query, token=alice.token)

    with override_settings(GRAPHQL_MAX_DEPTH=2):
        errors = _refusal(gql, query, token=alice.token)

    assert _codes(errors) == {"QUERY_TOO_DEEP"}
    assert "3 levels deep; the limit is 2" in errors[0]["message"]


def test_depth_through_fragments_is_counted(gql, alice):
    query = "{ me { ...Home } } fragment Home on UserType { household { name } }"

    with override_settings(GRAPHQL_MAX_DEPTH=2):
        assert _codes(_refusal(gql, query, token=alice.token)) == {"QUERY_TOO_DEEP"}


def test_undefined_fragment_gets_the_standard_error(gql, alice):
    errors = _refusal(gql, "{ me { ...Missing } }", token=alice.token)

    assert errors[0]["message"] == "Unknown fragment 'Missing'."


def test_fragment_cycles_get_the_standard_error(gql, alice):
    query = """
    { me { ...A } }
    fragment A on UserType { email household { name } ...B }
    fragment B on UserType { ...A }
    """

    errors = _refusal(gql, query, token=alice.token)

    assert any("Cannot spread fragment 'A' within itself" in e["message"] for e in errors)


def test_fragment_bomb_is_refused_quickly(gql, alice):
    """Each fragment spreads the next one twice: 2**40 fields once expanded, measured in linear time."""
    levels = 40
    fragments = " ".join(f"fragment F{i} on UserType {{ ...F{i + 1} a{i}: email }}" for i in range(levels))
    query = f"{{ me {{ ...F0 }} }} {fragments} fragment F{levels} on UserType {{ email }}"

    assert _codes(_refusal(gql, query, token=alice.token)) == {"TOO_MANY_DEFINITIONS"}
    with override_settings(GRAPHQL_MAX_DEFINITIONS=100):
        errors = _refusal(gql, query, token=alice.token)

    assert "TOO_MANY_ALIASES" in _codes(errors)


@pytest.mark.parametrize(
    "query",
    [
        "{ __schema { types { name } } }",
        '{ __type(name: "Query") { fields { name } } }',
        get_introspection_query(),
    ],
)
def test_introspection_is_refused_when_switched_off(gql, alice, query):
    with override_settings(GRAPHQL_INTROSPECTION=False):
        errors = _refusal(gql, query, token=alice.token)

    assert _codes(errors) == {"INTROSPECTION_DISABLED"}


def test_typename_still_works_without_introspection(gql, alice):
    with override_settings(GRAPHQL_INTROSPECTION=False):
        body = gql.execute("{ __typename me { __typename email } }", token=alice.token)

    assert body["data"] == {
        "__typename": "Query",
        "me": {"__typename": "UserType", "email": "alice@example.com"},
    }


def test_graphiql_introspection_query_runs_when_switched_on(gql):
    """The full introspection query nests 15 levels: introspection is not held to GRAPHQL_MAX_DEPTH."""
    with override_settings(GRAPHQL_INTROSPECTION=True):
        body = gql.execute(get_introspection_query(descriptions=True))

    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    "query",
    [
        "{ me { ",  # syntax error
        "{" + "me{" * 300 + "}" * 301,  # nested past the parser's limit
        "{ nope }",
        "query Q($x: Int) { me { email } }",  # unused variable
        "{ me { ...on Nope { x } } }",
    ],
)
def test_malformed_documents_are_client_errors(gql, alice, query):
    errors = _refusal(gql, query, token=alice.token)

    assert errors and all(e["message"] for e in errors)


@pytest.mark.parametrize(
    "payload", [{"query": 123}, {"query": ["{ me { email } }"]}, {"query": None}, {}, []]
)
def test_queries_that_are_not_strings_are_client_errors(gql, payload):
    response = gql.http.post("/graphql", data=json.dumps(payload), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"]
