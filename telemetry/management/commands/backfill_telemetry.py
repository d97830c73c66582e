from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.commands import aware_datetime
from households.models import Household
from telemetry import services


class Command(BaseCommand):
    help = "Simulate history up to now (batched COPY writes); re-running a range adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, required=True)
        parser.add_argument("--household", help="Household name; default: every household.")
        parser.add_argument("--step-seconds", type=int, default=60)
        parser.add_argument("--until", help="ISO 8601 end of the range, with offset; default: now.")

    def handle(self, *args, days, household=None, step_seconds=60, until=None, **options):
        if days <= 0 or step_seconds <= 0:
            raise CommandError("--days and --step-seconds must be positive.")
        households = Household.objects.exclude(schema_name="public")
        if household:
            households = households.filter(name=household)
            if not households.exists():
                raise CommandError(f"No household named {household!r}.")
        end = services.tick_instant(now=self._until(until), seconds=step_seconds)
        start = end - timedelta(days=days)
        for item in households:
            total = int((end - start).total_seconds() // step_seconds)
            with tqdm(total=total, desc=item.name, unit="tick", disable=options["verbosity"] < 1) as bar:
                written = services.household_backfill(
                    household=services.HouseholdRef.of(item),
                    start=start,
                    end=end,
                    seconds=step_seconds,
                    progress=bar.update,
                )
            self.stdout.write(f"{item.name}: {written} ticks written.")

    @staticmethod
    def _until(value: str | None) -> datetime:
        if value is None:
            return datetime.now(UTC)
        return aware_datetime("--until", value)
