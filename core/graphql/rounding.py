"""Measurements leave the API rounded: every Float field named in W, Wh or percent, to 0.1.

The simulation keeps full precision (physics and rollups are exact sums); only the answer is
rounded, so clients see `86.3`, not `86.30407473890044`, and `0.0`, not `5.684341886080802e-15`.
Applied once to the built schema (config.schema), by field name, so a field any app adds later
(`selfConsumedWh`, `gridImportW`, ...) is rounded too, and its description says so. Floats in
other units (coordinates, angles) are left alone. -0.0 becomes 0.0.
"""

import re
from functools import wraps

from graphql import (
    GraphQLFloat,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    default_field_resolver,
)

MEASUREMENT = re.compile(r"[a-z0-9](W|Wh|Percent)$")
DECIMALS = 1
# The most a rounded answer differs from the exact value: tests of sums allow this per term.
HALF_STEP = 0.05
NOTE = "Rounded to 0.1."


def measurement_round(value: float | None) -> float | None:
    """0.1 resolution, never -0.0; None stays None."""
    if value is None:
        return None
    return round(float(value), DECIMALS) + 0.0


def _rounded(resolve):
    @wraps(resolve)
    def resolver(root, info, **arguments):
        return measurement_round(resolve(root, info, **arguments))

    return resolver


def measurements_round(schema: GraphQLSchema) -> GraphQLSchema:
    """Wrap the resolver of every Float field whose name ends in W, Wh or Percent (object types;
    interfaces, which resolve nothing, get the note in their descriptions only)."""
    for graphql_type in schema.type_map.values():
        if not isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType
        ) or graphql_type.name.startswith("__"):
            continue
        for name, field in graphql_type.fields.items():
            field_type = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if field_type is GraphQLFloat and MEASUREMENT.search(name):
                if isinstance(graphql_type, GraphQLObjectType):
                    field.resolve = _rounded(field.resolve or default_field_resolver)
                field.description = f"{field.description} {NOTE}" if field.description else NOTE
    return schema
