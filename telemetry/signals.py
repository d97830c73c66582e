"""What telemetry announces to the apps above it, which subscribe instead of being called."""

from django.dispatch import Signal

# Sent once every household of the fleet has run the tick at `at` (keyword argument), whether the
# tick ran on Celery workers (telemetry.tasks.fleet_tick_done) or in this process.
fleet_ticked = Signal()
