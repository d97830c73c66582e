"""Abuse limits for GraphQL documents: size, depth, aliases, field count, introspection when switched off.

They run as a second validation pass, only on documents the specification's rules accepted:
every fragment they follow then exists and no spread is cyclic. graphene's
`depth_limit_validator`, run beside the standard rules, raises KeyError (a 500) on an undefined
fragment instead (graphene #1538).

Validation costs more than parsing (1-2 ms for the app's queries), and apps send the same few
query strings again and again: the documents that passed, under the limits in force, are
remembered by digest (bounded LRU; refused documents are checked again every time).
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
from graphql.language import SKIP, Visitor, visit
from graphql.validation import NoSchemaIntrospectionCustomRule, ValidationRule

INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
VALID_QUERIES_REMEMBERED = 1024
# graphql-core's messages when max_lexical_tokens / max_comments stop the parser.
PARSER_LIMIT_PREFIXES = ("Syntax Error: Document contains more than",)
# A remembered document passed under the limits in force when it was checked.
LIMIT_SETTINGS = (
    "GRAPHQL_MAX_DEPTH",
    "GRAPHQL_MAX_ALIASES",
    "GRAPHQL_MAX_FIELDS",
    "GRAPHQL_MAX_TOKENS",
    "GRAPHQL_MAX_DEFINITIONS",
    "GRAPHQL_MAX_VARIABLES",
    "GRAPHQL_INTROSPECTION",
)


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
                inner = self.measure(getattr(selection, "selection_set", None))
            if isinstance(selection, FieldNode):
                inner = Size(inner.depth + 1, inner.fields + 1, inner.aliases + bool(selection.alias))
            depth = max(depth, inner.depth)
            fields += inner.fields
            aliases += inner.aliases
        return Size(depth, fields, aliases)

    def _measure_fragment(self, name: str) -> Size:
        fragment = self.context.get_fragment(name)
        return self.measure(fragment.selection_set if fragment else None)


class IntrospectionDisabledRule(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule, with a machine-readable code (`__typename` stays allowed)."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(
            GraphQLError(error.message, error.nodes, extensions={"code": "INTROSPECTION_DISABLED"})
        )


class _ValidQueries:
    """Documents that passed validation, by key, least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.documents: OrderedDict[tuple, DocumentNode] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> DocumentNode | None:
        with self.lock:
            document = self.documents.get(key)
            if document is not None:
                self.documents.move_to_end(key)
            return document

    def add(self, key: tuple, document: DocumentNode) -> None:
        with self.lock:
            self.documents[key] = document
            if len(self.documents) > self.size:
                self.documents.popitem(last=False)


_valid_queries = _ValidQueries(VALID_QUERIES_REMEMBERED)


def limit_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


@dataclass(frozen=True, slots=True)
class Checked:
    """A query's document when it may run, else the errors that refuse it."""

    document: DocumentNode | None
    errors: list[GraphQLError]


def query_checked(schema: GraphQLSchema, query: str) -> Checked:
    """Size limits, syntax, the specification's rules, then the abuse limits.

    The cheap limits come first, each linear in the text: length, then tokens and comments while
    parsing (graphql-core stops at the limit), then definitions, variables and fields counted in
    the syntax tree. Only then the specification's rules, some of which are quadratic (overlapping
    fields): a 25 KB document of duplicate fields never reaches them.
    """
    if len(query) > settings.GRAPHQL_MAX_QUERY_CHARS:
        limit = settings.GRAPHQL_MAX_QUERY_CHARS
        message = f"The query is {len(query)} characters long; the limit is {limit}."
        return Checked(None, [limit_error(message, "QUERY_TOO_LONG")])
    key = (
        hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        id(schema),
        *(getattr(settings, name) for name in LIMIT_SETTINGS),
    )
    document = _valid_queries.get(key)
    if document is not None:
        return Checked(document, [])
    try:
        document = parse(
            query, max_lexical_tokens=settings.GRAPHQL_MAX_TOKENS, max_comments=settings.GRAPHQL_MAX_TOKENS
        )
    except GraphQLError as error:
        if error.message.startswith(PARSER_LIMIT_PREFIXES):
            message = f"The query has more than {settings.GRAPHQL_MAX_TOKENS} tokens; that is the limit."
            error = limit_error(message, "TOO_MANY_TOKENS")
        return Checked(None, [error])
    errors = syntax_size_errors(document) or validate_document(schema, document)
    if errors:
        return Checked(None, errors)
    _valid_queries.add(key, document)
    return Checked(document, [])


def syntax_size_errors(document: DocumentNode) -> list[GraphQLError]:
    """Definitions, variable definitions and fields as written (fragments not expanded yet)."""
    variables = sum(
        len(definition.variable_definitions or ())
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )
    fields = _FieldCounter()
    visit(document, fields)
    definitions = len(document.definitions)
    limits = [
        (definitions, settings.GRAPHQL_MAX_DEFINITIONS, "TOO_MANY_DEFINITIONS", "has {} definitions"),
        (variables, settings.GRAPHQL_MAX_VARIABLES, "TOO_MANY_VARIABLES", "declares {} variables"),
        (fields.count, settings.GRAPHQL_MAX_FIELDS, "TOO_MANY_FIELDS", "writes {} fields"),
    ]
    return [
        limit_error(f"The document {what.format(value)}; the limit is {limit}.", code)
        for value, limit, code, what in limits
        if value > limit
    ]


class _FieldCounter(Visitor):
    def __init__(self):
        super().__init__()
        self.count = 0

    def enter_field(self, *_args):
        self.count += 1


def validate_document(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """The specification's rules first; the abuse limits only when those pass."""
    errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
    if errors:
        return errors
    rules: list[type[ValidationRule]] = [OperationLimitsRule]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(IntrospectionDisabledRule)
    return validate(schema, document, rules)
