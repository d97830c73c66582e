"""The base of every mutation whose refusals are payload errors (Saleor's BaseMutation, smaller).

A subclass names its domain's error type (`Meta.error_type`, from core.graphql.errors) and
implements `perform_mutation`, returning the payload's fields. A ValidationError the services
raise becomes `errors` (every other field at its `error_fields` value, null by default); success
answers `errors: []`. Permission refusals stay top-level GraphQL errors (core.graphql.permissions).

A mutation whose refusals concern the whole request (the token mutations) names its error enum
instead (`Meta.error_codes`): it has no `errors` field, and `perform_mutation` raises a
core.graphql.errors.Refusal whose code must be in that enum.
"""

from typing import Any, ClassVar

import graphene
from django.core.exceptions import ValidationError
from graphene.types.mutation import MutationOptions

from core.graphql.errors import Refusal, payload_errors


class BaseMutationOptions(MutationOptions):
    error_type = None
    error_codes = None


class BaseMutation(graphene.Mutation):
    error_fields: ClassVar[dict[str, Any]] = {}

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, error_type=None, error_codes=None, _meta=None, **options):
        if (error_type is None) == (error_codes is None):
            raise TypeError(
                f"{cls.__name__} needs Meta.error_type (core.graphql.errors.error_type) or Meta.error_codes"
            )
        _meta = _meta or BaseMutationOptions(cls)
        _meta.error_type = error_type
        _meta.error_codes = error_codes
        super().__init_subclass_with_meta__(_meta=_meta, **options)
        if error_type is None:
            return
        cls._meta.fields["errors"] = graphene.Field(
            graphene.NonNull(graphene.List(graphene.NonNull(error_type))),
            description="Why the input was refused (then nothing was written); empty on success.",
        )

    @classmethod
    def perform_mutation(cls, root, info, **data) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def mutate(cls, root, info, **data):
        codes = cls._meta.error_codes
        if codes is not None:
            try:
                return cls(**cls.perform_mutation(root, info, **data))
            except Refusal as refusal:
                if not isinstance(refusal.code, codes):
                    raise TypeError(f"{cls.__name__}: {refusal.code!r} is not in {codes.__name__}") from None
                raise
        try:
            fields = cls.perform_mutation(root, info, **data)
        except ValidationError as error:
            return cls(**cls.error_fields, errors=payload_errors(error, cls._meta.error_type.codes))
        return cls(**fields, errors=[])
