"""Compile every .po catalogue of the project with Babel (no GNU gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po files to .mo (pure Python, via Babel)."

    def handle(self, *args: object, **options: object) -> None:
        base = Path(settings.BASE_DIR)
        catalogues = [
            po
            for po in base.glob("**/locale/*/LC_MESSAGES/*.po")
            if ".venv" not in po.parts and "site-packages" not in po.parts
        ]
        for po_path in sorted(catalogues):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                with open(po_path, "rb") as handle:
                    catalogue = read_po(handle, locale=po_path.parts[-3])
            except Exception as exc:  # noqa: BLE001 - report which file is broken
                raise CommandError(f"{po_path}: {exc}") from exc
            with open(mo_path, "wb") as handle:
                write_mo(handle, catalogue)
            self.stdout.write(f"compiled {po_path.relative_to(base)}")
