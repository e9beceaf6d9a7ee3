"""Every role check of the meetings app, built on portal.permissions.

- The coordinator (secretariat) manages meetings, agendas and the work programme.
- Focal points of an organiser or co-organiser (their country, their agency or their
  own organisation) manage that meeting's participants, documents and outcomes.
- Members (every active role but observer) register themselves for upcoming meetings.
- Visibility: public meetings are open to anonymous visitors, members' meetings to any
  logged-in user, restricted meetings to the listed organisations, the organisers, the
  meeting's own participants and the coordinator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import permissions as base

if TYPE_CHECKING:
    from portal.permissions import AnyUser

    from .models import Document, Meeting

OBSERVER = "observer"
FOCAL_POINT_ROLES = ("country_focal_point", "agency_focal_point")


def _organisation(user: AnyUser):
    if not base.is_member(user):
        return None
    return user.organisation  # type: ignore[union-attr]


def is_organiser(user: AnyUser, meeting: Meeting) -> bool:
    """The user's organisation, country or agency organises or co-organises the meeting."""
    org = _organisation(user)
    if org is None:
        return False
    for partner in meeting.partners.all():
        if partner.role == partner.Role.FUNDER:
            continue
        if partner.organisation_id and partner.organisation_id == org.pk:
            return True
        if partner.agency_id and partner.agency_id == org.agency_id:
            return True
        if partner.country_id and partner.country_id == org.country_id and org.kind != "agency":
            return True
    return False


def _is_listed(user: AnyUser, meeting: Meeting) -> bool:
    org = _organisation(user)
    if org is None:
        return False
    if any(o.pk == org.pk for o in meeting.allowed_organisations.all()):
        return True
    if is_organiser(user, meeting):
        return True
    return meeting.participants.filter(user_id=user.pk).exists()  # type: ignore[misc]


def _visible(user: AnyUser, visibility: str, meeting: Meeting) -> bool:
    if visibility == "public":
        return True
    if not base.is_member(user):
        return False
    if visibility == "members" or base.is_coordinator(user):
        return True
    return _is_listed(user, meeting)


def can_view_meeting(user: AnyUser, meeting: Meeting) -> bool:
    return _visible(user, meeting.visibility, meeting)


def can_manage_meetings(user: AnyUser) -> bool:
    """Create meetings, edit them and their agenda; the whole work programme."""
    return base.can_manage_meetings(user)


def can_edit_meeting(user: AnyUser, meeting: Meeting) -> bool:
    return base.can_manage_meetings(user)


def can_manage_participants(user: AnyUser, meeting: Meeting) -> bool:
    """Keep the list of participants, mark attendance, upload documents, record outcomes."""
    if base.is_coordinator(user):
        return True
    if not base.is_member(user) or user.role not in FOCAL_POINT_ROLES:  # type: ignore[union-attr]
        return False
    return is_organiser(user, meeting)


def can_register(user: AnyUser, meeting: Meeting) -> bool:
    """Members register themselves for upcoming meetings they may see."""
    if not base.is_member(user) or user.role == OBSERVER:  # type: ignore[union-attr]
        return False
    return meeting.is_upcoming and can_view_meeting(user, meeting)


def can_view_participant_details(user: AnyUser, meeting: Meeting) -> bool:
    """Sex, attendance and names without consent: only those who keep the list."""
    return can_manage_participants(user, meeting)


def can_view_document(user: AnyUser, document: Document) -> bool:
    meeting = document.meeting
    if not can_view_meeting(user, meeting):
        return False
    if can_manage_participants(user, meeting):
        return True
    return _visible(user, document.visibility, meeting)


def can_view_actions(user: AnyUser) -> bool:
    return base.is_member(user)


def can_manage_programme(user: AnyUser) -> bool:
    return base.is_coordinator(user)


def can_view_capacity(user: AnyUser) -> bool:
    """Training, experts, missions and grants: every member (experts' names are not public)."""
    return base.is_member(user)


def can_manage_capacity(user: AnyUser) -> bool:
    return base.is_coordinator(user)
