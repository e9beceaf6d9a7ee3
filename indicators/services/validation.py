"""From parsed rows to values the portal can store: map codes, then validate every row.

Nothing here writes. One bad row makes the whole upload fail with every problem listed.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.imports.types import UNKNOWN_AREA, ParsedRow, Problem
from indicators.models import AreaCodeMapping, Indicator, SeriesCodeMapping, StatisticalOperation
from indicators.services.candidates import (  # noqa: F401  (re-exported)
    CODELISTS,
    MAX_KEY,
    Candidate,
    MappingResult,
    codelists,
    disaggregation_key,
    key_too_long,
)
from indicators.units import load_synonyms, unit_key
from portal.models import Country
from portal.selectors import country_keys
from portal.spreadsheets import starts_like_a_formula

NATURE_CODES = {"C", "CA", "E", "M", "G", "N", "R", "P", "PE", "NA"}
MAX_DIGITS = 20
#: an age band written the SDMX way (Y15T24, M25T28, Y_GE65): a national band, not a slip
_NATIONAL_AGE = re.compile(r"[YM]\d{1,3}(T\d{1,3})?|Y_(GE|LT)\d{1,3}")


def _formula_code() -> str:
    return _(
        "a code may not start with =, +, -, @, a tab or a line break "
        "(spreadsheets would run it as a formula)"
    )


#: the places an observation's value is stored with (numeric(30, 10))
_PLACES = Decimal("1e-10")


class RowMapper:
    """Maps one country's parsed rows onto the portal's indicators, areas and code lists."""

    def __init__(self, *, country: Country) -> None:
        self.country = country
        self.indicators = {ind.code: ind for ind in Indicator.objects.all()}
        self.series = {m.code: m for m in SeriesCodeMapping.objects.select_related("indicator")}
        #: series code -> indicator, read once: the related descriptor costs per row
        self.series_indicator = {code: m.indicator for code, m in self.series.items()}
        #: (series code, disaggregation) pairs whose codes passed `check_codes` silently;
        #: an upload repeats each series' codes on every year, so they are checked once
        self._clean_codes: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        #: disaggregation as written -> in the code lists' case (`canonical_codes`)
        self._canonical: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self.national_codes = {"", *country_keys(country, names=False)}
        self.areas: dict[str, int | None] = {
            area.code.casefold(): area.pk for area in country.areas.all()
        }
        for mapping in AreaCodeMapping.objects.filter(country=country):
            self.areas[mapping.code.casefold()] = mapping.area_id
        self.synonyms = load_synonyms()
        self.national_keys: set[tuple[int, str, str, int]] = set()
        self.other_codes: set[str] = set()
        self.operations = {
            op.name.casefold(): op.pk for op in StatisticalOperation.objects.filter(country=country)
        }
        self.codelists = codelists()

    def problem(
        self, row: ParsedRow, column: str, value: object, reason: str, kind: str = ""
    ) -> Problem:
        return Problem(
            file=row.file,
            row=row.row,
            column=column,
            value=str(value),
            reason=reason,
            where=row.where,
            kind=kind,
        )

    def unit_of(self, row: ParsedRow, indicator: Indicator) -> tuple[str, bool]:
        """(portal unit code, whether the file's unit was recognised) of a row.

        A blank unit is the indicator's; a label or code is looked up in the synonym table
        (`indicators.units`); a known SDMX UNIT_MEASURE code is kept. A label nobody knows is
        returned as written, not recognised: `map_row` takes it as the indicator's own unit
        (an indicator has one unit) with a warning, unless it is another series of the
        indicator (`other_series`: its rows meet rows in the indicator's unit).
        """
        written = row.unit.strip()
        if not written or written == indicator.unit:
            return indicator.unit, True
        code = self.synonyms.get(unit_key(written))
        if code is None and written.upper() in self.codelists.get("UNIT_MEASURE", ()):
            code = written.upper()
        if code is None:
            return written, False
        return code, True

    def indicator_for(self, row: ParsedRow, result: MappingResult) -> Indicator | None:
        indicator = self._indicator_lookup(row, result)
        if indicator is not None and row.series_code in self.other_codes:
            label = f"{indicator.code} {row.series_code}"
            result.not_tracked[label] = result.not_tracked.get(label, 0) + 1
            return None
        return indicator

    def _indicator_lookup(self, row: ParsedRow, result: MappingResult) -> Indicator | None:
        if row.indicator:
            indicator = self.indicators.get(row.indicator)
            if indicator is not None:
                return indicator
            if row.named_by_file and not row.series_code:
                # an Open SDG file of an indicator the portal does not follow
                result.not_tracked[row.indicator] = result.not_tracked.get(row.indicator, 0) + 1
                return None
            if not row.series_code:
                result.problems.append(
                    self.problem(
                        row,
                        "indicator",
                        row.indicator,
                        _("unknown indicator: no indicator of the portal has this code"),
                    )
                )
                return None
        indicator = self.series_indicator.get(row.series_code)
        if indicator is None:
            label = row.series_code or row.indicator
            result.not_tracked[label] = result.not_tracked.get(label, 0) + 1
            return None
        return indicator

    def _other_codes(self, rows: list[ParsedRow]) -> set[str]:
        """Series codes beside the one the portal keeps for an indicator in this upload.

        Several series can carry one indicator: SDG series (1.1.1: SI_POV_DAY1 and
        SI_POV_EMP1) or a country's own (Kazakhstan's 1.1.1 file: _L_KZ_010101_1A, _1B). A
        data sheet holds one value per indicator, area, breakdown and year, so when an upload
        gives more than one series for an indicator, the first mapped to it (in mapping
        order) is kept, and the others, or all when none is mapped, are listed as not tracked.
        """
        given: dict[int, set[str]] = {}
        for row in rows:
            indicator = self._indicator_of(row) if row.series_code else None
            if indicator is not None:
                given.setdefault(indicator.pk, set()).add(row.series_code)
        others: set[str] = set()
        for indicator_id, codes in given.items():
            if len(codes) < 2:
                continue
            mapped = [
                c for c in codes if c in self.series and self.series[c].indicator_id == indicator_id
            ]
            kept = min(mapped, key=lambda code: self.series[code].pk) if mapped else None
            others |= codes - {kept}
        return others

    def _national_key(self, row: ParsedRow, indicator: Indicator) -> tuple[int, str, str, int]:
        """A value's key in a sheet, by which a global (G) value meets a national (N) one."""
        area = row.area.strip().casefold()
        return (
            indicator.pk,
            "" if area in self.national_codes else area,
            disaggregation_key(row.disaggregation),
            row.year,
        )

    def untracked_problems(self, problems: list[Problem]) -> list[Problem]:
        """The parser's problems about rows of series the portal does not track (a duplicate
        in a series it leaves out is no reason to refuse the file)."""
        return [
            p
            for p in problems
            if p.subject is not None
            and (self._indicator_of(p.subject) is None or p.subject.series_code in self.other_codes)
        ]

    def _indicator_of(self, row: ParsedRow) -> Indicator | None:
        """The row's indicator as `indicator_for` finds it, without reporting anything."""
        indicator = self.indicators.get(row.indicator) if row.indicator else None
        if indicator is not None or (row.indicator and not row.series_code):
            return indicator
        return self.series_indicator.get(row.series_code)

    def other_series(self, rows: list[ParsedRow]) -> set[tuple[int, str]]:
        """(indicator id, unit) of the series an upload carries beside the indicator's own unit.

        Open SDG files give some indicators as two series told apart only by the unit
        (Kazakhstan 8.10.1 branches and ATMs per 100,000 adults, 9.2.1 share and value per
        head). A data sheet holds one value per indicator, area, disaggregation and year, in the
        indicator's unit: another unit is another series, not tracked, when the upload gives at
        least one of its observations in the indicator's unit too. A unit that never meets the
        indicator's own stays an error: more likely a slip than a second series.
        """
        resolved = [(row, self._indicator_of(row)) for row in rows]
        if all(ind is None or self.unit_of(row, ind)[0] == ind.unit for row, ind in resolved):
            return set()  # the usual upload: every value in its indicator's unit
        in_unit: set[tuple[int, object, str, int]] = set()
        elsewhere: dict[tuple[int, str], list[tuple[int, object, str, int]]] = {}
        for row, indicator in resolved:
            if indicator is None:
                continue
            known, area_id = self.area_for(row)
            key = (
                indicator.pk,
                area_id if known else ("?", row.area),
                disaggregation_key(row.disaggregation),
                row.year,
            )
            unit = self.unit_of(row, indicator)[0]
            if unit == indicator.unit:
                in_unit.add(key)
            else:
                elsewhere.setdefault((indicator.pk, unit), []).append(key)
        return {series for series, keys in elsewhere.items() if not in_unit.isdisjoint(keys)}

    def area_for(self, row: ParsedRow) -> tuple[bool, int | None]:
        """Area codes are compared without case: tj, TJ, TJK and 762 are all Tajikistan."""
        code = row.area.strip().casefold()
        if code in self.national_codes:
            return True, None
        if code in self.areas:
            return True, self.areas[code]
        return False, None

    def check_value(
        self, row: ParsedRow, indicator: Indicator, result: MappingResult
    ) -> Decimal | None:
        value = row.value
        if value is None or not math.isfinite(value):
            result.problems.append(
                self.problem(row, "value", value, _("the value is not a finite number"))
            )
            return None
        try:
            decimal = Decimal(repr(value)).quantize(_PLACES)
        except InvalidOperation:
            result.problems.append(
                self.problem(row, "value", value, _("the value has too many digits"))
            )
            return None
        if abs(decimal) >= Decimal(10) ** MAX_DIGITS:
            result.problems.append(self.problem(row, "value", value, _("the value is too large")))
            return None
        low, high = indicator.value_min, indicator.value_max
        if (low is not None and value < low) or (high is not None and value > high):
            result.problems.append(
                self.problem(
                    row,
                    "value",
                    value,
                    _(
                        "out of range for %(code)s: values must lie between %(low)s and %(high)s %(unit)s"
                    )
                    % {
                        "code": indicator.code,
                        "low": low if low is not None else "-∞",
                        "high": high if high is not None else "∞",
                        "unit": indicator.unit_label,
                    },
                )
            )
            return None
        return decimal

    def canonical_codes(self, row: ParsedRow) -> ParsedRow:
        """Breakdown codes in the code lists' case: sex=f is SEX=F."""
        fixed = self._canonical.get(row.disaggregation)
        if fixed is None:
            pairs = []
            for dimension, code in row.disaggregation:
                allowed = self.codelists.get(dimension.upper())
                if allowed is not None and code not in allowed and code.upper() in allowed:
                    dimension, code = dimension.upper(), code.upper()
                pairs.append((dimension, code))
            fixed = self._canonical[row.disaggregation] = tuple(sorted(pairs))
        return row if fixed == row.disaggregation else replace(row, disaggregation=fixed)

    def _check_series_codes(self, row: ParsedRow, result: MappingResult) -> bool:
        """The series and breakdown codes of a row: formula-like text, unknown codes, national
        age bands (kept with a warning). A pair that passed without a word is not checked again."""
        checked = (row.series_code, row.disaggregation)
        if checked in self._clean_codes:
            return True
        ok = quiet = True
        # Free-text codes (the series, dimensions without a code list) end up in exports.
        for dimension, code in [("series_code", row.series_code), *row.disaggregation]:
            allowed = self.codelists.get(dimension)
            if starts_like_a_formula(dimension) or starts_like_a_formula(code):
                result.problems.append(self.problem(row, dimension, code, _formula_code()))
                ok = False
                continue
            national_age = dimension == "AGE" and _NATIONAL_AGE.fullmatch(code)
            if allowed is not None and code not in allowed and national_age:
                quiet = False
                result.warn(
                    _("age band %(code)s is not in the global AGE code list: kept as written")
                    % {"code": code},
                    row,
                )
                continue
            if allowed is not None and code not in allowed:
                result.problems.append(
                    self.problem(
                        row,
                        dimension,
                        code,
                        _("unknown code in the %(dimension)s code list") % {"dimension": dimension},
                    )
                )
                ok = False
        if ok and quiet:
            self._clean_codes.add(checked)
        return ok

    def check_codes(self, row: ParsedRow, indicator: Indicator, result: MappingResult) -> bool:
        ok = self._check_series_codes(row, result)
        if (
            row.nature
            and row.nature not in NATURE_CODES
            and row.nature not in self.codelists.get("NATURE", ())
        ):
            result.problems.append(
                self.problem(row, "nature", row.nature, _("unknown SDMX NATURE code"))
            )
            ok = False
        unit, recognised = self.unit_of(row, indicator)
        if recognised and unit != indicator.unit:
            result.problems.append(
                self.problem(
                    row,
                    "unit",
                    unit,
                    _("%(code)s is measured in %(unit)s, not in this unit")
                    % {"code": indicator.code, "unit": indicator.unit},
                )
            )
            ok = False
        if not indicator.first_year <= row.year <= indicator.last_year:
            result.problems.append(
                self.problem(
                    row,
                    "year",
                    row.year,
                    _("outside the years accepted for %(code)s (%(first)s to %(last)s)")
                    % {
                        "code": indicator.code,
                        "first": indicator.first_year,
                        "last": indicator.last_year,
                    },
                )
            )
            ok = False
        return ok

    def map_row(
        self,
        row: ParsedRow,
        result: MappingResult,
        other_series: set[tuple[int, str]] | frozenset[tuple[int, str]] = frozenset(),
    ) -> Candidate | None:
        indicator = self.indicator_for(row, result)
        if indicator is None:
            return None
        if row.reporting_type == "G" and self._national_key(row, indicator) in self.national_keys:
            # the country's own value of that year is given too (REPORTING_TYPE=N): it is kept
            label = f"{indicator.code} REPORTING_TYPE=G"
            result.not_tracked[label] = result.not_tracked.get(label, 0) + 1
            return None
        unit, recognised = self.unit_of(row, indicator)
        if unit != indicator.unit and (indicator.pk, unit) in other_series:
            label = f"{indicator.code} {unit}"
            result.not_tracked[label] = result.not_tracked.get(label, 0) + 1
            return None
        if not recognised:
            result.warn(
                _("unit '%(label)s' not known: read as %(unit)s, the unit of %(code)s")
                % {"label": row.unit, "unit": indicator.unit, "code": indicator.code},
                row,
            )
        row = self.canonical_codes(row)
        known, area_id = self.area_for(row)
        if not known:
            result.problems.append(
                self.problem(
                    row,
                    "area",
                    row.area,
                    _(
                        "unknown area codes for %(country)s: correct them, or have the "
                        "secretariat map them to the country's areas"
                    )
                    % {"country": self.country.name},
                    kind=UNKNOWN_AREA,
                )
            )
        value = self.check_value(row, indicator, result)
        codes_ok = self.check_codes(row, indicator, result)
        key = disaggregation_key(row.disaggregation)
        too_long = key_too_long(row, key)
        if too_long is not None:
            result.problems.append(too_long)
        if not known or value is None or not codes_ok or too_long is not None:
            return None
        operation_id = self.operations.get(row.source.casefold()) if row.source else None
        if row.source and operation_id is None:
            result.unknown_sources.add(row.source)
        return Candidate(
            indicator_id=indicator.pk,
            area_id=area_id,
            disaggregation=key,
            year=row.year,
            period=row.period,
            value=value,
            unit=indicator.unit,
            nature=row.nature,
            operation_id=operation_id,
            source=row.source[:300],
            footnote=row.footnote,
            file=row.file,
            row=row.row,
        )

    def map_rows(self, rows: list[ParsedRow]) -> MappingResult:
        """Map and validate every row; duplicates across files of one upload are problems too.

        The key of a value is its indicator, area, disaggregation and year, whatever the unit:
        a blank unit is the indicator's, so a blank and an explicit one for the same key are a
        duplicate. Rows of another series of the indicator (see `other_series`) are counted
        as not tracked.
        """
        result = MappingResult()
        seen: dict[tuple[int, int | None, str, int], Candidate] = {}
        self.other_codes = self._other_codes(rows)
        self.national_keys = {
            self._national_key(row, indicator)
            for row in rows
            if row.reporting_type != "G" and (indicator := self._indicator_of(row)) is not None
        }
        other_series = self.other_series(rows)
        for row in rows:
            candidate = self.map_row(row, result, other_series)
            if candidate is None:
                continue
            first = seen.get(candidate.key)
            if first is not None:
                result.problems.append(
                    Problem(
                        file=row.file,
                        row=row.row,
                        column="year",
                        value=str(row.year),
                        reason=_(
                            "duplicate value: %(file)s row %(row)s has the same indicator, area, "
                            "disaggregation and year (%(first)s and %(second)s)"
                        )
                        % {
                            "file": first.file,
                            "row": first.row,
                            "first": first.value.normalize(),
                            "second": candidate.value.normalize(),
                        },
                        where=row.where,
                        kind="duplicate",
                    )
                )
                continue
            seen[candidate.key] = candidate
            result.candidates.append(candidate)
        return result
