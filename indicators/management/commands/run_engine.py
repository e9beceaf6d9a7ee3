from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.models import EngineRun
from indicators.reports import services


class Command(BaseCommand):
    help = (
        "Run the indicator engine on every published data sheet and current international "
        "release (or only some indicators/countries); in this process, or queued with --queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", action="append", help="indicator code (repeatable)")
        parser.add_argument("--country", action="append", help="ISO3 code (repeatable)")
        parser.add_argument(
            "--queue", action="store_true", help="queue the run for the Celery workers"
        )

    def handle(self, *args: object, **options: object) -> None:
        indicators = options.get("indicator") or None
        countries = options.get("country") or None
        if options["queue"]:
            run = services.engine_run_queue(
                trigger=EngineRun.Trigger.COMMAND,
                indicator_codes=indicators,  # type: ignore[arg-type]
                country_codes=countries,  # type: ignore[arg-type]
            )
            self.stdout.write(f"engine run #{run.pk} queued")
            return
        run = services.engine_run_create(
            trigger=EngineRun.Trigger.COMMAND,
            indicator_codes=indicators,  # type: ignore[arg-type]
            country_codes=countries,  # type: ignore[arg-type]
        )
        run = services.engine_run_inline(run=run)
        self.stdout.write(f"engine run #{run.pk}: {run.status} {run.counts}")
        if run.status == EngineRun.Status.FAILED:
            for problem in run.problems:
                self.stderr.write(problem.get("text", str(problem)))
            raise CommandError(run.error or "engine run failed")
