"""Production: secrets required from the environment, HTTPS hardening when it is configured."""

from django.core.exceptions import ImproperlyConfigured

from config.secret_keys import refusal

from .base import *  # noqa: F403
from .base import GRAPHQL_JWT, env

DEBUG = False
DEMO_PUBLISHED_PASSWORDS = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
GRAPHQL_JWT["JWT_SECRET_KEY"] = env("JWT_SECRET_KEY", default=SECRET_KEY)
for _setting, _key in (("DJANGO_SECRET_KEY", SECRET_KEY), ("JWT_SECRET_KEY", GRAPHQL_JWT["JWT_SECRET_KEY"])):
    if _problem := refusal(_setting, _key):
        raise ImproperlyConfigured(_problem)

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
