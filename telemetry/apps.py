from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "telemetry"
    verbose_name = "Telemetry"

    def ready(self) -> None:
        # Connects the signal receivers; lets the devices API read the live state (devices.live).
        from devices import live
        from telemetry import receivers, selectors  # noqa: F401

        live.reader_register(selectors.devices_live)
