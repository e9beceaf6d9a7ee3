"""Who may use the secretariat's pages: the coordinator (secretariat) and superusers.

Every check builds on `portal.permissions`; the pages and the services call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import permissions as base

if TYPE_CHECKING:
    from portal.models import User
    from portal.permissions import AnyUser


def can_manage_members(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_manage_rounds(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_view_completeness(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_edit_indicators(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_map_area_codes(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_edit_activities(user: AnyUser) -> bool:
    from meetings import permissions as meetings_permissions

    return meetings_permissions.can_manage_programme(user)


def can_change_account(actor: AnyUser, account: User) -> bool:
    """A coordinator manages other accounts; nobody changes their own role or switches
    themselves off, and only a superuser touches a superuser's account."""
    if not can_manage_members(actor) or actor.pk == account.pk:
        return False
    return not account.is_superuser or bool(actor.is_superuser)


def can_view_synthesis(user: AnyUser) -> bool:
    """The synthesis of the country data sheets and the status by institution."""
    return base.is_coordinator(user)


def can_manage_organisations(user: AnyUser) -> bool:
    return base.is_coordinator(user)
