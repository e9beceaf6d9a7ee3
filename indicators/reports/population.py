"""Population: the weights of the regional aggregates, loaded from CSV text or files."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import Indicator, Population
from portal.models import Country


def population_load(*, text: str, is_demo: bool = False, source: str = "") -> int:
    """Loads ``country,year,population[,indicator]`` CSV text (``#`` lines are comments).

    Replaces the rows of the same keys; all or nothing. Out: rows stored. Raises
    ValidationError listing every bad line.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    countries = dict(Country.objects.values_list("iso3", "pk"))
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    problems: list[str] = []
    rows: dict[tuple[int, int | None, int], float] = {}
    for line, record in enumerate(reader, start=2):
        iso3 = (record.get("country") or "").strip()
        code = (record.get("indicator") or "").strip()
        try:
            year, value = int(record.get("year") or ""), float(record.get("population") or "")
            if value < 0 or not math.isfinite(value):
                raise ValueError
        except ValueError:
            problems.append(_("line %(line)s: year or population is not a number") % {"line": line})
            continue
        if iso3 not in countries or (code and code not in indicators):
            problems.append(_("line %(line)s: unknown country or indicator") % {"line": line})
            continue
        rows[(countries[iso3], indicators.get(code) if code else None, year)] = value
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        for (country_id, indicator_id, year), value in rows.items():
            Population.objects.update_or_create(
                country_id=country_id,
                indicator_id=indicator_id,
                year=year,
                defaults={"value": value, "is_demo": is_demo, "source": source},
            )
    return len(rows)


def population_load_file(*, path: Path, is_demo: bool | None = None) -> int:
    """``population_load`` on a file; a file whose comments say DEMONSTRATION is demo data."""
    text = path.read_text(encoding="utf-8")
    demo = "DEMONSTRATION" in text.upper() if is_demo is None else is_demo
    return population_load(text=text, is_demo=demo, source=path.name)
