"""Production settings plus the load benchmark's baseline view (bench.urls); never deployed."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
