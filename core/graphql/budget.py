"""What one request may cost, charged before any resolver runs.

Aliases let one request call a field many times, so the expensive root fields are counted across
the whole operation (fragments expanded, each spread charged):

- `signUp`, `tokenAuth` and `refreshToken` at most once each (GRAPHQL_ONCE_PER_REQUEST): each
  hashes a password or rotates a token; an attacker gains guesses, accounts or races per alias.
- a field with a registered cost (`register_cost`, e.g. reporting's `energyHistory` buckets) is
  charged per call; the calls' sum must stay within the cost's limit. The app that owns the field
  registers its cost next to the field, so this mechanism names no app.

Arguments are read from literals or the request's variables; a value that cannot be read is
charged nothing here, because coercion refuses it before the resolver runs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

from core.graphql.validation import limit_error


@dataclass(frozen=True)
class FieldCost:
    """What one call of a root field costs (from its arguments; 0 when they cannot be read), and the
    most all its calls in one request may cost together (a setting, read per request)."""

    charge: Callable[[dict[str, Any]], int]
    limit_setting: str
    refusal: Callable[[int, int], str]  # (charged, limit) -> the client's message
    code: str


COSTS: dict[str, FieldCost] = {}


def register_cost(field: str, cost: FieldCost) -> None:
    """Charge every call of the root field `field` with `cost` (called where the field is defined)."""
    COSTS[field] = cost


def budget_errors(document: DocumentNode, operation_name: str | None, variables: dict | None) -> list:
    operation = _operation(document, operation_name)
    if operation is None:
        return []  # no such operation: graphene answers that
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counts: dict[str, int] = {}
    charged: dict[str, int] = {}
    for field in _root_fields(operation.selection_set, fragments):
        name = field.name.value
        counts[name] = counts.get(name, 0) + 1
        if name in COSTS:
            charged[name] = charged.get(name, 0) + _charge(COSTS[name], field, variables or {})
    errors = [
        limit_error(f"`{name}` may be called once per request; this one calls it {count} times.", "COST_ONCE")
        for name, count in counts.items()
        if name in settings.GRAPHQL_ONCE_PER_REQUEST and count > 1
    ]
    for name, units in charged.items():
        cost = COSTS[name]
        limit = getattr(settings, cost.limit_setting)
        if units > limit:
            errors.append(limit_error(cost.refusal(units, limit), cost.code))
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


def _charge(cost: FieldCost, field: FieldNode, variables: dict) -> int:
    arguments = {argument.name.value: _value(argument.value, variables) for argument in field.arguments}
    return cost.charge(arguments)


def _value(node: ValueNode, variables: dict):
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    return getattr(node, "value", None)
