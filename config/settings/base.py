"""Settings shared by every environment; the environment is read here and nowhere else."""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# Development fallback only: production.py insists on a real key from the environment.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-0123456789abcdefghijklmnop")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

DJANGO_SHARED_APPS = [
    "django_tenants",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "graphene_django",
    "axes",
    "django_ratelimit",
    "csp",
]
LOCAL_SHARED_APPS = [
    "accounts",
    "households",
    # Tariffs and market prices are shared, keyed by household and zone: the tick reads them set-based.
    "tariffs",
    # Telemetry's tables are shared, keyed by household (telemetry.models): one COPY for many homes.
    "telemetry",
    # Forecasts and cost-optimal plans; the plans the tick follows are telemetry's table.
    "planning",
    "reporting",
    # Gateway keys sit in public beside the households: an ingestion request finds its home in one look-up.
    "gateways",
    "demo",
]
SHARED_APPS = DJANGO_SHARED_APPS + THIRD_PARTY_APPS + LOCAL_SHARED_APPS
TENANT_APPS = [
    "devices",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "households.Household"
TENANT_DOMAIN_MODEL = "households.Domain"
PUBLIC_SCHEMA_NAME = "public"
# Holds the tenant migration history that each new household schema copies (households.provisioning).
TENANT_TEMPLATE_SCHEMA = "household_template"

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "households.middleware.HouseholdFromTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/energy"),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request (503) within seconds instead of hanging it.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
    "DATABASE_CONNECT_TIMEOUT", default=3
)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ClientIpThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Content-Security-Policy (django-csp) on every page the app serves (admin, GraphiQL): scripts,
# styles and everything else from this origin only; no inline script, no framing, no plugins.
# Styles may be inline (the admin and GraphiQL set style attributes); scripts never.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

STATIC_URL = "static/"
# The project's own assets: GraphiQL's page script and its vendored builds (static/vendor/README.md).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# GraphQL -------------------------------------------------------------------
GRAPHENE = {
    "SCHEMA": "config.schema.schema",
    "MIDDLEWARE": [],
}
# Abuse limits, checked before a query runs (core.graphql.validation; values explained in
# docs/security.md). First what a request may weigh, checked before anything is parsed or
# validated: body bytes, query characters, tokens (graphql-core stops parsing there), definitions,
# variables (declared, and sent in the JSON).
GRAPHQL_MAX_BODY_BYTES = env.int("GRAPHQL_MAX_BODY_BYTES", default=32 * 1024)
GRAPHQL_MAX_QUERY_CHARS = env.int("GRAPHQL_MAX_QUERY_CHARS", default=16 * 1024)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=2000)
GRAPHQL_MAX_DEFINITIONS = env.int("GRAPHQL_MAX_DEFINITIONS", default=20)
GRAPHQL_MAX_VARIABLES = env.int("GRAPHQL_MAX_VARIABLES", default=50)
# Then, after the specification's rules: nested field levels, aliases and fields per operation,
# fragments expanded (fields are also counted as written, before the quadratic rules run).
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=10)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=30)
GRAPHQL_MAX_FIELDS = env.int("GRAPHQL_MAX_FIELDS", default=200)
# Off unless asked, whatever DJANGO_DEBUG says: local.py switches these three on for development,
# and production with DJANGO_DEBUG=1 must not map the schema for anyone.
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=False)
# Field-name suggestions ("Did you mean ...?") in error messages: they map the schema for anyone.
GRAPHQL_SUGGESTIONS = env.bool("GRAPHQL_SUGGESTIONS", default=False)
# The GraphiQL page at /graphql (a browser's GET); the API itself answers either way.
GRAPHIQL = env.bool("GRAPHIQL", default=False)
# Error messages echo at most this many characters of what the client sent (core.text.excerpt).
ECHO_MAX_CHARS = 64
# The cost budget of one request (core.graphql.budget), charged before any resolver runs, and
# the size of any answer (a 10,000-bucket history is ~1.3 MB of JSON).
GRAPHQL_ONCE_PER_REQUEST = ("signUp", "tokenAuth", "refreshToken")
GRAPHQL_MAX_HISTORY_BUCKETS = env.int("GRAPHQL_MAX_HISTORY_BUCKETS", default=10_000)
GRAPHQL_MAX_RESPONSE_BYTES = env.int("GRAPHQL_MAX_RESPONSE_BYTES", default=4 * 1024 * 1024)

# Tokens: short-lived HS256 access tokens, long-running revocable refresh tokens rotated on use.
GRAPHQL_JWT = {
    "JWT_ALGORITHM": "HS256",
    "JWT_SECRET_KEY": env("JWT_SECRET_KEY", default=SECRET_KEY),
    "JWT_VERIFY_EXPIRATION": True,
    "JWT_EXPIRATION_DELTA": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=5)),
    "JWT_LONG_RUNNING_REFRESH_TOKEN": True,
    "JWT_REFRESH_EXPIRATION_DELTA": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "JWT_REFRESH_TOKEN_MODEL": "accounts.RefreshToken",
    # Access tokens carry the user's id and token generation, and every claim is required and typed.
    "JWT_PAYLOAD_HANDLER": "accounts.tokens.access_payload",
    "JWT_DECODE_HANDLER": "accounts.tokens.access_decode",
    "JWT_AUTH_HEADER_PREFIX": "Bearer",
    "JWT_ALLOW_ARGUMENT": False,
}
# A chain of rotated refresh tokens never outlives its first login by more than this.
JWT_REFRESH_SESSION_MAX_AGE = timedelta(days=env.int("JWT_REFRESH_SESSION_DAYS", default=30))

# seed_demo's logins use the passwords published in the docs; production settings generate them.
DEMO_PUBLISHED_PASSWORDS = True

# Login throttling (django-axes): lock one account after repeated failures, whatever the IP, and
# whatever way the email is written (failures counted per canonical address, accounts.emails).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# django-graphql-jwt and the admin call authenticate(username=<email>).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.emails.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = [
    "axes.W002",  # no AxesMiddleware: tokenAuth answers a lockout itself, as a GraphQL error
    # Django's own RedisCache increments atomically (Redis INCR), which is what django-ratelimit needs.
    "django_ratelimit.W001",
    "axes.W006",  # axes locks per account; per IP is accounts.throttle, with a higher NAT-friendly limit
]

# Celery ---------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Results are kept only so that the fleet tick's chord (telemetry.tasks) knows when every
# household has ticked; they expire long before the next day's ticks pile up.
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = timedelta(minutes=30)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task left unacknowledged by a dead worker is delivered again after this many seconds
# (tests/hardening/test_worker_kill.py shows when).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = "UTC"

# Per-client-IP throttles (accounts.throttle, django-ratelimit) count in Redis; "N/period" with
# period s, m, h or d, optionally multiplied ("30/15m"). Failed logins across every account from
# one IP (password spraying; homes share IPs behind carrier-grade NAT, hence far above the
# per-account 5), and sign-ups from one IP.
LOGIN_FAILURES_PER_IP = env("LOGIN_FAILURES_PER_IP", default="30/15m")
SIGN_UP_RATE_PER_IP = env("SIGN_UP_RATE_PER_IP", default="5/h")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("THROTTLE_REDIS_URL", default=REDIS_URL),
        "KEY_PREFIX": env("THROTTLE_KEY_PREFIX", default="throttle"),
        # An unreachable Redis costs a request half a second at most (see accounts.throttle).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # The tick's device configuration, shared by the worker processes (telemetry.services):
    # ~1 KB per household, kept a week after a process last read its schema.
    "devices": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "devices",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}
RATELIMIT_USE_CACHE = "throttle"
RATELIMIT_IP_META_KEY = "accounts.throttle.client_ip"
# Which request.META entry holds the client's address: REMOTE_ADDR, or behind a proxy that sets it
# (and overwrites what clients send) e.g. HTTP_X_REAL_IP. Docker's port publishing shows every
# client as the bridge gateway, so one address shares the throttles until a proxy passes the real one.
CLIENT_IP_META_KEY = env("CLIENT_IP_META_KEY", default="REMOTE_ADDR")
TELEMETRY_TICK_SECONDS = env.int("TELEMETRY_TICK_SECONDS", default=60)
TELEMETRY_EV_RESERVE_PERCENT = env.float("TELEMETRY_EV_RESERVE_PERCENT", default=20.0)
# Raw readings are kept this many days (whole daily partitions are dropped); hourly rollups forever.
TELEMETRY_RETENTION_DAYS = env.int("TELEMETRY_RETENTION_DAYS", default=35)
# Households per Celery tick task (and per write batch): one COPY and a few set-based statements each.
TELEMETRY_TICK_CHUNK = env.int("TELEMETRY_TICK_CHUNK", default=250)
# Households whose device configuration one worker process caches (telemetry.services): the
# whole fleet, since any worker may be handed any chunk (measured ~1.8 KB per 8-device household:
# ~450 MB per worker process for 250,000 households).
TELEMETRY_DEVICE_CACHE_HOUSEHOLDS = env.int("TELEMETRY_DEVICE_CACHE_HOUSEHOLDS", default=300_000)
# What one process's physics caches hold (telemetry.physics.size_caches): a day of each household it
# ticks (~2 KB each, so at least the fleet), and four solar days of each ~1 km place its homes are at.
TELEMETRY_SIMULATED_HOUSEHOLDS = env.int("TELEMETRY_SIMULATED_HOUSEHOLDS", default=300_000)
TELEMETRY_SIMULATED_PLACES = env.int("TELEMETRY_SIMULATED_PLACES", default=2_048)
# Real devices (gateways app, docs/gateways.md). Keys per household; per-key throttles ("N/period",
# period s, m, h or d) on requests and on readings, counted in Redis; the ingestion body limits.
GATEWAY_KEYS_PER_HOUSEHOLD_MAX = env.int("GATEWAY_KEYS_PER_HOUSEHOLD_MAX", default=5)
GATEWAY_REQUESTS_PER_KEY = env("GATEWAY_REQUESTS_PER_KEY", default="120/m")
GATEWAY_READINGS_PER_KEY = env("GATEWAY_READINGS_PER_KEY", default="200000/h")
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=1_048_576)
INGEST_MAX_READINGS = env.int("INGEST_MAX_READINGS", default=5_000)
# Clock skew allowed into the future for a reading's time, seconds.
INGEST_MAX_SKEW_SECONDS = env.int("INGEST_MAX_SKEW_SECONDS", default=60)
# The MQTT broker (Mosquitto with its dynamic-security plugin): the bridge (manage.py ingest_mqtt)
# and the key mutations log in as MQTT_USERNAME, a dynamic-security admin. No MQTT_HOST: HTTP only,
# and creating a key creates no broker client.
MQTT_HOST = env("MQTT_HOST", default="")
MQTT_PORT = env.int("MQTT_PORT", default=1883)
MQTT_USERNAME = env("MQTT_USERNAME", default="admin")
MQTT_PASSWORD = env("MQTT_PASSWORD", default="")
# Plans (planning): remade when due (planning.services.plans_due), checked every PLANNING_CHECK_SECONDS:
# older than PLANNING_MAX_AGE_SECONDS, a store PLANNING_DRIFT_WH off the plan, or devices changed.
PLANNING_CHECK_SECONDS = env.int("PLANNING_CHECK_SECONDS", default=300)
PLANNING_MAX_AGE_SECONDS = env.int("PLANNING_MAX_AGE_SECONDS", default=3600)
PLANNING_DRIFT_WH = env.float("PLANNING_DRIFT_WH", default=1000.0)
PLANNING_CHUNK = env.int("PLANNING_CHUNK", default=50)
PLANNING_DUE_MAX = env.int("PLANNING_DUE_MAX", default=50_000)

CELERY_BEAT_SCHEDULE = {
    "plans-refresh": {
        "task": "planning.tasks.plans_refresh",
        "schedule": float(PLANNING_CHECK_SECONDS),
    },
    "fleet-tick": {
        "task": "telemetry.tasks.fleet_tick",
        "schedule": float(TELEMETRY_TICK_SECONDS),
    },
    # Tomorrow's reading partitions exist before midnight; those past the retention are dropped.
    "telemetry-partitions": {
        "task": "telemetry.tasks.partitions_maintain",
        "schedule": 3600.0,
    },
    # Each zone's day-ahead prices for tomorrow, generated once after its publication time.
    "market-publish": {
        "task": "tariffs.tasks.market_days_publish",
        "schedule": 300.0,
    },
    # Rotation leaves a revoked token behind on every refresh (django-graphql-jwt #159).
    "refresh-tokens-purge": {
        "task": "accounts.tasks.refresh_tokens_purge",
        "schedule": 3600.0,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "structured": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structured",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
    },
}
