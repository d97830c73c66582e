"""Validation problems travel in the payload as `errors { field message code }` (Saleor style)."""

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphene.utils.str_converters import to_camel_case


class FieldError(graphene.ObjectType):
    field = graphene.String(
        description="Input field at fault, e.g. `battery.capacityWh`; null for the whole input."
    )
    message = graphene.String(required=True)
    code = graphene.String(
        required=True, description="Stable machine-readable code, e.g. `required`, `out_of_range`."
    )


def _camel_path(field: str) -> str | None:
    if field == NON_FIELD_ERRORS:
        return None
    return ".".join(to_camel_case(part) for part in field.split("."))


def field_errors(error: ValidationError) -> list[FieldError]:
    """Turn a service's ValidationError into payload errors, camel-casing the field paths."""
    if not hasattr(error, "error_dict"):
        return [
            FieldError(field=None, message=e.message % (e.params or {}), code=e.code or "invalid")
            for e in error.error_list
        ]
    return [
        FieldError(field=_camel_path(field), message=e.message % (e.params or {}), code=e.code or "invalid")
        for field, errors in error.error_dict.items()
        for e in errors
    ]
