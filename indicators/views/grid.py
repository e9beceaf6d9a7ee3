"""The grid of a sheet's values: corrections and deletions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indicators import permissions, selectors, services
from indicators.views.common import (
    _address,
    _error_messages,
    _int_or_none,
    _next_url,
    _visible_sheet,
)
from portal.typing import AuthedRequest


@login_required
@require_POST
def sheet_grid_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Store the grid's corrections: a bad cell is named (indicator, area, disaggregation,
    year, as on the page) and left out; the other cells of the same save are stored. An emptied
    value is deleted, with the reason given for deletions."""
    sheet = _visible_sheet(request, pk)
    if not permissions.can_edit_country_sheets(request.user, sheet.country):
        raise PermissionDenied
    changes, refused = _grid_changes(request)
    labels = selectors.observation_labels(sheet=sheet, ids=[*changes, *refused])
    lock_version = _int_or_none(request.POST.get("lock_version"))
    try:
        result = services.observations_update(
            sheet=sheet,
            user=request.user,
            changes=changes,
            expected_lock_version=-1 if lock_version is None else lock_version,
            address=_address(request),
            delete_reason=request.POST.get("delete_reason", "")[:2000],
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect(_next_url(request, sheet))
    for obs_id, reason in {**refused, **result.refused}.items():
        messages.error(
            request,
            _("%(value)s was not saved: %(reason)s.")
            % {"value": labels.get(obs_id, _("a value not in this sheet")), "reason": reason},
        )
    if result.changed or not (result.deleted or refused or result.refused):
        saved = ngettext("%(count)s value saved.", "%(count)s values saved.", result.changed)
        messages.success(request, saved % {"count": result.changed})
    if result.deleted:
        deleted = ngettext("%(count)s value deleted.", "%(count)s values deleted.", result.deleted)
        messages.success(request, deleted % {"count": result.deleted})
    return redirect(_next_url(request, sheet))


def _grid_changes(
    request: AuthedRequest,
) -> tuple[dict[int, tuple[Decimal | None, str]], dict[int, str]]:
    """The grid's cells: observation id -> (value or None to delete, footnote), and the cells
    that are not numbers, with the reason."""
    changes: dict[int, tuple[Decimal | None, str]] = {}
    refused: dict[int, str] = {}
    for key, raw in request.POST.items():
        suffix = key.removeprefix("value-")
        if not key.startswith("value-") or not suffix.isdigit():
            continue
        obs_id, text = int(suffix), str(raw).strip()
        footnote = request.POST.get(f"footnote-{obs_id}", "")[:2000]
        if not text:
            changes[obs_id] = (None, footnote)
            continue
        try:
            value = Decimal(text.replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            refused[obs_id] = _("“%(value)s” is not a number") % {"value": text[:40]}
            continue
        changes[obs_id] = (value, footnote)
    return changes, refused
