"""Demonstration data of the reports: an ILLUSTRATIVE international release and APPROXIMATE
population weights, both labelled as such wherever they show, then a full engine run.

The UNICEF figures (indicators/fixtures/demo/international.json) are made up for the demonstration (not UNICEF's published
estimates). They are built so the discrepancy report shows every status:
KAZ 3.2.1 total consistent; KAZ 3.2.2 total discrepant and estimated (a case opens);
KGZ 3.2.1 (AGE=Y0T4) discrepant and classified differently once Kyrgyzstan's sheet is
accepted; KGZ 3.2.2 (AGE=M0) no common year; KGZ 3.2.1 rural international only; the
other national series national only. The approximate population weights are
indicators/fixtures/demo/demo_population.csv.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from indicators.models import EngineRun, InternationalRelease, Population
from portal.models import Agency

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "demo"
POPULATION_FILE = FIXTURES / "demo_population.csv"
# The illustrative release: agency, file name, note, units, source and footnote of every row,
# and its series (series code, country, age, location, nature, {year: value}).
RELEASE: dict[str, Any] = json.loads((FIXTURES / "international.json").read_text(encoding="utf-8"))
DEMO_NOTE: str = RELEASE["note"]
HEADER = "SeriesCode,GeoAreaCode,TimePeriod,Value,Sex,Location,Age,Nature,Units,Source,FootNote"


def demo_release_csv() -> bytes:
    """The illustrative release as an SDG CSV file, as an agency would upload it."""
    lines = [HEADER]
    tail = f"{RELEASE['units']},{RELEASE['source']},{RELEASE['footnote']}"
    for series in RELEASE["series"]:
        for year, value in sorted(series["values"].items()):
            lines.append(
                f"{series['series']},{series['country']},{year},{value},BOTHSEX,"
                f"{series['location']},{series['age']},{series['nature']},{tail}"
            )
    return ("\n".join(lines) + "\n").encode()


def reports_demo_load() -> None:
    """Loads the illustrative release and the demonstration population once, then runs the
    engine (again only when one of them was missing or no demo run exists)."""
    from indicators.international.services import international_import
    from indicators.reports import services

    agency = Agency.objects.filter(code=RELEASE["agency"]).first()
    loaded = False
    if agency is not None and not InternationalRelease.objects.filter(agency=agency).exists():
        outcome = international_import(
            agency=agency,
            user=None,
            files=[(RELEASE["file_name"], demo_release_csv())],
            fmt="sdg-csv",
            note=DEMO_NOTE,
            check_permission=False,
        )
        if outcome.problems:
            raise RuntimeError(f"demo release rejected: {outcome.problems[:3]}")
        loaded = True
    if not Population.objects.exists():
        services.population_load_file(path=POPULATION_FILE, is_demo=True)
        loaded = True
    # Loading the demo again runs no new engine run: nothing it loads has changed.
    if loaded or not EngineRun.objects.filter(trigger=EngineRun.Trigger.DEMO).exists():
        run = services.engine_run_create(trigger=EngineRun.Trigger.DEMO)
        services.engine_run_inline(run=run)
