from django.core.management.base import BaseCommand

from portal.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load countries, regions, areas and agencies from portal/fixtures/reference (idempotent); "
        "with --working-group also the working group's own record from "
        "meetings/fixtures/reference (programme, meetings, financing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--working-group",
            action="store_true",
            help="Also load the working group's programme, meetings, grants, training, "
            "consultations and participant mix (meetings/fixtures/reference).",
        )

    def handle(self, *args: object, **options: object) -> None:
        for table, counts in reference_data_load().items():
            self.stdout.write(f"{table}: {counts}")
        if options["working_group"]:
            from meetings.reference import reference_load

            activities, meetings = reference_load()
            self.stdout.write(
                f"working group: {len(activities)} activities, {len(meetings)} meetings"
            )
