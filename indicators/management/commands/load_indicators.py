from django.core.management.base import BaseCommand

from indicators.services import indicators_load


class Command(BaseCommand):
    help = "Load the starter set of indicators (MDG Table 1 and the SDG indicators of the shipped data); idempotent."

    def handle(self, *args: object, **options: object) -> None:
        created, updated, unchanged = indicators_load()
        self.stdout.write(
            f"indicators: {created} created, {updated} updated, {unchanged} unchanged"
        )
