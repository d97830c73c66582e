"""Periodic account housekeeping, scheduled by Celery beat."""

from celery import shared_task

from accounts import services


@shared_task
def refresh_tokens_purge() -> int:
    return services.refresh_tokens_purge()
