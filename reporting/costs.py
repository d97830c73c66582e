"""What one `energyHistory` call costs the request's budget (core.graphql.budget): the most buckets
its range can hold in any zone, so aliases cannot multiply the buckets past
GRAPHQL_MAX_HISTORY_BUCKETS."""

from typing import Any

from core.graphql.budget import FieldCost
from reporting.buckets import Interval, bucket_count_at_most

HISTORY_FIELD = "energyHistory"


def history_buckets(arguments: dict[str, Any]) -> int:
    """The coerced arguments, as the resolver gets them; a range the resolver refuses costs nothing."""
    try:
        interval = Interval(arguments["interval"])
        return bucket_count_at_most(start=arguments["start"], end=arguments["end"], interval=interval)
    except (KeyError, TypeError, ValueError, OverflowError):
        return 0


def _refusal(buckets: int, limit: int) -> str:
    return (
        f"The request asks for up to {buckets:,} energyHistory buckets in all; the limit is "
        f"{limit:,}: shorten the ranges or use longer intervals."
    )


HISTORY_COST = FieldCost(
    charge=history_buckets,
    limit_setting="GRAPHQL_MAX_HISTORY_BUCKETS",
    refusal=_refusal,
    code="COST_HISTORY_BUCKETS",
)
