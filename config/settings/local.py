"""Developer machine: debug on and GraphiQL introspection."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHQL_SUGGESTIONS = env.bool("GRAPHQL_SUGGESTIONS", default=True)
GRAPHIQL = env.bool("GRAPHIQL", default=True)
# A developer signs up more than a family does.
SIGN_UP_RATE_PER_IP = env("SIGN_UP_RATE_PER_IP", default="100/h")
