from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.reports import services


class Command(BaseCommand):
    help = (
        "Load population weights for the regional aggregates from a CSV with columns "
        "country,year,population[,indicator]; lines starting with # are comments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument(
            "--demo", action="store_true", help="mark the rows as approximate demonstration figures"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["csv"]
        assert isinstance(path, Path)
        try:
            count = services.population_load_file(
                path=path, is_demo=True if options["demo"] else None
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"population: {count} rows loaded from {path}")
