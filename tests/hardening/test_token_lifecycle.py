"""Refresh-token families with reuse detection, sessions that end, and access-token claims that are
all required and checked, attacked through /graphql and the admin."""

import uuid

import jwt
import pytest
from django.conf import settings
from django.test import Client

from accounts.models import RefreshToken, User
from accounts.tasks import refresh_tokens_purge
from households.models import Household
from tests.conftest import PASSWORD, access_claims
from tests.hardening.test_email_identity import SIGN_UP, TOKEN_AUTH, _post

REFRESH = "mutation($r: String!) { refreshToken(refreshToken: $r) { token refreshToken } }"
SIGN_OUT_EVERYWHERE = "mutation { signOutEverywhere { revokedRefreshTokens } }"
ME = "{ me { email } }"


def _code(body) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body.get("errors") else None


def _login(email):
    query = TOKEN_AUTH.replace("{ token }", "{ token refreshToken }")
    return _post(query, {"email": email, "password": PASSWORD})["data"]["tokenAuth"]


def _operator() -> Client:
    operator = User.objects.create_superuser(email=f"op-{uuid.uuid4().hex[:6]}@example.org", password="x")
    admin = Client()
    admin.force_login(operator)
    return admin


def _refresh(refresh_token):
    return _post(REFRESH, {"r": refresh_token})


def _works(access_token) -> bool:
    return _code(_post(ME, token=access_token)) is None


@pytest.fixture
def owner(db):
    email = f"owner-{uuid.uuid4().hex[:6]}@example.com"
    User.objects.create_user(email=email, password=PASSWORD)
    return email


def test_replaying_a_rotated_refresh_token_revokes_its_whole_family(owner):
    stolen = _login(owner)["refreshToken"]
    other_device = _login(owner)["refreshToken"]
    rotated = _refresh(stolen)["data"]["refreshToken"]["refreshToken"]  # the thief, or the owner

    replay = _refresh(stolen)
    newest = _refresh(rotated)

    assert _code(replay) == "INVALID_REFRESH_TOKEN"
    assert _code(newest) == "INVALID_REFRESH_TOKEN"  # before the fix it kept working: theft unseen
    assert _code(_refresh(other_device)) is None  # another login is another family


def test_a_password_change_in_the_admin_ends_every_session(owner):
    tokens = _login(owner)
    admin = _operator()
    user = User.objects.get(email=owner)

    changed = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "a-New-password-42", "password2": "a-New-password-42", "usable_password": "true"},
    )

    assert changed.status_code == 302
    assert not _works(tokens["token"])
    assert _code(_refresh(tokens["refreshToken"])) == "INVALID_REFRESH_TOKEN"


def test_deactivation_ends_every_session_and_reactivation_does_not_revive_them(owner):
    tokens = _login(owner)
    user = User.objects.get(email=owner)

    user.is_active = False
    user.save()
    refused = (_works(tokens["token"]), _code(_refresh(tokens["refreshToken"])))
    user.is_active = True
    user.save()

    assert refused == (False, "INVALID_REFRESH_TOKEN")
    assert not _works(tokens["token"])
    assert _code(_refresh(tokens["refreshToken"])) == "INVALID_REFRESH_TOKEN"


def test_sign_out_everywhere_ends_every_device(owner):
    phone, laptop = _login(owner), _login(owner)

    answer = _post(SIGN_OUT_EVERYWHERE, token=phone["token"])

    assert answer["data"]["signOutEverywhere"]["revokedRefreshTokens"] == 2
    assert not _works(phone["token"]) and not _works(laptop["token"])
    assert [_code(_refresh(t["refreshToken"])) for t in (phone, laptop)] == ["INVALID_REFRESH_TOKEN"] * 2
    assert _works(_login(owner)["token"])


def test_sign_out_everywhere_needs_a_login(db):
    assert _code(_post(SIGN_OUT_EVERYWHERE)) == "UNAUTHENTICATED"


def test_only_a_digest_is_stored_and_the_admin_shows_neither(owner):
    issued = _login(owner)["refreshToken"]
    row = RefreshToken.objects.get(user__email=owner)
    admin = _operator()

    pages = [
        admin.get("/admin/accounts/refreshtoken/"),
        admin.get(f"/admin/accounts/refreshtoken/{row.pk}/change/"),
    ]

    assert issued not in {getattr(row, field.attname) for field in RefreshToken._meta.fields}
    assert [page.status_code for page in pages] == [200, 200]
    shown = b"".join(page.content for page in pages)
    assert issued.encode() not in shown and row.token_hash.encode() not in shown
    assert admin.get("/admin/accounts/refreshtoken/add/").status_code == 403


def test_the_purge_keeps_what_reuse_detection_needs(owner):
    stolen = _login(owner)["refreshToken"]
    rotated = _refresh(stolen)["data"]["refreshToken"]["refreshToken"]

    refresh_tokens_purge.apply().get()

    assert _code(_refresh(stolen)) == "INVALID_REFRESH_TOKEN"
    assert _code(_refresh(rotated)) == "INVALID_REFRESH_TOKEN"  # the replay was still recognised


def _signed(claims: dict) -> str:
    return jwt.encode(claims, settings.GRAPHQL_JWT["JWT_SECRET_KEY"], algorithm="HS256")


def _without(claims: dict, name: str) -> dict:
    return {key: value for key, value in claims.items() if key != name}


@pytest.mark.parametrize("claim", ["exp", "uid", "gen", "email"])
def test_a_token_missing_a_claim_is_refused(alice, claim):
    body = _post(ME, token=_signed(_without(access_claims(), claim)))

    assert _code(body) == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "overrides",
    [
        {"uid": "1"},
        {"uid": True},
        {"uid": [1]},
        {"uid": 2**70},
        {"uid": -1},
        {"gen": None},
        {"gen": "0"},
        {"gen": 0.0},
        {"email": 123},
        {"email": ["alice@example.com"]},
        {"email": {"$ne": ""}},
        {"exp": "never"},
    ],
    ids=str,
)
def test_claims_of_the_wrong_type_are_refused_never_a_500(alice, overrides):
    body = _post(ME, token=_signed(access_claims(**overrides)))

    assert _code(body) == "UNAUTHENTICATED"


def test_a_deleted_users_token_never_works_for_an_account_re_registered_with_its_email(db):
    email = f"again-{uuid.uuid4().hex[:6]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Home"}}
    first = _post(SIGN_UP, variables)["data"]["signUp"]["token"]
    Household.objects.get(memberships__user__email=email).delete(force_drop=True)
    User.objects.filter(email=email).delete()

    second = _post(SIGN_UP, variables)["data"]["signUp"]["token"]

    assert not _works(first)
    assert _works(second)
