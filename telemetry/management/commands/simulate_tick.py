from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from core.commands import aware_datetime
from telemetry import services


class Command(BaseCommand):
    help = (
        "Run one fleet tick now, in this process (the same code as the Celery household task). "
        "A household that already has the tick is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--at", help="ISO 8601 instant with offset, not in the future; default: now, aligned to the tick."
        )

    def handle(self, *args, at=None, **options):
        seconds = services.tick_seconds()
        current = services.tick_instant(seconds=seconds)
        instant = current if at is None else self._past_instant(at, seconds, current)
        report = services.fleet_tick_in_process(at=instant, seconds=seconds)
        self.stdout.write(
            f"Tick {instant.isoformat()}: {report.written} households written, "
            f"{report.skipped} already had it, {len(report.failed)} failed."
        )
        if report.failed:
            raise CommandError(f"Failed households: {', '.join(report.failed)}")
        if report.skipped and not report.written:
            self.stdout.write(self._already_done(instant, current, seconds))

    @staticmethod
    def _past_instant(at: str, seconds: int, current: datetime) -> datetime:
        instant = services.tick_instant(now=aware_datetime("--at", at), seconds=seconds)
        if instant > current:
            raise CommandError(
                f"--at {instant.isoformat()} is in the future (the current tick is {current.isoformat()}): "
                "a tick is simulated once its time has come, so homes never run ahead of the clock. "
                "Leave out --at for the current tick."
            )
        return instant

    @staticmethod
    def _already_done(instant: datetime, current: datetime, seconds: int) -> str:
        if instant < current:
            return "Nothing new: every household already has that tick (a tick is written once)."
        following = current + timedelta(seconds=seconds)
        return (
            "Nothing new: every household already has the current tick, most likely from Celery beat "
            f"(`make run` ticks every {seconds} s by itself). The next tick is due at "
            f"{following.isoformat()}; watch it with energySummary or the admin, or pass --at for a past "
            "instant that is missing."
        )
