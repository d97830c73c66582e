from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "telemetry"
    verbose_name = "Telemetry"

    def ready(self) -> None:
        # Connects the signal receivers; sizes the physics caches for the fleet.
        from django.conf import settings

        from telemetry import physics, receivers  # noqa: F401

        physics.size_caches(
            households=settings.TELEMETRY_SIMULATED_HOUSEHOLDS, places=settings.TELEMETRY_SIMULATED_PLACES
        )
