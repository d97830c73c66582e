from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tariffs.entsoe import ImportProblem
from tariffs.services import prices_import


class Command(BaseCommand):
    help = (
        "Load day-ahead prices for a zone from an ENTSO-E Transparency Platform CSV export; "
        "imported prices replace simulated ones over their intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("zone", help="Market zone, e.g. DE-LU.")
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args, zone, file, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            count = prices_import(zone, text)
        except ImportProblem as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{zone}: {count} imported intervals.")
