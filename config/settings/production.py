"""Production: secrets required from the environment, HTTPS hardening when it is configured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import GRAPHQL_JWT, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
GRAPHQL_JWT["JWT_SECRET_KEY"] = env("JWT_SECRET_KEY", default=SECRET_KEY)
if len(GRAPHQL_JWT["JWT_SECRET_KEY"]) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY / JWT_SECRET_KEY must be at least 32 characters.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
# Probes call the container over plain HTTP, from inside it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
