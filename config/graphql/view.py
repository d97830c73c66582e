"""The /graphql endpoint: token-only authentication (no session, so no CSRF exposure), abuse limits."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult

from config.graphql.validation import query_errors
from config.health import DATABASE_UNAVAILABLE


@method_decorator(csrf_exempt, name="dispatch")
class TokenGraphQLView(GraphQLView):
    # query_errors validates every document before graphene runs it: graphene's own validation
    # pass has no rule left to run.
    validation_rules = ()
    # GraphiQL from the vendored builds in static/vendor: graphene-django's page loads them from a CDN.
    graphiql_template = "graphiql/index.html"

    def parse_body(self, request):
        # graphene-django lets RecursionError (deeply nested JSON) and UnicodeDecodeError
        # (application/graphql bodies that are not UTF-8) through as 500s.
        try:
            return super().parse_body(request)
        except (RecursionError, UnicodeDecodeError) as error:
            raise HttpError(HttpResponseBadRequest("The request body is not valid UTF-8 JSON.")) from error

    def get_context(self, request):
        # Resolvers see only the user of the verified Bearer token, never a session login.
        request.user = request.token_user or AnonymousUser()
        return request

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        # Anything but a string (JSON allows numbers, lists...) is left to graphene, which refuses it.
        errors = query_errors(self.schema.graphql_schema, query) if isinstance(query, str) and query else []
        if errors:
            return ExecutionResult(data=None, errors=errors)
        result = super().execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )
        # A resolver that lost the database fails the whole request (config.health answers 503),
        # rather than a 200 carrying the driver's message.
        for error in (result and result.errors) or ():
            cause = getattr(error, "original_error", error)
            if isinstance(cause, DATABASE_UNAVAILABLE):
                raise cause
        return result
