"""The production URLs plus `plain_energy_summary`, the load benchmark's baseline (bench.load)."""

from django.urls import path

from bench.load import plain_energy_summary
from config.urls import handler500, urlpatterns

urlpatterns = [*urlpatterns, path("bench/energy-summary", plain_energy_summary)]

__all__ = ["handler500", "urlpatterns"]
