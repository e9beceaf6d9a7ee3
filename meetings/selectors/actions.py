"""Follow-up actions still open and what needs a user's attention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import permissions as base
from portal.models import User
from portal.selectors import AttentionItem

from ..models import (
    ActionItem,
    Meeting,
    Participant,
)
from .meetings import visible_meetings


def open_actions(*, user: Any) -> list[ActionItem]:
    """Open follow-up actions of every meeting the user may see, oldest due first."""
    return list(
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES, meeting__in=visible_meetings(user=user)
        )
        .select_related("meeting", "owner")
        .order_by("due_date", "pk")
    )


def attention_items(*, user: User) -> list[AttentionItem]:
    """Upcoming meetings I am registered for; my organisation's actions due soon or overdue."""
    if not base.is_member(user):
        return []
    today = timezone.localdate()
    items: list[AttentionItem] = []
    registrations = (
        Participant.objects.filter(
            user=user, meeting__end_date__gte=today, meeting__status=Meeting.Status.PLANNED
        )
        .select_related("meeting")
        .order_by("meeting__start_date")
    )
    for reg in registrations:
        items.append(
            AttentionItem(
                title=_("Meeting: %(title)s") % {"title": reg.meeting.title},
                url=reverse("meetings:detail", args=[reg.meeting_id]),
                detail=_("You are registered; it starts on %(date)s.")
                % {"date": date_format(reg.meeting.start_date)},
            )
        )
    if user.organisation_id:
        soon = today + dt.timedelta(days=14)
        actions = ActionItem.objects.filter(
            owner_id=user.organisation_id,
            status__in=ActionItem.OPEN_STATUSES,
            due_date__lte=soon,
        ).select_related("meeting")
        for action in actions:
            overdue = action.due_date is not None and action.due_date < today
            items.append(
                AttentionItem(
                    title=_("Follow-up action: %(action)s") % {"action": action.description[:80]},
                    url=reverse("meetings:detail", args=[action.meeting_id]) + "#outcomes",
                    detail=(_("Overdue since %(date)s") if overdue else _("Due on %(date)s"))
                    % {"date": date_format(action.due_date or today)},
                    level="warning" if overdue else "info",
                )
            )
    return items
