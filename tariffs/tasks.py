"""Celery tasks of the market: they only call services."""

from celery import shared_task

from tariffs.services import market_publish


@shared_task(ignore_result=True)
def market_days_publish() -> None:
    """Today's prices in every zone, and tomorrow's once the zone's publication time has passed."""
    market_publish()
