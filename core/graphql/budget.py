"""What one request may cost, charged before any resolver runs.

Aliases let one request call a field many times, so the expensive root fields are counted across
the whole operation:

- `signUp`, `tokenAuth` and `refreshToken` at most once each (GRAPHQL_ONCE_PER_REQUEST): each
  hashes a password or rotates a token; an attacker gains guesses, accounts or races per alias.
- a field with a registered cost (`register_cost`, e.g. reporting's `energyHistory` buckets) is
  charged per call; the calls' sum must stay within the cost's limit. The app that owns the field
  registers its cost next to the field, so this mechanism names no app.

The calls and their arguments are the ones execution will use, from graphql-core's own functions:
variables coerced with their defaults, fields collected through fragments and @skip/@include,
arguments coerced from literals, variables and defaults alike. A request whose variables do not
coerce is charged nothing: execution refuses it before any resolver runs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values, get_variable_values

from core.graphql.validation import limit_error


@dataclass(frozen=True)
class FieldCost:
    """What one call of a root field costs, from its coerced arguments (as its resolver receives
    them, by their GraphQL names), and the most all its calls in one request may cost together (a
    setting, read per request)."""

    charge: Callable[[dict[str, Any]], int]
    limit_setting: str
    refusal: Callable[[int, int], str]  # (charged, limit) -> the client's message
    code: str


COSTS: dict[str, FieldCost] = {}


def register_cost(field: str, cost: FieldCost) -> None:
    """Charge every call of the root field `field` with `cost` (called where the field is defined)."""
    COSTS[field] = cost


def budget_errors(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict | None
) -> list[GraphQLError]:
    operation = _operation(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation is not None else None
    if operation is None or root is None:
        return []  # no such operation: graphene answers that
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return []  # the variables do not coerce: execution refuses them before any resolver runs
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counts: dict[str, int] = {}
    charged: dict[str, int] = {}
    # One entry per response key: fields that share an alias run once.
    for nodes in collect_fields(schema, fragments, coerced, root, operation.selection_set).values():
        name = nodes[0].name.value
        counts[name] = counts.get(name, 0) + 1
        definition = root.fields.get(name)
        if name in COSTS and definition is not None:
            charged[name] = charged.get(name, 0) + _charge(COSTS[name], definition, nodes[0], coerced)
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


def _charge(cost: FieldCost, definition: GraphQLField, node: FieldNode, variables: dict[str, Any]) -> int:
    try:
        arguments = get_argument_values(definition, node, variables)
    except GraphQLError:
        return 0  # an argument that does not coerce fails this field before its resolver runs
    return cost.charge(arguments)
