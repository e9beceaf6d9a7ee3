"""A data sheet's life: create (from the accepted values), submit, return, accept."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import (
    DataSheet,
    Observation,
    ReportingRound,
    SheetEvent,
    ValueComment,
)
from indicators.services.sheets.common import _event, _lock, _notify, _observation_columns, _stale
from portal.models import Country, User

# --- creating ---------------------------------------------------------------------------


def datasheet_create(
    *, country: Country, round: ReportingRound, user: User, address: str | None = None
) -> DataSheet:
    """Open a draft for `country` in `round`, starting from the current accepted values.

    Raises PermissionDenied for anyone but the country's focal point, ValidationError when an
    open sheet already exists or the round is closed.
    """
    if not permissions.can_edit_country_sheets(user, country):
        raise PermissionDenied(_("Only the country's focal point can open a data sheet."))
    if not round.is_open:
        raise ValidationError(_("The reporting round %(round)s is closed.") % {"round": round.name})
    with transaction.atomic():
        Country.objects.select_for_update().filter(pk=country.pk).first()
        existing = DataSheet.objects.filter(
            country=country, round=round, status__in=DataSheet.OPEN
        ).first()
        if existing is not None:
            raise ValidationError(
                _("An open data sheet already exists for this round: version %(v)s.")
                % {"v": existing.version}
            )
        current = DataSheet.objects.filter(country=country, round=round, is_current=True).first()
        last_version = (
            DataSheet.objects.filter(country=country, round=round).aggregate(v=Max("version"))["v"]
            or 0
        )
        sheet = DataSheet.objects.create(
            country=country,
            round=round,
            version=last_version + 1,
            supersedes=current,
            created_by=user,
        )
        if current is not None:
            _copy_observations(current, sheet)
        _event(
            sheet,
            SheetEvent.Kind.CREATED,
            user,
            address=address,
            details={"from_version": current.version if current else None},
        )
    return sheet


def _copy_observations(source: DataSheet, target: DataSheet) -> None:
    """Copy every value of `source` into `target` in one INSERT ... SELECT, provenance included.

    Each copy keeps its file, row, who entered it and when, so a new version still says where
    every value came from. Plain SQL that PostgreSQL and SQLite both run; the copies get their
    ids in the order of the originals.
    """
    quote = connection.ops.quote_name
    sheet, *others = (quote(f.column) for f in _observation_columns())
    table, pk = quote(Observation._meta.db_table), quote(Observation._meta.pk.column)
    rest = ", ".join(others)
    with connection.cursor() as cursor:  # table and column names come from the model
        cursor.execute(
            f"INSERT INTO {table} ({sheet}, {rest}) SELECT %s, {rest} FROM {table} "  # nosec B608
            f"WHERE {sheet} = %s ORDER BY {pk}",
            [target.pk, source.pk],
        )


# --- submit, return, accept -----------------------------------------------------------


def datasheet_submit(
    *,
    sheet: DataSheet,
    user: User,
    expected_lock_version: int | None = None,
    address: str | None = None,
) -> DataSheet:
    """The focal point sends the sheet for review. Submitting twice is harmless."""
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can submit this data sheet."))
    with transaction.atomic():
        locked = DataSheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.status == DataSheet.Status.SUBMITTED:
            return locked
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be submitted.")
                % {"status": locked.get_status_display()}
            )
        if not locked.observations.exists():
            raise ValidationError(
                _("The data sheet has no values yet: import a file or enter values first.")
            )
        locked.status = DataSheet.Status.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        event = _event(locked, SheetEvent.Kind.SUBMITTED, user, address=address)
        _notify(event)
    return locked


def datasheet_return(
    *,
    sheet: DataSheet,
    user: User,
    comment: str,
    value_comments: dict[int, str] | None = None,
    address: str | None = None,
) -> DataSheet:
    """The coordinator sends the sheet back to the focal point, with comments."""
    if not permissions.can_review(user):
        raise PermissionDenied(_("Only the coordinator can review data sheets."))
    if not comment.strip():
        raise ValidationError(
            {"comment": _("Say what needs to change: a comment is required to return a sheet.")}
        )
    with transaction.atomic():
        locked = _lock(sheet, None)
        if locked.status != DataSheet.Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted sheet can be returned; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.status = DataSheet.Status.RETURNED
        locked.reviewed_by, locked.reviewed_at, locked.review_comment = (
            user,
            timezone.now(),
            comment,
        )
        locked.save(
            update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"]
        )
        _review_comments_store(
            sheet=locked, user=user, comment=comment, value_comments=value_comments
        )
        event = _event(locked, SheetEvent.Kind.RETURNED, user, address=address, comment=comment)
        _notify(event)
    return locked


def _review_comments_store(
    *, sheet: DataSheet, user: User, comment: str, value_comments: dict[int, str] | None
) -> None:
    """Keep the reviewer's words: the sheet comment and one comment per commented value.

    Comments on values that are not in this sheet are ignored (a stale form); blank ones too.
    """
    if comment.strip():
        ValueComment.objects.create(sheet=sheet, author=user, text=comment)
    value_comments = {
        obs_id: text for obs_id, text in (value_comments or {}).items() if text.strip()
    }
    valid_ids = set(
        sheet.observations.filter(pk__in=value_comments.keys()).values_list("pk", flat=True)
    )
    ValueComment.objects.bulk_create(
        [
            ValueComment(sheet=sheet, observation_id=obs_id, author=user, text=text)
            for obs_id, text in value_comments.items()
            if obs_id in valid_ids
        ]
    )


def datasheet_accept(
    *,
    sheet: DataSheet,
    user: User,
    comment: str = "",
    value_comments: dict[int, str] | None = None,
    address: str | None = None,
) -> DataSheet:
    """The coordinator publishes the sheet: it becomes the current version and is locked for good.

    The review comment and the comments on single values are kept, as on a return.
    """
    if not permissions.can_review(user):
        raise PermissionDenied(_("Only the coordinator can review data sheets."))
    with transaction.atomic():
        locked = _lock(sheet, None)
        if locked.status != DataSheet.Status.SUBMITTED:
            raise ValidationError(
                _("Only a submitted sheet can be accepted; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        previous = (
            DataSheet.objects.select_for_update()
            .filter(country=locked.country, round=locked.round, is_current=True)
            .first()
        )
        if previous is not None:
            previous.is_current = False
            previous.save(update_fields=["is_current", "updated_at"])
            _event(
                previous,
                SheetEvent.Kind.SUPERSEDED,
                user,
                address=address,
                details={"by_version": locked.version},
            )
        locked.status, locked.is_current = DataSheet.Status.ACCEPTED, True
        locked.reviewed_by, locked.reviewed_at, locked.review_comment = (
            user,
            timezone.now(),
            comment,
        )
        try:
            locked.save(
                update_fields=[
                    "status",
                    "is_current",
                    "reviewed_by",
                    "reviewed_at",
                    "review_comment",
                    "updated_at",
                ]
            )
        except IntegrityError as exc:
            raise _stale() from exc
        _review_comments_store(
            sheet=locked, user=user, comment=comment, value_comments=value_comments
        )
        event = _event(locked, SheetEvent.Kind.ACCEPTED, user, address=address, comment=comment)
        _notify(event)
        # The run is recorded in this transaction and its task goes through the outbox,
        # so a broker outage delays the recomputation but never loses it.
        from indicators.reports.services import engine_queue_for_sheet

        engine_queue_for_sheet(sheet_id=locked.pk)
    return locked
