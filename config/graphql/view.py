"""The /graphql endpoint: token-only authentication (no session, so no CSRF exposure)."""

from django.contrib.auth.models import AnonymousUser
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView


@method_decorator(csrf_exempt, name="dispatch")
class TokenGraphQLView(GraphQLView):
    def get_context(self, request):
        # Resolvers see only the user of the verified Bearer token, never a session login.
        request.user = request.token_user or AnonymousUser()
        return request
