"""Writing a run's staged result rows: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

A full run stages 40,000 series, 20,000 discrepancy and 7,000 aggregate rows. Building a
model instance per row and writing them with ``bulk_create`` (Django prepares every field
of every instance and compiles one INSERT per batch) took about a sixth of a chunk's time
under the profiler; here the plain dicts ``rows`` builds are converted as their fields'
types say (the result models hold only integers, floats, texts, booleans and, for the
aggregates, one JSON list) and streamed with psycopg's ``cursor.copy``, as the sheet
imports store their values. The stored rows are the same: ``tests/reports/test_store.py``
compares both ways, field by field, on either database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

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
