"""The history budget is charged from the arguments execution will use: variable defaults,
literals, variables and fragments alike, before any resolver runs. Over HTTP against production
settings; the issue's request (30 aliases whose dates are variable defaults, `variables: {}`) ran
30 x 9,990 buckets for 15 s, and a default on `interval` or `end` alone also slipped through."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.server]

START, END = "2025-01-01T00:00:00+00:00", "2026-02-21T06:00:00+00:00"  # 9,990 hours
FIELDS = "{ start producedWh }"


def _aliases(count: int, arguments: str) -> str:
    return " ".join(f"h{i}: energyHistory({arguments}) {FIELDS}" for i in range(count))


def _codes(answer) -> list[str]:
    return [error["extensions"]["code"] for error in answer.json().get("errors", [])]


@pytest.mark.parametrize(
    ("definitions", "arguments"),
    [
        (f'$s: DateTime! = "{START}", $e: DateTime! = "{END}"', "start: $s, end: $e, interval: HOUR"),
        ("$i: Interval! = HOUR", f'start: "{START}", end: "{END}", interval: $i'),
        (f'$e: DateTime = "{END}"', f'start: "{START}", end: $e, interval: HOUR'),
    ],
    ids=["dates-as-defaults", "interval-as-default", "end-as-default"],
)
def test_defaults_are_charged(production_server, alice, definitions, arguments):
    query = f"query Q({definitions}) {{ {_aliases(30, arguments)} }}"

    answer = production_server.graphql(query, {}, token=alice.token)

    assert answer.status == 400, answer.body[:300]
    assert _codes(answer) == ["COST_HISTORY_BUCKETS"]
    assert "up to 299,820 energyHistory buckets" in answer.json()["errors"][0]["message"]


def test_defaults_inside_fragments_are_charged(production_server, alice):
    query = f"""
    query Q($s: DateTime! = "{START}", $e: DateTime! = "{END}", $go: Boolean = true) {{
      a: energyHistory(start: $s, end: $e, interval: HOUR) {FIELDS}
      ... on Query @include(if: $go) {{ ...More }}
    }}
    fragment More on Query {{ b: energyHistory(start: $s, end: $e, interval: HOUR) {FIELDS} }}
    """

    answer = production_server.graphql(query, {}, token=alice.token)

    assert _codes(answer) == ["COST_HISTORY_BUCKETS"]
    assert "up to 19,988 energyHistory buckets" in answer.json()["errors"][0]["message"]


def test_a_skipped_field_is_not_charged_and_the_rest_runs(production_server, alice):
    query = f"""
    query Q($s: DateTime! = "{START}", $e: DateTime! = "{END}") {{
      a: energyHistory(start: $s, end: $e, interval: HOUR) {{ start }}
      b: energyHistory(start: $s, end: $e, interval: HOUR) @skip(if: true) {{ start }}
    }}
    """

    answer = production_server.graphql(query, {}, token=alice.token)

    assert answer.status == 200 and "errors" not in answer.json(), answer.body[:300]
    assert len(answer.json()["data"]["a"]) == 9_990
