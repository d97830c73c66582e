"""Choose the household schema from the verified access token, and from nothing else.

django-graphql-jwt authenticates inside graphene, too late to choose a schema, so this Django
middleware does it: reset to public, verify the Bearer token, look up the membership, activate.
"""

from typing import cast

from django.db import connection as db_connection
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper

from accounts.tokens import InvalidToken, bearer_token, user_from_token
from households.selectors import household_for_user

# The connection as django-tenants makes it (its schema switches are not in django-stubs' types).
connection = cast(TenantDatabaseWrapper, db_connection)


class HouseholdFromTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection.set_schema_to_public()
        request.token_user = None
        request.token_error = None
        request.household = None
        try:
            self._authenticate(request)
            return self.get_response(request)
        finally:
            connection.set_schema_to_public()

    @staticmethod
    def _authenticate(request) -> None:
        try:
            token = bearer_token(request.headers.get("Authorization", ""))
            if token is None:
                return
            user = user_from_token(token)
        except InvalidToken as error:
            request.token_error = str(error)
            return
        request.token_user = user
        request.household = household_for_user(user_id=user.pk)
        if request.household is not None:
            connection.set_tenant(request.household)
