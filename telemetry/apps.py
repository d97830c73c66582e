from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "telemetry"
    verbose_name = "Telemetry"

    def ready(self) -> None:
        # Connects the signal receivers; lets the devices API read the live state (devices.live);
        # sizes the physics caches for the fleet.
        from django.conf import settings

        from devices import live
        from telemetry import physics, receivers, selectors  # noqa: F401

        live.reader_register(selectors.devices_live)
        physics.size_caches(
            households=settings.TELEMETRY_SIMULATED_HOUSEHOLDS, places=settings.TELEMETRY_SIMULATED_PLACES
        )
