"""Which stored results name which input version: the incremental side of engine runs.

When an accepted sheet or a loaded release replaces an earlier version, the current results
of its unchanged series are made to name the new version (their figures are the same), and
only what changed is recomputed (``services.engine_queue_for_sheet`` and
``services.engine_queue_for_release``)."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import QuerySet

from indicators.models import (
    DataSheet,
    EngineRun,
    InternationalObservation,
    InternationalRelease,
    Observation,
    SeriesResult,
)


def _sheet_values(sheet_id: int) -> set[tuple[str, str, int, str]]:
    rows = (
        Observation.objects.filter(sheet_id=sheet_id, area__isnull=True)
        .order_by()
        .values_list("indicator__code", "disaggregation", "year", "value")
    )
    return {(code, series, year, str(value)) for code, series, year, value in rows}


def _repoint(
    rows: QuerySet[SeriesResult],
    *,
    old: dict[str, int],
    new: dict[str, int],
    changed: set[tuple[str, str, str]],
) -> int:
    """Results read from an older version (``old``: its ``sheet_id`` or ``release_id``) now
    name the current one (``new``) where their series has the same values in both (not in
    ``changed``: (country, indicator, series) keys): what a full run would name.
    Out: how many results were updated."""
    stale = rows.filter(**old).values_list("pk", "country__iso3", "indicator__code", "series")
    ids = [pk for pk, *key in stale if tuple(key) not in changed]
    for start in range(0, len(ids), 500):
        SeriesResult.objects.filter(pk__in=ids[start : start + 500]).update(**new)
    return len(ids)


def affected_by_sheet(sheet: DataSheet) -> list[str]:
    """Indicators whose national totals changed with ``sheet`` against the version it replaces.

    With no earlier version (or one of another round), every indicator of either sheet.
    The current results of the unchanged series of the replaced version are made to name
    ``sheet`` (their figures are the same).
    """
    new = _sheet_values(sheet.pk)
    previous = sheet.supersedes_id
    old = _sheet_values(previous) if previous else set()
    changed = {key[0] for key in new ^ old}
    current = SeriesResult.objects.filter(
        is_current=True, country_id=sheet.country_id, source="national"
    )
    held = set(current.values_list("indicator__code", flat=True))
    if previous is None:
        changed |= held & {key[0] for key in new}
    else:
        _repoint(
            current,
            old={"sheet_id": previous},
            new={"sheet_id": sheet.pk, "sheet_version": sheet.version},
            changed={(sheet.country.iso3, key[0], key[1]) for key in new ^ old},
        )
    return sorted(changed)


def _release_keys(
    release_id: int, indicator_ids: Collection[int] | None = None
) -> set[tuple[str, str, str, int, str]]:
    rows = InternationalObservation.objects.filter(release_id=release_id)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    values = rows.order_by().values_list(
        "country__iso3", "indicator__code", "disaggregation", "year", "value"
    )
    return {(c, i, s, y, str(v)) for c, i, s, y, v in values}


def _follow_versions(rows: QuerySet[SeriesResult]) -> None:
    """``_repoint`` for results of a run that read a sheet or release replaced while it ran
    (a run finishing after a newer one): they name the current version where their series
    did not change, as if the replacement had come before the run."""
    sheets = DataSheet.objects.filter(
        pk__in=rows.filter(source="national", sheet__is_current=False).values("sheet_id")
    )
    for old in sheets.select_related("country"):
        new = DataSheet.objects.filter(
            country_id=old.country_id,
            round_id=old.round_id,
            is_current=True,
            status=DataSheet.Status.ACCEPTED,
        ).first()
        if new is not None:
            changed = _sheet_values(old.pk) ^ _sheet_values(new.pk)
            _repoint(
                rows,
                old={"sheet_id": old.pk},
                new={"sheet_id": new.pk, "sheet_version": new.version},
                changed={(old.country.iso3, key[0], key[1]) for key in changed},
            )
    stale = rows.filter(source="international", release__is_current=False)
    releases = InternationalRelease.objects.filter(pk__in=stale.values("release_id"))
    for old_release in releases:
        current = InternationalRelease.objects.filter(
            agency_id=old_release.agency_id, is_current=True
        ).first()
        if current is not None:
            indicators = set(
                stale.filter(release=old_release).values_list("indicator_id", flat=True)
            )
            changed_keys = _release_keys(old_release.pk, indicators) ^ _release_keys(
                current.pk, indicators
            )
            _repoint(
                rows,
                old={"release_id": old_release.pk},
                new={"release_id": current.pk},
                changed={key[:3] for key in changed_keys},
            )


def _overlaps(a: list[str] | None, b: list[str] | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


def _within(a: list[str] | None, b: list[str] | None) -> bool:
    return b is None or (a is not None and set(a) <= set(b))


def _newer(run: EngineRun) -> list[EngineRun]:
    """Runs created after ``run`` that already succeeded on a scope overlapping its own.

    Created later, such a run read every change that triggered ``run`` (inputs are fixed
    when a run starts, after it is created), so where the scopes overlap its rows stand.
    """
    newer = EngineRun.objects.filter(pk__gt=run.pk, status=EngineRun.Status.SUCCEEDED)
    return [
        other
        for other in newer.only("indicator_codes", "country_codes", "region_codes")
        if _overlaps(run.indicator_codes, other.indicator_codes)
        and (
            _overlaps(run.country_codes, other.country_codes)
            or _overlaps(run.region_codes, other.region_codes)
        )
    ]


def _covers(other: EngineRun, run: EngineRun) -> bool:
    return (
        _within(run.indicator_codes, other.indicator_codes)
        and _within(run.country_codes, other.country_codes)
        and _within(run.region_codes, other.region_codes)
    )
