"""Bulk and scripted loads: one country's files into a draft data sheet, all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators import services
from indicators.models import DataSheet, ReportingRound
from portal.models import Country, User


class Command(BaseCommand):
    help = "Import files into a country's draft data sheet (created if needed); exit 2 and store nothing on any problem."

    def add_arguments(self, parser):
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-3 code")
        parser.add_argument("--round", required=True, help="reporting round code")
        parser.add_argument("--format", choices=["xlsx", "csv", "opensdg", "sdmx"], default=None)
        parser.add_argument("--indicator", default=None, help="indicator code for Open SDG files")
        parser.add_argument(
            "--user", default=None, help="e-mail of the focal point the values are entered for"
        )
        parser.add_argument(
            "--submit", action="store_true", help="submit the sheet after importing"
        )
        parser.add_argument("--confirm-outliers", action="store_true")
        parser.add_argument(
            "--mode",
            choices=["merge", "replace"],
            default="merge",
            help="merge (default): only the rows in the files change, nothing is removed; "
            "replace: the indicators in the files are replaced",
        )
        parser.add_argument(
            "--confirm-removals",
            action="store_true",
            help="with --mode replace: remove the values of those indicators missing from the files",
        )
        parser.add_argument("files", nargs="+")

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(2)

    def handle(self, *args: object, **options) -> None:
        country = Country.objects.filter(iso3=options["country"].upper()).first()
        round = ReportingRound.objects.filter(code=options["round"]).first()
        problems = []
        if country is None:
            problems.append(f"--country: unknown ISO 3166 alpha-3 code {options['country']!r}")
        if round is None:
            problems.append(f"--round: unknown reporting round {options['round']!r}")
        paths = [Path(name) for name in options["files"]]
        problems += [f"{path}: file not found" for path in paths if not path.is_file()]
        if problems:
            self._fail(problems)
        assert country is not None and round is not None
        user = self._focal_point(country, options["user"])
        files = [(path.name, path.read_bytes()) for path in paths]
        sheet: DataSheet | None = None
        try:
            with transaction.atomic():
                sheet = DataSheet.objects.filter(
                    country=country, round=round, status__in=DataSheet.EDITABLE
                ).first()
                if sheet is None:
                    sheet = services.datasheet_create(country=country, round=round, user=user)
                # Read from memory: the command line never stages files to disk.
                result = services.datasheet_import(
                    sheet=sheet,
                    user=user,
                    files=files,
                    fmt=options["format"],
                    indicator=options["indicator"],
                    mode=options["mode"],
                    confirm_outliers=options["confirm_outliers"],
                    confirm_removals=options["confirm_removals"],
                )
                preview = result.preview
                if result.refused == services.PROBLEMS:
                    self._fail(
                        [
                            f"{p.file}:{p.row or '-'}: {p.column}: {p.value!r}: {p.reason}"
                            for p in preview.problems
                        ]
                    )
                if result.refused == services.OUTLIERS:
                    self._fail(
                        [
                            f"large change {line.old} -> {line.new} for {line.key}; rerun with --confirm-outliers"
                            for line in preview.outliers
                        ]
                    )
                if result.refused == services.REMOVALS:
                    self._fail(
                        [f"would remove {label}" for label in result.removal_labels]
                        + ["nothing stored; rerun with --confirm-removals to remove these values"]
                    )
                if options["submit"]:
                    services.datasheet_submit(sheet=sheet, user=user)
        except ValidationError as error:
            self._fail([str(message) for message in error.messages])
        assert sheet is not None
        sheet.refresh_from_db()
        self.stdout.write(
            f"{country.iso3} {round.code} v{sheet.version} ({sheet.status}): {len(preview.added)} added, "
            f"{len(preview.changed)} changed, {len(preview.removed)} removed, {preview.unchanged} unchanged, "
            f"{sum(preview.not_tracked.values())} rows not tracked, {preview.skipped_blank} blank rows skipped"
        )

    def _focal_point(self, country: Country, email: str | None) -> User:
        users = User.objects.filter(
            organisation__country=country, role=User.Role.COUNTRY_FOCAL_POINT, is_active=True
        )
        user = users.filter(email__iexact=email).first() if email else users.order_by("pk").first()
        if user is None:
            raise CommandError(
                f"no active focal point of {country.iso3}"
                + (f" with e-mail {email}" if email else "")
            )
        return user
