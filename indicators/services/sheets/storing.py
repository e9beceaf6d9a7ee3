"""The database writes of an applied upload: values added, changed and removed."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING

from django.db import connection

from indicators.models import (
    DataSheet,
    Observation,
    UploadedFile,
    ValueComment,
)
from indicators.services.observation_store import instances_update
from indicators.services.sheets.common import _observation_columns, _stored_rows
from indicators.services.validation import Candidate
from portal.models import User

if TYPE_CHECKING:
    from indicators.services.sheets.importing import ImportPreview


#: Observation field -> the Candidate attribute it is stored from
_FROM_CANDIDATE = {
    "indicator": "indicator_id",
    "area": "area_id",
    "disaggregation": "disaggregation",
    "year": "year",
    "period": "period",
    "value": "value",
    "unit": "unit",
    "nature": "nature",
    "operation": "operation_id",
    "source": "source",
    "footnote": "footnote",
    "source_row": "row",
}
INSERT_BATCH = 5000


def _observations_merge(
    sheet: DataSheet,
    preview: ImportPreview,
    uploads: dict[str, UploadedFile],
    user: User,
    now: datetime,
) -> None:
    """Add the new values, rewrite the differing ones with the new provenance, remove what the
    preview listed as removed; unchanged values are not touched."""
    covered = {c.indicator_id for c in preview.candidates} | {
        line.key[0] for line in preview.removed
    }
    stored = _stored_rows(sheet, covered)
    new, changed = [], []
    for candidate in preview.candidates:
        row = stored.get(candidate.key)
        if row is None:
            new.append(candidate)
        elif row.differs_from(candidate):
            changed.append(
                Observation(
                    pk=row.pk,
                    value=candidate.value,
                    unit=candidate.unit,
                    nature=candidate.nature,
                    operation_id=candidate.operation_id,
                    source=candidate.source,
                    footnote=candidate.footnote,
                    source_row=candidate.row,
                    upload=uploads.get(candidate.file),
                    entered_by=user,
                    entered_at=now,
                )
            )
    removed = [stored[line.key].pk for line in preview.removed if line.key in stored]
    for start in range(0, len(removed), INSERT_BATCH):
        batch = removed[start : start + INSERT_BATCH]
        ValueComment.objects.filter(observation_id__in=batch).delete()
        sheet.observations.filter(pk__in=batch).delete()
    instances_update(changed, [*_CHANGEABLE, "upload", "entered_by", "entered_at"])
    _observations_insert(sheet, new, uploads, user, now)


#: Observation fields an upload rewrites on a value whose content changed
_CHANGEABLE = ("value", "unit", "nature", "operation", "source", "footnote", "source_row")


def _observations_insert(
    sheet: DataSheet,
    candidates: list[Candidate],
    uploads: dict[str, UploadedFile],
    user: User,
    now: datetime,
) -> None:
    """Store validated values with their provenance: COPY on PostgreSQL, batched INSERTs elsewhere.

    Builds plain tuples, not model instances: the candidates are validated already (values are
    Decimals quantized to the column's places), and preparing 50,000 instances field by field
    cost more than storing them. A field added to Observation later gets its default, as with
    the ORM.
    """
    from_candidate = [f for f in _observation_columns() if f.name in _FROM_CANDIDATE]
    upload_field = Observation._meta.get_field("upload")
    given = {"sheet": sheet.pk, "entered_by": user.pk, "entered_at": now}
    constant_fields = [
        f for f in _observation_columns() if f.name not in _FROM_CANDIDATE and f is not upload_field
    ]
    constants = tuple(
        f.get_db_prep_save(given[f.name] if f.name in given else f.get_default(), connection)
        for f in constant_fields
    )
    read = attrgetter(*(_FROM_CANDIDATE[f.name] for f in from_candidate))
    upload_ids = {name: upload.pk for name, upload in uploads.items()}
    rows = [(*read(c), upload_ids.get(c.file), *constants) for c in candidates]
    columns = [f.column for f in (*from_candidate, upload_field, *constant_fields)]
    _insert_rows(Observation._meta.db_table, columns, rows)


def _insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        driver_cursor = cursor.cursor
        if connection.vendor == "postgresql" and hasattr(driver_cursor, "copy"):
            with (
                connection.wrap_database_errors,
                driver_cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # nosec B608
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])
