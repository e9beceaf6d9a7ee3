"""Who may do what with data sheets, international series and reports; built on portal's checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import permissions as base

if TYPE_CHECKING:
    from indicators.models import DataSheet
    from portal.models import Agency, Country
    from portal.permissions import AnyUser


def can_edit_country_sheets(user: AnyUser, country: Country) -> bool:
    """Create, import into, edit and submit: the country's focal point only."""
    return base.can_edit_sheet(user, country)


def can_view_sheet(user: AnyUser, sheet: DataSheet) -> bool:
    """Accepted versions are published to every member; the rest only to the country and the coordinator."""
    if sheet.status == "accepted":
        return base.can_view_published(user)
    return base.can_view_unpublished(user, sheet.country)


def can_view_country_sheets(user: AnyUser, country: Country) -> bool:
    return base.can_view_published(user)


def can_review(user: AnyUser) -> bool:
    return base.can_review_sheets(user)


def can_load_international(user: AnyUser, agency: Agency | None = None) -> bool:
    return base.can_load_international(user, agency)


def can_manage_catalogue(user: AnyUser, country: Country) -> bool:
    """The statistical-operations catalogue and information flows: the country's focal point, or the coordinator."""
    return base.is_coordinator(user) or base.is_country_focal_point(user, country)


def case_statistics_scope(user: AnyUser) -> dict[str, int | None] | None:
    """Which cases the user's case statistics cover, as a filter of DiscrepancyCase:
    ``{}`` (all) for the coordinator, the agency's own cases for an agency focal point, the
    country's own for a country focal point; None (no access) for everyone else."""
    if base.is_coordinator(user):
        return {}
    if base.is_agency_focal_point(user):
        return {"agency_id": user.organisation.agency_id}  # type: ignore[union-attr]
    org = getattr(user, "organisation", None)
    if org is not None and org.country_id and base.is_country_focal_point(user, org.country):
        return {"country_id": org.country_id}
    return None
