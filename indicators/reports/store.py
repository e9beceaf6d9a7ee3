"""Writing a run's staged result rows: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

A full run stages 40,000 series, 20,000 discrepancy and 7,000 aggregate rows. Building a
model instance per row and writing them with ``bulk_create`` (Django prepares every field
of every instance and compiles one INSERT per batch) took about a sixth of a chunk's time
under the profiler; here the plain dicts ``rows`` builds are converted as their fields'
types say (the result models hold only integers, floats, texts, booleans and, for the
aggregates, one JSON list) and streamed with psycopg's ``cursor.copy``, as the sheet
imports store their values. The stored rows are the same: ``tests/reports/test_store.py``
compares both ways, field by field, on either database.

Also here: the staged rows of a run cleared (a retried chunk, a failed run), the rows a
run's scope covers and the counts recorded on a finished run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q

from indicators.models import AggregateResult, DiscrepancyResult, EngineRun, SeriesResult
from indicators.reports import selectors

#: rows per ``bulk_create`` batch where COPY is not available (SQLite)
BATCH = 5000


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """What turns an instance's value into the one ``bulk_create`` would store: integers
    (foreign keys included: pandas hands over ids as floats where a column has blanks),
    floats, booleans and texts as such; anything else through ``get_db_prep_save``."""
    kind = field.get_internal_type()
    if isinstance(field, models.ForeignKey) or kind.endswith("IntegerField"):
        return int
    if kind == "FloatField":
        return float
    if kind == "BooleanField":
        return bool
    if kind in ("CharField", "TextField"):
        return str
    return lambda value: field.get_db_prep_save(value, connection)


def _row(converters: list[Callable[[Any], Any]], values: tuple[Any, ...]) -> list[Any]:
    return [
        None if value is None else convert(value)
        for convert, value in zip(converters, values, strict=True)
    ]


def stage(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """Inserts ``rows`` (dicts of ``model``'s column values by attribute name, ``run_id``,
    ``indicator_id``...; a missing field gets its default) and returns how many.

    On PostgreSQL one ``COPY ... FROM STDIN``, each value converted as its field's type
    says; elsewhere model instances and ``bulk_create`` in batches. Raises what the
    database raises (a constraint, a bad value) inside the caller's transaction, so
    nothing is half-stored."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        manager = model._default_manager
        manager.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return len(rows)
    fields = _columns(model)
    converters = [_converter(f) for f in fields]
    defaults = [f.get_default() for f in fields]
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with connection.wrap_database_errors, raw.copy(sql) as copy:
            for row in rows:
                values = tuple(row.get(n, d) for n, d in zip(names, defaults, strict=True))
                copy.write_row(_row(converters, values))
    return len(rows)


RESULT_MODELS = (SeriesResult, DiscrepancyResult, AggregateResult)


def _clear_staged(run: EngineRun, indicator_ids: Sequence[int] | None = None) -> None:
    for model in RESULT_MODELS:
        rows = model.objects.filter(run=run, is_current=False)
        if indicator_ids is not None:
            rows = rows.filter(indicator_id__in=list(indicator_ids))
        rows.delete()


def _scope(run: EngineRun, model: type[Any]) -> Q:
    """The rows of ``model`` that ``run`` recomputes: its indicators x its countries, or for
    the aggregates x its regions (``None`` scopes: all)."""
    scope = Q()
    if run.indicator_codes is not None:
        scope &= Q(indicator__code__in=run.indicator_codes)
    if model is AggregateResult:
        if run.region_codes is not None:
            codes = [code for code in run.region_codes if code != selectors.GROUP_CODE]
            regions = Q(region__code__in=codes)
            if selectors.GROUP_CODE in run.region_codes:
                regions |= Q(region__isnull=True)
            scope &= regions
    elif run.country_codes is not None:
        scope &= Q(country__iso3__in=run.country_codes)
    return scope


def _counts(run: EngineRun) -> dict[str, Any]:
    def tally(model: Any, field: str, **filters: Any) -> dict[str, int]:
        rows = model.objects.filter(run=run, **filters).values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows}

    return {
        "national": tally(SeriesResult, "category", source="national"),
        "international": tally(SeriesResult, "category", source="international"),
        "discrepancies": tally(DiscrepancyResult, "status"),
        "aggregates": tally(AggregateResult, "category"),
    }
