"""Rewriting many stored rows at once (an upload whose values changed), instead of Django's
``bulk_update``.

``bulk_update`` writes one ``UPDATE ... SET col = CASE WHEN id = 1 THEN ... WHEN id = 2 THEN
... END`` per batch: PostgreSQL walks the CASE list for every row and every column, so a batch
of 1,000 values costs about a million comparisons per column, and confirming a 2,000-value
upload whose values had all changed took seconds. Here one ``UPDATE ... FROM unnest(array of
ids, array of values, ...)`` joined on the primary key does it on PostgreSQL; other
databases (SQLite) keep ``bulk_update``. Same rows, same columns, same stored values as
``bulk_update`` (tested side by side), with one difference: a text longer than its column is
refused, as an INSERT or a single UPDATE refuses it, where ``bulk_update``'s ``CAST(... AS
varchar(n))`` cuts it silently (the import never gets there: it checks lengths first).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import CharField, Field, Model, TextField

#: rows per statement (PostgreSQL): bounds the arrays sent at once
UPDATE_BATCH = 10_000


def instances_update(
    objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = UPDATE_BATCH
) -> None:
    """Write `fields` of each instance in `objs` (all of one model, primary keys set) to its row.

    What ``Model.objects.bulk_update(objs, fields)`` stores, without its CASE expressions:
    nothing else of a row changes, a primary key that does not exist changes nothing, values
    are prepared by their fields as the ORM prepares them; a too long text is the database's
    error, never cut. Raises what the database raises.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":  # SQLite: as before (how it stores decimals included)
        type(objs[0])._default_manager.bulk_update(objs, fields, batch_size=1000)
        return
    meta = type(objs[0])._meta
    targets: list[Field] = [meta.get_field(name) for name in fields]  # type: ignore[misc]
    pk = meta.pk
    assert pk is not None  # nosec B101: every concrete model has one
    rows = [
        (
            obj.pk,
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in targets),
        )
        for obj in objs
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        # One statement whatever the number of rows: each column is one array parameter,
        # unnested side by side (thousands of %s placeholders cost more to send than to run).
        # Texts go in as text and are assigned to the column (a varchar(n) cast would cut a
        # long one silently; the assignment refuses it, as an ORM update does).
        casts = [
            "text" if isinstance(f, CharField | TextField) else f.db_type(connection)
            for f in (pk, *targets)
        ]
        arrays = ", ".join(f"%s::{cast}[]" for cast in casts)
        names = ", ".join(quote(n) for n in ["_pk", *(f.column for f in targets)])
        assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in targets)
        sql = (
            f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({names}) "  # nosec B608
            f"WHERE {table}.{quote(pk.column)} = v.{quote('_pk')}"
        )
        for start in range(0, len(rows), batch_size):
            cursor.execute(
                sql,
                [list(column) for column in zip(*rows[start : start + batch_size], strict=True)],
            )
