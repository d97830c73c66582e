"""The argument-free fields (me, energySummary, fleetSummary, applianceCategories, devices) under any
Authorization header: real, forged or junk tokens, odd prefixes, and a staff session cookie.

Who the server lets in is decided here independently: a header of two words, `Bearer` or `JWT` then
a token PyJWT accepts as HS256 under the server's key, naming an existing user. Households' data
needs a household member, fleetSummary a staff member; a session cookie alone is no one.
"""

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.services import tokens_issue
from tests.conftest import PASSWORD, token_owner
from tests.fuzz.conftest import FUZZ, changes, rows
from tests.fuzz.strategies import forged_tokens, random_tokens, spiked

OPERATIONS = {
    "me": "{ me { email isStaff household { name timezone } } }",
    "energySummary": "{ energySummary { at producedW consumedW netW gridImportW gridExportW } }",
    "fleetSummary": "{ fleetSummary { households devices devicesByKind { kind count } producedW netW at } }",
    "applianceCategories": "{ applianceCategories { category label defaultAveragePowerW } }",
    "devices": "{ devices { id name kind } }",
}
STAFF_EMAIL = "operator@example.com"
# Who may read each field: any signed-in user, household members, or staff.
AUDIENCE = {
    "me": "user",
    "energySummary": "member",
    "fleetSummary": "staff",
    "applianceCategories": "member",
    "devices": "member",
}


@pytest.fixture
def people(alice):
    staff = User.objects.create_user(email=STAFF_EMAIL, password=PASSWORD, is_staff=True)
    return {"alice": alice, "staff": staff, "staff_token": tokens_issue(user=staff).token}


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF) | st.just("\t"), max_size=80)
prefixes = st.sampled_from(
    ["Bearer ", "JWT ", "bearer ", "BEARER  ", "Token ", "Basic ", "", "Bearer", " Bearer "]
)


def headers(tokens: list[str]):
    token = st.sampled_from(tokens) | random_tokens(tokens) | forged_tokens() | forged_tokens(STAFF_EMAIL)
    latin1 = token.filter(lambda t: isinstance(t, str) and all(" " <= c <= "\xff" for c in t))
    return (
        st.none()
        | st.builds("{}{}".format, prefixes, latin1)
        | header_text
        | spiked(header_text).filter(lambda t: all(c == "\t" or " " <= c <= "\xff" for c in t))
    )


def _who(header: str | None) -> str | None:
    """The user the header names, by the contract; None for anyone else."""
    parts = (header or "").split()
    if len(parts) != 2 or parts[0].lower() not in ("bearer", "jwt"):
        return None
    known = {"alice@example.com": "alice", STAFF_EMAIL: "staff"}
    return known.get(token_owner(parts[1]))


def _allowed(who: str | None, field: str) -> bool:
    audience = AUDIENCE[field]
    return who is not None and (audience == "user" or (audience == "member") == (who == "alice"))


@settings(FUZZ, max_examples=120)
@given(data=st.data(), field=st.sampled_from(sorted(OPERATIONS)), with_session=st.booleans())
def test_fields_answer_only_the_users_the_token_names(fuzz, one_case, people, data, field, with_session):
    # given
    header = data.draw(headers([people["alice"].token, people["staff_token"]]), label="Authorization")
    who = _who(header)
    allowed = _allowed(who, field)
    event(f"{field} for {who or 'no one'}: {'allowed' if allowed else 'refused'}")

    with one_case():
        fuzz.http.cookies.clear()
        if with_session:
            fuzz.http.force_login(people["staff"])
        before = rows(people["alice"])

        # when
        answer = fuzz.post(OPERATIONS[field], headers={"Authorization": header} if header is not None else {})

        # then
        value = answer.field(field)
        assert changes(before, rows(people["alice"])) == {}
        if allowed:
            assert value is not None and not answer.errors, answer.body
            if field == "me":
                assert value["email"] == (people["alice"].email if who == "alice" else STAFF_EMAIL)
        else:
            assert value is None, answer.body
            assert answer.codes == ({"FORBIDDEN"} if who else {"UNAUTHENTICATED"}), answer.body
