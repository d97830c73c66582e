"""The device cap holds under concurrent aliased registerDevice requests: four requests of 30
aliased calls each, sent at once to four gunicorn workers near the cap, end exactly at the cap
(they ended at 501: each call counted, then inserted, with no lock between)."""

import threading

import pytest
from django_tenants.utils import schema_context

from devices import limits
from devices.models import Device
from households.models import Household
from tests.conftest import PASSWORD
from tests.hardening.servers import gunicorn
from tests.hardening.test_email_identity import SIGN_UP

pytestmark = [pytest.mark.django_db, pytest.mark.server]

ALIASES = 30
RACERS = 4
ROOM_LEFT = 40


def _register_many(server, token: str, count: int, prefix: str):
    fields = " ".join(
        f'{prefix}{i}: registerDevice(input: {{name: "P{prefix}{i}", solarPanel: {{ratedCapacityW: 400}}}})'
        " { device { id } errors { code } }"
        for i in range(count)
    )
    answer = server.graphql(f"mutation {{ {fields} }}", token=token)
    assert answer.status == 200, answer.body[:300]
    return answer.json()["data"]


def test_concurrent_aliased_registrations_stop_exactly_at_the_cap(production_env, new_email):
    email = new_email("cap")
    with gunicorn(workers=RACERS, **production_env) as server:
        variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Capped"}}
        token = server.graphql(SIGN_UP, variables).json()["data"]["signUp"]["token"]
        filled = 0
        while filled < limits.DEVICES_PER_HOUSEHOLD_MAX - ROOM_LEFT:
            batch = min(ALIASES, limits.DEVICES_PER_HOUSEHOLD_MAX - ROOM_LEFT - filled)
            _register_many(server, token, batch, f"f{filled}_")
            filled += batch
        answers: list[dict] = []
        racers = [
            threading.Thread(
                target=lambda r=r: answers.append(_register_many(server, token, ALIASES, f"r{r}_"))
            )
            for r in range(RACERS)
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(120)

    payloads = [payload for answer in answers for payload in answer.values()]
    registered = sum(payload["device"] is not None for payload in payloads)
    refused = {error["code"] for payload in payloads for error in payload["errors"]}
    household = Household.objects.get(memberships__user__email=email)
    with schema_context(household.schema_name):
        stored = Device.objects.count()
    assert len(payloads) == RACERS * ALIASES
    assert (registered, stored) == (ROOM_LEFT, limits.DEVICES_PER_HOUSEHOLD_MAX)
    assert refused == {"too_many"}
