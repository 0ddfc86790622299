"""manage.py load_catalog: load the seed catalogue of services (CAT-4). Idempotent."""

from django.core.management.base import BaseCommand

from gosportal.catalog.seed import load_catalog


class Command(BaseCommand):
    help = "Create or update the seed agencies, categories and services."

    def handle(self, *args, **options):
        counts = load_catalog()
        self.stdout.write(
            "catalog: {agencies} new agencies, {categories} new categories, "
            "{services_created} new and {services_updated} updated services".format(**counts)
        )
