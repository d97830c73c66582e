"""What one request may cost, charged before any resolver runs.

Aliases let one request call a field many times, so the expensive root fields are counted across
the whole operation (fragments expanded, each spread charged):

- `signUp`, `tokenAuth` and `refreshToken` at most once each (GRAPHQL_ONCE_PER_REQUEST): each
  hashes a password or rotates a token; an attacker gains guesses, accounts or races per alias.
- `energyHistory` buckets summed over every call ≤ GRAPHQL_MAX_HISTORY_BUCKETS, each call charged
  the most buckets its range can hold in any zone (reporting.buckets.bucket_count_at_most).

Arguments are read from literals or the request's variables; a value that cannot be read is
charged nothing here, because coercion refuses it before the resolver runs.
"""

from dateutil.parser import isoparse
from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)

from config.graphql.validation import limit_error
from reporting.buckets import Interval, bucket_count_at_most

HISTORY_FIELD = "energyHistory"


def budget_errors(document: DocumentNode, operation_name: str | None, variables: dict | None) -> list:
    operation = _operation(document, operation_name)
    if operation is None:
        return []  # no such operation: graphene answers that
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counts: dict[str, int] = {}
    buckets = 0
    for field in _root_fields(operation.selection_set, fragments):
        name = field.name.value
        counts[name] = counts.get(name, 0) + 1
        if name == HISTORY_FIELD:
            buckets += _history_buckets(field, variables or {})
    errors = [
        limit_error(f"`{name}` may be called once per request; this one calls it {count} times.", "COST_ONCE")
        for name, count in counts.items()
        if name in settings.GRAPHQL_ONCE_PER_REQUEST and count > 1
    ]
    if buckets > settings.GRAPHQL_MAX_HISTORY_BUCKETS:
        errors.append(
            limit_error(
                f"The request asks for up to {buckets:,} energyHistory buckets in all; the limit is "
                f"{settings.GRAPHQL_MAX_HISTORY_BUCKETS:,}: shorten the ranges or use longer intervals.",
                "COST_HISTORY_BUCKETS",
            )
        )
    return errors


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name and op.name.value == name), None)


def _root_fields(selection_set: SelectionSetNode, fragments: dict):
    """The operation's root fields, fragments expanded (validation ruled out cycles): every charged
    field is a root field (a payload's own `refreshToken` field is not the mutation)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _root_fields(fragments[selection.name.value].selection_set, fragments)


def _history_buckets(field: FieldNode, variables: dict) -> int:
    arguments = {argument.name.value: _value(argument.value, variables) for argument in field.arguments}
    try:
        start, end = isoparse(arguments["start"]), isoparse(arguments["end"])
        interval = Interval(arguments["interval"])
        return bucket_count_at_most(start=start, end=end, interval=interval)
    except (KeyError, TypeError, ValueError, OverflowError):
        return 0


def _value(node: ValueNode, variables: dict):
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    return getattr(node, "value", None)
