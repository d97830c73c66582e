"""Signals devices send for the apps above it (which devices may not import)."""

from django.dispatch import Signal

plan_inputs_changed = Signal()
"""A household's devices, a mode or a charge target changed (sent after commit): its plan is out of
date. Keyword argument: `schema_name`, the household's schema."""
