"""The /graphql endpoint: token-only authentication (no session, so no CSRF exposure), abuse limits."""

import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError

from config.health import DATABASE_UNAVAILABLE
from core.graphql.budget import budget_errors
from core.graphql.validation import limit_error, query_checked

# graphql-core appends " Did you mean 'x'?" (or "... the enum value 'x'?") to some messages.
SUGGESTION = re.compile(r" Did you mean [^?]*\?$")
MAX_ERROR_MESSAGE_CHARS = 500


# No answer is stored by a browser or proxy: answers carry tokens (tokenAuth, refreshToken,
# signUp; RFC 6749 section 5.1) or a household's data.
@method_decorator(never_cache, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class TokenGraphQLView(GraphQLView):
    # query_errors validates every document before graphene runs it: graphene's own validation
    # pass has no rule left to run.
    validation_rules = ()
    # GraphiQL from the vendored builds in static/vendor: graphene-django's page loads them from a CDN.
    graphiql_template = "graphiql/index.html"

    def dispatch(self, request, *args, **kwargs):
        # Refused from the headers alone: an oversized body is never read, let alone parsed.
        if (error := _request_size_error(request)) is not None:
            return _refusal(error)
        response = super().dispatch(request, *args, **kwargs)
        # A backstop behind the cost budget: no answer grows past GRAPHQL_MAX_RESPONSE_BYTES.
        if len(response.content) > settings.GRAPHQL_MAX_RESPONSE_BYTES:
            message = f"The answer would exceed {settings.GRAPHQL_MAX_RESPONSE_BYTES} bytes: ask for less."
            return _refusal(limit_error(message, "RESPONSE_TOO_LARGE"))
        return response

    def parse_body(self, request):
        # graphene-django lets RecursionError (deeply nested JSON) and UnicodeDecodeError
        # (application/graphql bodies that are not UTF-8) through as 500s.
        try:
            return super().parse_body(request)
        except (RecursionError, UnicodeDecodeError) as error:
            raise HttpError(HttpResponseBadRequest("The request body is not valid UTF-8 JSON.")) from error

    def get_graphql_params(self, request, data):
        # graphene-django passes any JSON value on as the variables (a list, a number...), and
        # everything after it expects a mapping: refuse the rest before anything reads them.
        try:
            query, variables, operation_name, id_ = super().get_graphql_params(request, data)
        except HttpError as error:
            raise RefusedRequest(_variables_refusal("JSON that does not parse")) from error
        # graphene reads `variables or ...`: 0, false and [] would pass as "no variables".
        sent = data.get("variables") if isinstance(data, dict) and "variables" not in request.GET else None
        if sent not in (None, "") and not isinstance(sent, dict | str):
            raise RefusedRequest(_variables_refusal(f"a JSON {_json_type(sent)}"))
        if variables in (None, ""):
            variables = None
        elif not isinstance(variables, dict):
            raise RefusedRequest(_variables_refusal(f"a JSON {_json_type(variables)}"))
        return query, variables, operation_name, id_

    @staticmethod
    def format_error(error):
        if isinstance(error, RefusedRequest):
            return error.error.formatted
        return GraphQLView.format_error(error)

    def get_context(self, request):
        # Resolvers see only the user of the verified Bearer token, never a session login.
        request.user = request.token_user or AnonymousUser()
        return request

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        result = self._execute(request, data, query, variables, operation_name, show_graphiql)
        for error in (result and result.errors) or ():
            if isinstance(error, GraphQLError):  # graphene passes a few other exceptions through
                _sanitize(error)
        return result

    def _execute(self, request, data, query, variables, operation_name, show_graphiql):
        # get_graphql_params let only an object (or nothing) through as the variables.
        if variables is not None and len(variables) > settings.GRAPHQL_MAX_VARIABLES:
            message = f"{len(variables)} variables sent; the limit is {settings.GRAPHQL_MAX_VARIABLES}."
            return ExecutionResult(data=None, errors=[limit_error(message, "TOO_MANY_VARIABLES")])
        if isinstance(query, str) and query:
            checked = query_checked(self.schema.graphql_schema, query)
            errors = checked.errors or budget_errors(
                self.schema.graphql_schema, checked.document, operation_name, variables
            )
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


class RefusedRequest(HttpError):
    """A 400 whose body is one GraphQL error with a code (graphene-django's own carry none)."""

    def __init__(self, error: GraphQLError):
        super().__init__(HttpResponseBadRequest(), error.message)
        self.error = error


def _variables_refusal(what: str) -> GraphQLError:
    message = f"`variables` must be a JSON object of names to values; this request sent {what}."
    return limit_error(message, "VARIABLES_NOT_AN_OBJECT")


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {list: "array", str: "string"}
    return names.get(type(value), type(value).__name__)


def _sanitize(error) -> None:
    """Production errors suggest no field names (GRAPHQL_SUGGESTIONS) and never run long: graphql-core
    echoes client values in some messages."""
    message = error.message
    if not settings.GRAPHQL_SUGGESTIONS:
        message = SUGGESTION.sub("", message)
    if len(message) > MAX_ERROR_MESSAGE_CHARS:
        message = message[:MAX_ERROR_MESSAGE_CHARS] + "…"
    error.message = message


def _request_size_error(request):
    try:
        body_bytes = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        body_bytes = 0
    size = max(body_bytes, len(request.META.get("QUERY_STRING", "")))
    if size <= settings.GRAPHQL_MAX_BODY_BYTES:
        return None
    message = f"The request is {size} bytes; the limit is {settings.GRAPHQL_MAX_BODY_BYTES}."
    return limit_error(message, "REQUEST_TOO_LARGE")


def _refusal(error) -> JsonResponse:
    return JsonResponse({"errors": [error.formatted]}, status=400)
