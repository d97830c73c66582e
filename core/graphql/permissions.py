"""Who may call what: refusals are top-level GraphQL errors with a code, never data."""

from functools import wraps

from graphql import GraphQLError


class NotAuthenticated(GraphQLError):
    def __init__(self, message: str = "Authentication required: send 'Authorization: Bearer <token>'."):
        super().__init__(message, extensions={"code": "UNAUTHENTICATED"})


class PermissionDenied(GraphQLError):
    def __init__(self, message: str = "You do not have permission to do this."):
        super().__init__(message, extensions={"code": "FORBIDDEN"})


def _request(info):
    return info.context


def _authenticated_user(info):
    request = _request(info)
    user = getattr(request, "token_user", None)
    if user is None:
        raise NotAuthenticated(getattr(request, "token_error", None) or NotAuthenticated().message)
    return user


def login_required(resolver):
    @wraps(resolver)
    def wrapper(root, info, *args, **kwargs):
        _authenticated_user(info)
        return resolver(root, info, *args, **kwargs)

    return wrapper


def household_required(resolver):
    """The caller must belong to a household; its schema is already active (see the middleware)."""

    @wraps(resolver)
    def wrapper(root, info, *args, **kwargs):
        _authenticated_user(info)
        if getattr(_request(info), "household", None) is None:
            raise PermissionDenied("This account does not belong to a household.")
        return resolver(root, info, *args, **kwargs)

    return wrapper


def staff_required(resolver):
    @wraps(resolver)
    def wrapper(root, info, *args, **kwargs):
        if not _authenticated_user(info).is_staff:
            raise PermissionDenied("Staff only.")
        return resolver(root, info, *args, **kwargs)

    return wrapper
