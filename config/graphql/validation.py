"""Abuse limits for GraphQL documents: depth, aliases, field count, and introspection when switched off.

They run as a second validation pass, only on documents the specification's rules accepted:
every fragment they follow then exists and no spread is cyclic. graphene's
`depth_limit_validator`, run beside the standard rules, raises KeyError (a 500) on an undefined
fragment instead (graphene #1538).

Validation costs more than parsing (1-2 ms for the app's queries), and apps send the same few
query strings again and again: the digests of documents that passed, under the limits in force,
are remembered (bounded LRU; refused documents are checked again every time).
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from graphene_django.settings import graphene_settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    validate,
)
from graphql.language import SKIP
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
VALID_QUERIES_REMEMBERED = 1024


@dataclass(frozen=True, slots=True)
class Size:
    """What running a selection set may cost: nested field levels, fields, aliases (fragments expanded)."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0


class OperationLimitsRule(ValidationRule):
    """Refuse operations deeper than GRAPHQL_MAX_DEPTH, or with more fields or aliases than allowed.

    Fragments are counted each time they are spread, so they cannot hide width; each fragment is
    measured once (memoised), so a fragment bomb costs linear time to refuse. Introspection fields
    (`__schema`, `__type`) are not counted: GraphiQL's own introspection query nests 15 levels,
    and introspection has its own switch (GRAPHQL_INTROSPECTION, off in production).
    """

    def __init__(self, context):
        super().__init__(context)
        self.measure_fragment = cache(self._measure_fragment)

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args):
        size = self.measure(node.selection_set)
        limits = [
            (size.depth, settings.GRAPHQL_MAX_DEPTH, "QUERY_TOO_DEEP", "nests fields {} levels deep"),
            (size.aliases, settings.GRAPHQL_MAX_ALIASES, "TOO_MANY_ALIASES", "uses {} aliases"),
            (size.fields, settings.GRAPHQL_MAX_FIELDS, "TOO_MANY_FIELDS", "selects {} fields"),
        ]
        for value, limit, code, what in limits:
            if value > limit:
                self.report_error(
                    GraphQLError(
                        f"The operation {what.format(value)}; the limit is {limit}.",
                        node,
                        extensions={"code": code},
                    )
                )
        return SKIP

    def measure(self, selection_set: SelectionSetNode | None) -> Size:
        depth = fields = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.name.value in INTROSPECTION_ROOTS:
                continue
            if isinstance(selection, FragmentSpreadNode):
                inner = self.measure_fragment(selection.name.value)
            else:
                inner = self.measure(selection.selection_set)
            if isinstance(selection, FieldNode):
                inner = Size(inner.depth + 1, inner.fields + 1, inner.aliases + bool(selection.alias))
            depth = max(depth, inner.depth)
            fields += inner.fields
            aliases += inner.aliases
        return Size(depth, fields, aliases)

    def _measure_fragment(self, name: str) -> Size:
        return self.measure(self.context.get_fragment(name).selection_set)


class IntrospectionDisabledRule(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule, with a machine-readable code (`__typename` stays allowed)."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(
            GraphQLError(error.message, error.nodes, extensions={"code": "INTROSPECTION_DISABLED"})
        )


class _ValidQueries:
    """Keys of queries that passed validation, least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.keys: OrderedDict[tuple, None] = OrderedDict()
        self.lock = threading.Lock()

    def __contains__(self, key: tuple) -> bool:
        with self.lock:
            if key in self.keys:
                self.keys.move_to_end(key)
                return True
            return False

    def add(self, key: tuple) -> None:
        with self.lock:
            self.keys[key] = None
            if len(self.keys) > self.size:
                self.keys.popitem(last=False)


_valid_queries = _ValidQueries(VALID_QUERIES_REMEMBERED)


def query_errors(schema: GraphQLSchema, query: str) -> list[GraphQLError]:
    """Syntax, specification and abuse-limit errors of a query; [] when it may run."""
    key = (
        hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        id(schema),
        settings.GRAPHQL_MAX_DEPTH,
        settings.GRAPHQL_MAX_ALIASES,
        settings.GRAPHQL_MAX_FIELDS,
        settings.GRAPHQL_INTROSPECTION,
    )
    if key in _valid_queries:
        return []
    try:
        document = parse(query)
    except GraphQLError as error:
        return [error]
    errors = validate_document(schema, document)
    if not errors:
        _valid_queries.add(key)
    return errors


def validate_document(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The specification's rules first; the abuse limits only when those pass."""
    errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return errors
    rules = [OperationLimitsRule]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(IntrospectionDisabledRule)
    return validate(schema, document, rules)
