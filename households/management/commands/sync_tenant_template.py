from django.core.management.base import BaseCommand

from households.provisioning import template_sync


class Command(BaseCommand):
    help = "Create or migrate the template schema whose migration history new household schemas copy."

    def handle(self, *args, **options):
        template_sync(verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Household template schema is up to date."))
