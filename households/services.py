"""Writes: signing up creates the user, the household, its schema and the owner membership at once."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.emails import canonical_email
from accounts.models import User
from config.text import is_storable
from households.error_codes import HouseholdErrorCode
from households.models import Domain, Household, Membership, new_schema_name
from households.provisioning import schema_create
from households.timezones import validate_timezone

NAME_MAX_LENGTH = Household._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


@dataclass(frozen=True)
class SignUpResult:
    user: User
    household: Household


def _collect(errors: dict[str, list[ValidationError]], field: str, check) -> None:
    try:
        check()
    except ValidationError as error:
        errors.setdefault(field, []).extend(error.error_list)


def _sign_up_errors(*, email: str, password: str, household_name: str, timezone: str) -> dict:
    errors: dict[str, list[ValidationError]] = {}
    _collect(errors, "email", lambda: validate_email(email))
    if "email" not in errors and len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = [
            ValidationError(f"At most {EMAIL_MAX_LENGTH} characters.", code=HouseholdErrorCode.MAX_LENGTH)
        ]
    if "email" not in errors and User.objects.filter(email=email).exists():
        errors["email"] = [
            ValidationError("An account with this email already exists.", code=HouseholdErrorCode.TAKEN)
        ]
    if not household_name:
        errors["household_name"] = [
            ValidationError("A household name is required.", code=HouseholdErrorCode.REQUIRED)
        ]
    elif not is_storable(household_name):
        errors["household_name"] = [
            ValidationError("Remove the control characters.", code=HouseholdErrorCode.INVALID)
        ]
    elif len(household_name) > NAME_MAX_LENGTH:
        errors["household_name"] = [
            ValidationError(f"At most {NAME_MAX_LENGTH} characters.", code=HouseholdErrorCode.MAX_LENGTH)
        ]
    _collect(errors, "timezone", lambda: validate_timezone(timezone))
    if not is_storable(password):
        errors["password"] = [
            ValidationError("Remove the control characters.", code=HouseholdErrorCode.INVALID)
        ]
    else:
        _collect(errors, "password", lambda: validate_password(password, user=User(email=email)))
    return errors


def household_sign_up(
    *, email: str, password: str, household_name: str, timezone: str = "UTC"
) -> SignUpResult:
    """Create an owner and their household; any failure leaves nothing behind (one transaction)."""
    email = canonical_email(email)
    household_name = household_name.strip()
    errors = _sign_up_errors(email=email, password=password, household_name=household_name, timezone=timezone)
    if errors:
        raise ValidationError(errors)
    try:
        # The public schema whatever the caller's token activated: tenants are created from there.
        with schema_context(get_public_schema_name()), transaction.atomic():
            user = User.objects.create_user(email=email, password=password)
            household = Household.objects.create(
                schema_name=new_schema_name(), name=household_name, timezone=timezone
            )
            Domain.objects.create(
                domain=f"{household.schema_name}.households.invalid", tenant=household, is_primary=True
            )
            schema_create(schema_name=household.schema_name)
            Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    except IntegrityError as error:
        raise ValidationError(
            {
                "email": ValidationError(
                    "An account with this email already exists.", code=HouseholdErrorCode.TAKEN
                )
            }
        ) from error
    return SignUpResult(user=user, household=household)
