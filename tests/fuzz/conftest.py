"""Fuzz harness: every case goes through the real /graphql endpoint and every answer is checked.

A *server error* is any of: a 5xx status, a body that is not a JSON object holding `data` or
`errors`, a traceback in the body, or a resolver failing with an exception the code does not raise
on purpose (graphene answers those with a 200 and the exception's text: a 500 in disguise).
Errors that refuse a request before execution (syntax, validation, variable types) are 400s.

Each case runs in a savepoint that is rolled back, so valid writes never pile up (device caps,
django-axes lockouts) and the row counts taken before and after a case are exact.
"""

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django_tenants.utils import schema_context
from graphene_django.views import HttpError
from graphql import GraphQLError
from graphql_jwt.exceptions import JSONWebTokenError
from hypothesis import HealthCheck, Phase, settings

from accounts.models import RefreshToken, User
from config.graphql.view import TokenGraphQLView
from devices.models import Device
from households.models import Domain, Household, Membership

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No "explain" phase: it replays a failure many times over to annotate it, slow here.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
# Whole-suite floor; enforced when every fuzz module ran unfiltered.
MIN_CASES = 1_000
# Raised on purpose: refusals (GraphQL errors, bad tokens) and the view's own 4xx answers.
DELIBERATE = (GraphQLError, JSONWebTokenError, HttpError)
TRACEBACK_MARKERS = (b"Traceback (most recent call last)", b'File "/')

FUZZ_DIR = Path(__file__).parent
CASES: Counter[str] = Counter()
REQUESTS: Counter[str] = Counter()


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    raised: list[BaseException]

    @property
    def errors(self) -> list[dict]:
        return self.body.get("errors") or []

    @property
    def codes(self) -> set[str]:
        return {(error.get("extensions") or {}).get("code") for error in self.errors}

    def field(self, name: str):
        """The operation's top-level field, or None when the request or the field failed."""
        return (self.body.get("data") or {}).get(name)


class FuzzClient:
    """Posts cases to /graphql through every middleware and fails on any server error."""

    def __init__(self, nodeid: str, raised: list[BaseException]) -> None:
        self.http = Client(raise_request_exception=False)
        self.nodeid = nodeid
        self.raised = raised

    def post(self, query, variables=None, token: str | None = None, headers: dict | None = None) -> Answer:
        body = json.dumps({"query": query, "variables": variables}, allow_nan=True)
        return self.post_raw(body, token=token, headers=headers)

    def post_raw(
        self,
        body: str | bytes,
        token: str | None = None,
        headers: dict | None = None,
        content_type: str = "application/json",
    ) -> Answer:
        headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")  # lone surrogates arrive as bytes no UTF-8 allows
        self.raised.clear()
        response = self.http.post("/graphql", data=body, content_type=content_type, headers=headers)
        REQUESTS[self.nodeid] += 1
        return self._checked(response)

    def _checked(self, response) -> Answer:
        content = response.content
        assert response.status_code < 500, content[:800]
        assert not any(marker in content for marker in TRACEBACK_MARKERS), content[:800]
        body = json.loads(content)
        assert isinstance(body, dict) and ("data" in body or "errors" in body), content[:800]
        surprises = [
            e for e in self.raised if _is_resolver_error(e) and not isinstance(_cause(e), DELIBERATE)
        ]
        assert not surprises, f"resolver raised {_describe(surprises)}; answered {content[:500]!r}"
        if "data" not in body:
            assert response.status_code >= 400, content[:800]
        return Answer(response.status_code, body, list(self.raised))


def _is_resolver_error(error: BaseException) -> bool:
    """Raised while resolving a field (it has a path); other errors refuse the request before it runs."""
    return isinstance(error, GraphQLError) and error.path is not None


def _cause(error: BaseException) -> BaseException:
    """What a resolver raised: graphql-core wraps it in a located GraphQLError."""
    return getattr(error, "original_error", None) or error


def _describe(errors: list[BaseException]) -> str:
    return ", ".join(f"{type(_cause(e)).__name__}: {_cause(e)}" for e in errors)


@pytest.fixture
def fuzz(request, monkeypatch, db) -> FuzzClient:
    """A client whose answers are checked, seeing every error the view formats."""
    raised: list[BaseException] = []
    original = TokenGraphQLView.format_error

    def spy(error):
        raised.append(error)
        return original(error)

    monkeypatch.setattr(TokenGraphQLView, "format_error", staticmethod(spy))
    return FuzzClient(request.node.nodeid, raised)


@contextmanager
def case(request) -> Iterator[None]:
    """One fuzz case: counted, and rolled back to a savepoint whatever it wrote."""
    CASES[request.node.nodeid] += 1
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def one_case(request):
    """`with one_case():` around each hypothesis example."""
    return lambda: case(request)


def rows(*members) -> dict:
    """Everything a mutation could write: account tables, and each member's devices, column by column."""
    snapshot = {
        "users": User.objects.count(),
        "households": Household.objects.count(),
        "domains": Domain.objects.count(),
        "memberships": Membership.objects.count(),
        "refresh_tokens": RefreshToken.objects.count(),
        "revoked_tokens": RefreshToken.objects.filter(revoked__isnull=False).count(),
    }
    for member in members:
        with schema_context(member.household.schema_name):
            snapshot[member.email] = list(Device.objects.order_by("id").values_list())
    return snapshot


def changes(before: dict, after: dict) -> dict:
    """What differs between two snapshots: count deltas, and "changed" for a member's devices."""
    diff = {}
    for key, old in before.items():
        new = after[key]
        if new != old:
            diff[key] = new - old if isinstance(old, int) else "changed"
    return diff


# --- The case count, reported at the end and enforced for a full, unfiltered run ---------------

_collected: set[str] = set()
_run = {"full": False}


def pytest_itemcollected(item) -> None:
    if Path(str(item.path)).parent == FUZZ_DIR:
        _collected.add(item.nodeid)


def pytest_collection_finish(session) -> None:
    """A full run: every fuzz module collected, and none of its tests deselected (-k, -m)."""
    selected = {item.nodeid for item in session.items if Path(str(item.path)).parent == FUZZ_DIR}
    modules = {nodeid.split("::")[0].rsplit("/", 1)[-1] for nodeid in _collected}
    every_module = modules == {path.name for path in FUZZ_DIR.glob("test_*.py")}
    _run["full"] = every_module and selected == _collected


def _below_floor() -> bool:
    return bool(CASES) and _run["full"] and sum(CASES.values()) < MIN_CASES


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not CASES:
        return
    terminalreporter.section("fuzz cases")
    for nodeid in sorted(CASES):
        terminalreporter.write_line(f"{CASES[nodeid]:6d} cases {REQUESTS[nodeid]:6d} requests  {nodeid}")
    terminalreporter.write_line(
        f"{sum(CASES.values()):6d} cases {sum(REQUESTS.values()):6d} requests  in total"
        f" (floor for a full run: {MIN_CASES})"
    )
    if _below_floor():
        terminalreporter.write_line(f"FAILED: a full fuzz run needs {MIN_CASES} cases.", red=True)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus) -> None:
    if _below_floor():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
