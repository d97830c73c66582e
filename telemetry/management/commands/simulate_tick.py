from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from telemetry import services


class Command(BaseCommand):
    help = "Run one fleet tick now, in this process (the same code as the Celery household task)."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO 8601 instant with offset; default: now, aligned to the tick.")

    def handle(self, *args, at=None, **options):
        seconds = services.tick_seconds()
        if at:
            try:
                instant = datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at must be an ISO 8601 time: {error}") from error
            if instant.tzinfo is None:
                raise CommandError("--at needs a UTC offset, e.g. 2026-06-01T12:00:00+00:00")
            instant = services.tick_instant(now=instant, seconds=seconds)
        else:
            instant = services.tick_instant(seconds=seconds)
        report = services.fleet_tick_in_process(at=instant, seconds=seconds)
        self.stdout.write(
            f"Tick {instant.isoformat()}: {report.written} households written, "
            f"{report.skipped} already had it, {len(report.failed)} failed."
        )
        if report.failed:
            raise CommandError(f"Failed households: {', '.join(report.failed)}")
