"""Load an agency's published figures as its new current release; exit 2 and store nothing on any problem."""

from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.international.services import international_import
from portal.models import Agency


class Command(BaseCommand):
    help = "Import an agency's figures (UN SDG Global Database CSV or SDMX-ML) as a new release."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency code, e.g. UNICEF")
        parser.add_argument("--format", required=True, choices=["sdg-csv", "opensdg", "sdmx"])
        parser.add_argument("--note", default="")
        parser.add_argument("files", nargs="+")

    def handle(self, *args: object, **options) -> None:
        agency = Agency.objects.filter(code=options["agency"].upper()).first()
        paths = [Path(name) for name in options["files"]]
        problems = [] if agency else [f"--agency: unknown agency code {options['agency']!r}"]
        problems += [f"{path}: file not found" for path in paths if not path.is_file()]
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise SystemExit(2)
        assert agency is not None
        outcome = international_import(
            agency=agency,
            user=None,
            files=[(p.name, p.read_bytes()) for p in paths],
            fmt=options["format"],
            note=options["note"],
            check_permission=False,
        )
        if outcome.problems:
            for p in outcome.problems:
                self.stderr.write(f"{p.file}:{p.row or '-'}: {p.column}: {p.value!r}: {p.reason}")
            raise SystemExit(2)
        release = outcome.release
        assert release is not None
        self.stdout.write(
            f"{agency.code} release v{release.version}: {outcome.stored} values stored, "
            f"{sum(outcome.not_tracked.values())} rows not tracked, {outcome.rows} rows read"
        )
