"""Demonstration data of the reports: an ILLUSTRATIVE international release and APPROXIMATE
population weights, both labelled as such wherever they show, then a full engine run.

The UNICEF figures below are made up for the demonstration (not UNICEF's published
estimates). They are built so the discrepancy report shows every status:
KAZ 3.2.1 total consistent; KAZ 3.2.2 total discrepant and estimated (a case opens);
KGZ 3.2.1 (AGE=Y0T4) discrepant and classified differently once Kyrgyzstan's sheet is
accepted; KGZ 3.2.2 (AGE=M0) no common year; KGZ 3.2.1 rural international only; the
other national series national only.
"""

from __future__ import annotations

from pathlib import Path

from indicators.models import EngineRun, InternationalRelease, Population
from portal.models import Agency

DEMO_NOTE = (
    "ILLUSTRATIVE DEMONSTRATION FIGURES, not UNICEF's published estimates: made up to show "
    "how the discrepancy report works."
)
POPULATION_FILE = Path(__file__).with_name("demo_population.csv")
HEADER = "SeriesCode,GeoAreaCode,TimePeriod,Value,Sex,Location,Age,Nature,Units,Source,FootNote"
# (series code, country, age, location, nature, {year: value})
SERIES = [
    (
        "SH_DYN_MORT",
        "KAZ",
        "ALLAGE",
        "ALLAREA",
        "C",
        {2015: 12.1, 2016: 10.9, 2017: 10.3, 2018: 10.2, 2019: 10.8},
    ),
    (
        "SH_DYN_NMRT",
        "KAZ",
        "ALLAGE",
        "ALLAREA",
        "E",
        {2015: 6.5, 2016: 6.0, 2017: 5.5, 2018: 5.4, 2019: 5.3, 2020: 5.1, 2021: 5.0},
    ),
    (
        "SH_DYN_MORT",
        "KGZ",
        "Y0T4",
        "ALLAREA",
        "M",
        {2015: 29.1, 2017: 27.9, 2019: 26.8, 2021: 25.9},
    ),
    ("SH_DYN_MORT", "KGZ", "Y0T4", "RURAL", "M", {2015: 31.0, 2018: 29.2, 2021: 27.5}),
    ("SH_DYN_NMRT", "KGZ", "M0", "ALLAREA", "E", {2003: 22.4, 2005: 21.9, 2006: 21.5}),
]


def demo_release_csv() -> bytes:
    lines = [HEADER]
    for code, iso3, age, location, nature, values in SERIES:
        for year, value in sorted(values.items()):
            lines.append(
                f"{code},{iso3},{year},{value},BOTHSEX,{location},{age},{nature},"
                "PER_1000_LIVE_BIRTHS,Illustrative demonstration figures,Not official"
            )
    return ("\n".join(lines) + "\n").encode()


def reports_demo_load() -> None:
    """Loads the illustrative release and the demonstration population once, then runs the engine."""
    from indicators.international.services import international_import
    from indicators.reports import services

    agency = Agency.objects.filter(code="UNICEF").first()
    if agency is not None and not InternationalRelease.objects.filter(agency=agency).exists():
        outcome = international_import(
            agency=agency,
            user=None,
            files=[("unicef-illustrative-demo.csv", demo_release_csv())],
            fmt="sdg-csv",
            note=DEMO_NOTE,
            check_permission=False,
        )
        if outcome.problems:
            raise RuntimeError(f"demo release rejected: {outcome.problems[:3]}")
    if not Population.objects.exists():
        services.population_load_file(path=POPULATION_FILE, is_demo=True)
    run = services.engine_run_create(trigger=EngineRun.Trigger.DEMO)
    services.engine_run_inline(run=run)
