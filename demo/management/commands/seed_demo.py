import time
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.commands import aware_datetime
from demo import seed as demo


class Command(BaseCommand):
    help = (
        "Create three demo homes (Berlin, Austin, Sydney), their owners and an operator, and backfill "
        "their history; running it again adds nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=float, default=7.0, help="Days of history (default 7).")
        parser.add_argument("--step-seconds", type=int, default=60, help="Tick length (default 60).")
        parser.add_argument("--until", help="ISO 8601 end of the history, with offset; default: now.")

    def handle(self, *args, days, step_seconds, until=None, **options):
        if days <= 0 or step_seconds <= 0:
            raise CommandError("--days and --step-seconds must be positive.")
        began = time.monotonic()
        published = settings.DEMO_PUBLISHED_PASSWORDS
        passwords = demo.DemoPasswords() if published else demo.DemoPasswords.generated()
        try:
            result = demo.demo_seed(
                days=days,
                step_seconds=step_seconds,
                until=self._until(until),
                on_home=self._report_home,
                passwords=passwords,
            )
        except ValidationError as error:
            raise CommandError(f"Demo data refused: {error}") from error
        self.stdout.write(
            f"History {result.start.isoformat()} to {result.end.isoformat()} in {step_seconds} s ticks, "
            f"seeded in {time.monotonic() - began:.1f} s."
        )
        self.stdout.write("")
        self.stdout.write(
            "Logins (DEMO ONLY: these passwords are public, never use them on a reachable server):"
            if published
            else "Logins (passwords generated for this run; production never uses the published ones):"
        )
        for login in result.logins:
            note = "" if login.created else "  (already existed: password left as it was)"
            self.stdout.write(f"  {login.email:<28} {login.password:<24} {login.role}{note}")
        self.stdout.write("")
        owner = result.logins[0]
        self.stdout.write(
            f'Token: POST /graphql mutation {{ tokenAuth(email: "{owner.email}", '
            f'password: "{owner.password}") {{ token refreshToken }} }}, then send '
            '"Authorization: Bearer <token>". Admin: /admin/ (staff login).'
        )

    def _report_home(self, home: demo.SeededHome) -> None:
        state = "created" if home.created else "already there"
        self.stdout.write(
            f"{home.household.name} ({home.household.timezone}): {state}, {home.ticks_written} ticks written."
        )

    @staticmethod
    def _until(value: str | None) -> datetime | None:
        if value is None:
            return None
        return aware_datetime("--until", value)
