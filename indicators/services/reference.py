"""Loading the starter set of indicators (idempotent)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from indicators.models import Indicator, SeriesCodeMapping
from portal.models import Agency

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "indicators.csv"
FLOAT_FIELDS = ("value_min", "value_max", "target_value", "cutoff")
INT_FIELDS = ("baseline_year", "target_year", "min_span_years")
TEXT_FIELDS = (
    "framework",
    "goal",
    "target",
    "name_en",
    "name_es",
    "unit",
    "unit_label_en",
    "unit_label_es",
    "target_kind",
    "desired_direction",
)


def _row_values(row: dict[str, str], agencies: dict[str, Agency]) -> dict[str, object]:
    values: dict[str, object] = {field: row[field] for field in TEXT_FIELDS}
    for field in FLOAT_FIELDS:
        values[field] = float(row[field]) if row[field] else None
    for field in INT_FIELDS:
        values[field] = int(row[field])
    values["custodian"] = agencies.get(row["custodian"])
    return values


def indicators_load(path: Path = FIXTURE) -> tuple[int, int, int]:
    """Create or update the starter indicators and their SDMX series codes.

    Returns (created, updated, unchanged). Running it twice changes nothing.
    """
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    created = updated = unchanged = 0
    with open(path, encoding="utf-8", newline="") as handle, transaction.atomic():
        for row in csv.DictReader(handle):
            values = _row_values(row, agencies)
            indicator = Indicator.objects.filter(code=row["code"]).first()
            if indicator is None:
                indicator = Indicator.objects.create(code=row["code"], **values)
                created += 1
            else:
                changed = [f for f, v in values.items() if getattr(indicator, f) != v]
                for field in changed:
                    setattr(indicator, field, values[field])
                if changed:
                    indicator.save(update_fields=[*changed, "updated_at"])
                    updated += 1
                else:
                    unchanged += 1
            for code in filter(None, row["series_codes"].split(";")):
                SeriesCodeMapping.objects.get_or_create(
                    code=code, defaults={"indicator": indicator}
                )
    return created, updated, unchanged
