from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty, migrated database and verify it against its manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args: object, **options) -> None:
        folder = options["folder"]
        if not (folder / "manifest.json").is_file():
            raise CommandError(f"{folder}: not a backup folder (no manifest.json)")
        try:
            restored = backup_restore(folder=folder)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored and verified: {sum(restored['counts'].values())} rows")
