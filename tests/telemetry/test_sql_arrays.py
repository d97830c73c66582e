"""The tick's rows travel to PostgreSQL as one array literal per column (telemetry.sql.array_columns):
whatever the values, PostgreSQL reads back exactly the rows that were sent."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telemetry.sql import array_columns, array_select, raw

TYPES = ("bigint", "float8", "boolean", "timestamptz", "numeric", "varchar", "jsonb")
rows = st.lists(
    st.tuples(
        st.integers(-(2**63), 2**63 - 1),
        st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
        st.one_of(st.none(), st.booleans()),
        st.datetimes(min_value=datetime(1970, 1, 2), timezones=st.just(UTC)),
        st.decimals(allow_nan=False, allow_infinity=False, places=9, min_value=-(10**9), max_value=10**9).map(
            str
        ),
        st.sampled_from(["", "EUR", "NOK", "A,B", 'say "hi"', "back\\slash", "{x}", "NULL", "é"]),
        # Device counts by kind: names without control characters (array_columns' one condition).
        st.dictionaries(
            st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=8),
            st.integers(0, 99),
            max_size=3,
        ),
    ),
    max_size=20,
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows)
def test_every_row_comes_back_as_sent(sent):
    query = array_select(TYPES).as_string(raw(connection.cursor()))
    with transaction.atomic(), connection.cursor() as cursor:  # each example in its own savepoint
        cursor.execute(query, array_columns(sent, TYPES))
        # Django leaves jsonb as its text.
        back = [(*row[:-1], json.loads(row[-1])) for row in cursor.fetchall()]

    expected = [(i, f, b, at, Decimal(n), text, d) for i, f, b, at, n, text, d in sent]
    assert back == expected
