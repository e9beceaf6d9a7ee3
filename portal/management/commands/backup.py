from pathlib import Path

from django.core.management.base import BaseCommand

from portal.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (JSON fixtures) and the uploaded files into a folder, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args: object, **options) -> None:
        manifest = backup_create(folder=options["folder"])
        total = sum(manifest["counts"].values())
        self.stdout.write(
            f"backup written to {options['folder']}: {total} rows, observations {manifest['observations_sha256'][:12]}"
        )
