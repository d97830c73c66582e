from django.core.management.base import CommandError
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from households.provisioning import schemas_behind_template, template_sync


class Command(MigrateSchemasCommand):
    help = (
        "migrate_schemas for a deploy: the public schema, the household template, then only the "
        "households whose migration history differs from the template's (the others are skipped, "
        "not loaded one by one). Takes migrate_schemas' options (--shared, --tenant, --executor, ...)."
    )

    def handle(self, *args, **options):
        if options.get("app_label") or options.get("schema_name"):
            raise CommandError("Migrate one app or one schema with migrate_schemas instead.")
        self.sync_tenant, self.sync_public = options["tenant"], options["shared"]
        if not (self.sync_tenant or self.sync_public):
            self.sync_tenant = self.sync_public = True
        self.args, self.options = args, options
        executor = get_executor(codename=options["executor"])(args, options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
        if self.sync_tenant:
            template_sync(verbosity=options["verbosity"])
            behind = schemas_behind_template()
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"{len(behind)} household schema(s) differ from the template: migrating those."
                )
            if behind:
                executor.run_migrations(tenants=behind)
