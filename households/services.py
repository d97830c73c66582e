"""Writes: signing up creates the user, the household, its schema and the owner membership at once."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.emails import canonical_email
from accounts.models import EMAIL_MAX_LENGTH, User
from core.text import is_name, is_storable
from households.error_codes import HouseholdErrorCode
from households.locations import LATITUDE_RANGE, LONGITUDE_RANGE, default_location
from households.models import NAME_MAX_LENGTH, Domain, Household, Membership, new_schema_name
from households.provisioning import schema_create
from households.timezones import validate_timezone


@dataclass(frozen=True)
class SignUpResult:
    user: User
    household: Household


def _collect(errors: dict[str, list[ValidationError]], field: str, check) -> None:
    try:
        check()
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.error_list)


def _degrees(value, field: str, bounds: tuple[float, float]) -> dict[str, list[ValidationError]]:
    low, high = bounds
    if value is not None and not (isinstance(value, int | float) and low <= value <= high):
        return {
            field: [
                ValidationError(
                    f"Degrees between {low:g} and {high:g}.", code=HouseholdErrorCode.OUT_OF_RANGE
                )
            ]
        }
    return {}


def _location_errors(latitude, longitude) -> dict[str, list[ValidationError]]:
    errors = _degrees(latitude, "latitude", LATITUDE_RANGE)
    errors.update(_degrees(longitude, "longitude", LONGITUDE_RANGE))
    if not errors and (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors[missing] = [
            ValidationError("Give latitude and longitude together.", code=HouseholdErrorCode.REQUIRED)
        ]
    return errors


def _name_errors(household_name: str) -> dict[str, list[ValidationError]]:
    if not household_name:
        return {
            "household_name": [
                ValidationError("A household name is required.", code=HouseholdErrorCode.REQUIRED)
            ]
        }
    if not is_name(household_name):
        message = "Remove the control characters and text-direction overrides."
        return {"household_name": [ValidationError(message, code=HouseholdErrorCode.INVALID)]}
    if len(household_name) > NAME_MAX_LENGTH:
        message = f"At most {NAME_MAX_LENGTH} characters."
        return {"household_name": [ValidationError(message, code=HouseholdErrorCode.MAX_LENGTH)]}
    return {}


def _sign_up_errors(*, email: str, password: str, household_name: str, timezone: str) -> dict:
    errors: dict[str, list[ValidationError]] = {}
    _collect(errors, "email", lambda: validate_email(email))
    if "email" not in errors and len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = [
            ValidationError(f"At most {EMAIL_MAX_LENGTH} characters.", code=HouseholdErrorCode.MAX_LENGTH)
        ]
    errors.update(_name_errors(household_name))
    _collect(errors, "timezone", lambda: validate_timezone(timezone))
    if not is_storable(password):
        errors["password"] = [
            ValidationError("Remove the control characters.", code=HouseholdErrorCode.INVALID)
        ]
    else:
        _collect(errors, "password", lambda: validate_password(password, user=User(email=email)))
    return errors


def household_sign_up(
    *,
    email: str,
    password: str,
    household_name: str,
    timezone: str = "UTC",
    latitude: float | None = None,
    longitude: float | None = None,
    schema_name: str | None = None,
) -> SignUpResult:
    """Create an owner and their household; any failure leaves nothing behind (one transaction).

    Without a location the home sits at its time zone's point (households.locations). The schema
    name is random unless given (the demo names its homes' schemas, which also seed their
    simulation, so that every seeded demo is the same).
    """
    email = canonical_email(email)
    household_name = household_name.strip()
    errors = _sign_up_errors(email=email, password=password, household_name=household_name, timezone=timezone)
    errors.update(_location_errors(latitude, longitude))
    if errors:
        raise ValidationError(errors)
    # Whether the address has an account is asked last, after the password is hashed: a prober
    # learns it only from a request that would otherwise succeed, and both answers cost one hash
    # (docs/security.md: the signal that remains).
    password_hash = make_password(password)
    if User.objects.filter(email=email).exists():
        raise _taken()
    if latitude is None:
        latitude, longitude = default_location(timezone)
    try:
        # The public schema whatever the caller's token activated: tenants are created from there.
        with schema_context(get_public_schema_name()), transaction.atomic():
            user = User.objects.create(email=email, password=password_hash)
            household = Household.objects.create(
                schema_name=schema_name or new_schema_name(),
                name=household_name,
                timezone=timezone,
                latitude=latitude,
                longitude=longitude,
            )
            Domain.objects.create(
                domain=f"{household.schema_name}.households.invalid", tenant=household, is_primary=True
            )
            schema_create(schema_name=household.schema_name)
            Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    except IntegrityError as error:
        raise _taken() from error
    return SignUpResult(user=user, household=household)


def _taken() -> ValidationError:
    message = "An account with this email already exists."
    return ValidationError({"email": ValidationError(message, code=HouseholdErrorCode.TAKEN)})


def household_update(
    *,
    household: Household,
    name: str | None = None,
    timezone: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Household:
    """Change what the owner gave; all fields are checked before anything is written."""
    errors: dict[str, list[ValidationError]] = {}
    if name is not None:
        name = name.strip()
        problems = _name_errors(name).get("household_name")
        if problems:
            errors["name"] = problems
    if timezone is not None:
        _collect(errors, "timezone", lambda: validate_timezone(timezone))
    errors.update(
        _degrees(latitude, "latitude", LATITUDE_RANGE) | _degrees(longitude, "longitude", LONGITUDE_RANGE)
    )
    if errors:
        raise ValidationError(errors)
    changes = {"name": name, "timezone": timezone, "latitude": latitude, "longitude": longitude}
    fields = [field for field, value in changes.items() if value is not None]
    for field in fields:
        setattr(household, field, changes[field])
    if fields:
        with schema_context(get_public_schema_name()):
            household.save(update_fields=fields)
    return household
