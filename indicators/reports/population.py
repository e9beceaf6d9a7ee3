"""Population: the weights of the regional aggregates, loaded from CSV text or files."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
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


def unknown_coverage(
    aggregates: pd.DataFrame, countries: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """The engine's aggregates with a ``without_population`` column: the members of the
    region (in ``countries``) lacking a population figure, indicator-specific or default,
    for year0 or year1. Where any is missing the coverage is unknown, not the share of
    the members that have one: coverage and values are blanked and the category is
    ``insufficient_coverage``."""
    out = aggregates.copy()
    known = set(
        zip(
            population["country"],
            population["indicator"],
            population["year"].astype(int),
            strict=True,
        )
    )
    members = countries[countries["region"] != ""].groupby("region")["country"].agg(sorted)
    missing: list[list[str]] = []
    for record in out.to_dict("records"):
        years = {int(record["year0"]), int(record["year1"])}
        code = str(record["indicator"])
        missing.append(
            [
                country
                for country in members.get(record["region"], [])
                if any(
                    (country, code, year) not in known and (country, "", year) not in known
                    for year in years
                )
            ]
        )
    out["without_population"] = pd.Series(missing, index=out.index, dtype=object)
    unknown = out["without_population"].map(bool).astype(bool)
    if unknown.any():
        out.loc[unknown, ["coverage", "value0", "value1", "t_star"]] = np.nan
        out.loc[unknown, "category"] = "insufficient_coverage"
    return out
