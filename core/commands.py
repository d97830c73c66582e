"""Helpers shared by the management commands."""

from datetime import datetime

from django.core.management.base import CommandError


def aware_datetime(option: str, value: str) -> datetime:
    """An ISO 8601 time with a UTC offset given to `option` (e.g. `--at`), or a CommandError naming it."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option} must be an ISO 8601 time: {error}") from error
    if parsed.tzinfo is None:
        raise CommandError(f"{option} needs a UTC offset, e.g. 2026-06-01T00:00:00+00:00")
    return parsed
