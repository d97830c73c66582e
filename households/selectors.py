"""Reads about households and who belongs to them."""

from households.models import Household, Membership


def household_for_user(*, user_id: int) -> Household | None:
    """The user's household, read on every request so that removing a member takes effect at once."""
    membership = Membership.objects.select_related("household").filter(user_id=user_id).first()
    return membership.household if membership else None
