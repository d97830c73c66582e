"""Mutation errors travel in the payload as `errors { field message code }` (Saleor style).

Each domain names its codes in a plain-Python StrEnum (devices.error_codes, households.error_codes);
`error_type` turns one into the domain's GraphQL error type, whose `code` is that enum. The codes
keep their lowercase spelling (`out_of_range`), as clients have always received them.
"""

import logging
from collections.abc import Iterator
from enum import StrEnum

import graphene
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

logger = logging.getLogger(__name__)


def error_type(name: str, codes: type[StrEnum], domain: str) -> type[graphene.ObjectType]:
    """The GraphQL type `name` (e.g. `DeviceError`) whose `code` is the enum `<name>Code`."""
    code_enum = graphene.Enum(
        f"{name}Code",
        [(code.value, code.value) for code in codes],
        description=f"Why a {domain} was refused.",
    )
    return type(
        name,
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": f"A problem with the input of a {domain}."}),
            "field": graphene.String(
                description="Input field at fault, e.g. `battery.capacityWh`; null for the whole input."
            ),
            "message": graphene.String(required=True),
            "code": graphene.Field(code_enum, required=True, description="Stable machine-readable code."),
            "codes": codes,
        },
    )


def _camel_path(field: str) -> str | None:
    if field == NON_FIELD_ERRORS:
        return None
    return ".".join(to_camel_case(part) for part in field.split("."))


def _code(code: str | None, codes: type[StrEnum]) -> str:
    if code is not None and code in codes._value2member_map_:
        return codes(code).value
    logger.error("Error code %r is not in %s; answered as invalid", code, codes.__name__)
    return codes("invalid").value


def _flatten(error: ValidationError) -> Iterator[tuple[str, ValidationError]]:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for each in errors:
                yield field, each
    else:
        for each in error.error_list:
            yield NON_FIELD_ERRORS, each


def payload_errors(error: ValidationError, codes: type[StrEnum]) -> list[dict]:
    """A service's ValidationError as payload errors: camel-cased field paths, codes of the domain."""
    return [
        {
            "field": _camel_path(field),
            "message": each.message % (each.params or {}),
            "code": _code(each.code, codes),
        }
        for field, each in _flatten(error)
    ]


class Refusal(GraphQLError):
    """A refusal of the whole request (no payload): `extensions.code` is a member of the domain's
    error enum, so a mutation cannot answer a code its domain does not name."""

    def __init__(self, code: StrEnum, message: str):
        super().__init__(message, extensions={"code": code.value})
        self.code = code
