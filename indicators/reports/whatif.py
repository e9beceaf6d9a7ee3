"""What an upload would do to a country's progress categories, before anything is stored.

The import preview (``indicators.services.datasheet_import_preview``) lists the values an
upload adds, changes and removes; this module runs the engine in-process on the country's
national totals twice, as the engine sees them now and as it would see them once the sheet
with the upload is accepted, and lists every series whose category would change.

"Now" is what a run reads today (``selectors.inputs_snapshot``: the current accepted sheet
of each round, the newest round per indicator). "After" replaces, for every indicator the
upload covers, those values with the upload's national totals when the upload replaces the
indicators it covers (values of a covered indicator missing from the files are removed); when
it merges (the default), only the years and series the upload carries change.
When a newer round than the sheet's already reports an indicator, that round keeps providing
it (as in a run), so nothing changes for it. Subnational rows are not assessed (as in a run).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from indicators import engine
from indicators.engine import EngineInputError
from indicators.models import DataSheet, Indicator
from indicators.reports import selectors
from indicators.services.validation import Candidate


@dataclass(frozen=True)
class CategoryChange:
    indicator: str
    series: str
    before: str | None  # None: no series before (or no result)
    after: str | None  # None: the series would be gone

    @property
    def is_headline(self) -> bool:
        return self.series == ""


@dataclass
class ProgressPreview:
    changes: list[CategoryChange]
    unchanged: int
    error: str = ""


def _categories(
    frame: pd.DataFrame, indicators: pd.DataFrame, countries: pd.DataFrame
) -> dict[tuple[str, str], str]:
    if frame.empty:
        return {}
    assessed = engine.assess(
        frame[selectors.OBS_COLUMNS].reset_index(drop=True), indicators, countries
    )
    return {
        (str(row.indicator), str(row.series)): str(row.category)
        for row in assessed[["indicator", "series", "category"]].itertuples(index=False)
    }


def progress_preview(
    *, sheet: DataSheet, candidates: Iterable[Candidate], mode: str = "replace"
) -> ProgressPreview:
    """Category changes of ``sheet``'s country if ``candidates`` were stored and accepted.

    ``mode`` is the upload's: ``replace`` drops the covered indicators' other values,
    ``merge`` keeps them and overwrites only the years and series the upload carries.
    """
    candidates = list(candidates)
    codes_by_id = dict(
        Indicator.objects.filter(pk__in={c.indicator_id for c in candidates}).values_list(
            "pk", "code"
        )
    )
    codes = sorted(codes_by_id.values())
    if not codes:
        return ProgressPreview(changes=[], unchanged=0)
    iso3 = sheet.country.iso3
    snapshot = selectors.inputs_snapshot()
    snapshot["sheets"] = [s for s in snapshot["sheets"] if s["country"] == iso3]
    before = selectors.national_frame(snapshot=snapshot, indicator_codes=codes)
    # Which round provides each indicator now; the sheet's round wins unless a newer one does.
    rounds = {
        pk: (opens_on, round_id)
        for pk, opens_on, round_id in DataSheet.objects.filter(
            pk__in=[s["id"] for s in snapshot["sheets"]]
        ).values_list("pk", "round__opens_on", "round_id")
    }
    mine = (sheet.round.opens_on, sheet.round_id)
    provided = {
        str(code): max(rounds[int(pk)] for pk in ids)
        for code, ids in before.groupby("indicator")["sheet_id"].unique().items()
    }
    replaced = {code for code in codes if code not in provided or provided[code] <= mine}
    incoming = pd.DataFrame(
        [
            {
                "country": iso3,
                "indicator": codes_by_id[c.indicator_id],
                "source": "national",
                "series": c.disaggregation,
                "year": int(c.year),
                "value": float(c.value),
                "nature": c.nature,
            }
            for c in candidates
            if c.area_id is None and codes_by_id[c.indicator_id] in replaced
        ],
        columns=selectors.OBS_COLUMNS,
    )
    kept = before[~before["indicator"].isin(replaced)]
    if mode == "merge":
        carried = set(zip(incoming["indicator"], incoming["series"], incoming["year"], strict=True))
        covered = before[before["indicator"].isin(replaced)]
        untouched = [
            (indicator, series, int(year)) not in carried
            for indicator, series, year in zip(
                covered["indicator"], covered["series"], covered["year"], strict=True
            )
        ]
        kept = pd.concat([kept, covered[untouched]], ignore_index=True)
    kept = kept[selectors.OBS_COLUMNS]
    after = pd.concat([kept, incoming], ignore_index=True) if not incoming.empty else kept
    try:
        indicators = selectors.indicators_frame(codes)
        countries = selectors.countries_frame()
        old = _categories(before, indicators, countries)
        new = _categories(after, indicators, countries)
    except EngineInputError as error:
        return ProgressPreview(changes=[], unchanged=0, error=str(error))
    changes = [
        CategoryChange(indicator=key[0], series=key[1], before=old.get(key), after=new.get(key))
        for key in sorted(set(old) | set(new))
        if old.get(key) != new.get(key)
    ]
    changes.sort(key=lambda c: (c.indicator, not c.is_headline, c.series))
    unchanged = sum(1 for key in set(old) & set(new) if old[key] == new[key])
    return ProgressPreview(changes=changes, unchanged=unchanged)
