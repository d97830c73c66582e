"""The first authentication backend: a client IP over its failed-login budget tries no password at all.

It runs for every login, GraphQL `tokenAuth` and the admin alike, before django-axes (per account)
and the password check. Refusing raises PermissionDenied, which Django reports as a failed login:
the caller sees the same "invalid credentials" or lockout answer, never whether the account exists.
"""

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from accounts.throttle import login_failure_count, login_failures_exceeded


class ClientIpThrottleBackend:
    """Authenticates nobody and has no get_user, so sessions (force_login too) never name it."""

    def authenticate(self, request, **credentials):
        if request is not None and login_failures_exceeded(request):
            request.login_throttled = True
            raise PermissionDenied
        return None


@receiver(user_login_failed)
def count_failure_per_ip(sender, credentials, request=None, **kwargs):
    if request is not None and not getattr(request, "login_throttled", False):
        login_failure_count(request)
