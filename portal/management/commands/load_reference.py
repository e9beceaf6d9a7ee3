from django.core.management.base import BaseCommand

from portal.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load countries, regions, areas and agencies from portal/fixtures/reference (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        for table, counts in reference_data_load().items():
            self.stdout.write(f"{table}: {counts}")
