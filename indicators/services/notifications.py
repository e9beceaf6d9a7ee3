"""E-mails about data sheets, each in its recipient's language."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import SheetEvent
from portal.logging import log_event
from portal.models import User

logger = logging.getLogger(__name__)


def _recipients(event: SheetEvent) -> list[User]:
    sheet = event.sheet
    if event.kind == SheetEvent.Kind.SUBMITTED:
        return list(User.objects.filter(role=User.Role.COORDINATOR, is_active=True))
    return list(
        User.objects.filter(
            role=User.Role.COUNTRY_FOCAL_POINT, organisation__country=sheet.country, is_active=True
        )
    )


def sheet_event_notify_send(*, event_id: int) -> int:
    """Send one message per recipient of a submitted/returned/accepted event; returns the count."""
    event = SheetEvent.objects.select_related("sheet__country", "sheet__round", "actor").get(
        pk=event_id
    )
    if event.kind not in (
        SheetEvent.Kind.SUBMITTED,
        SheetEvent.Kind.RETURNED,
        SheetEvent.Kind.ACCEPTED,
    ):
        return 0
    sheet = event.sheet
    path = reverse("indicators:sheet_detail", args=[sheet.pk])
    sent = 0
    for user in _recipients(event):
        with translation.override(user.language):
            subject = {
                SheetEvent.Kind.SUBMITTED: _("%(country)s submitted its data sheet for %(round)s"),
                SheetEvent.Kind.RETURNED: _(
                    "Your data sheet for %(round)s was returned with comments"
                ),
                SheetEvent.Kind.ACCEPTED: _("Your data sheet for %(round)s was accepted"),
            }[SheetEvent.Kind(event.kind)] % {
                "country": sheet.country.name,
                "round": sheet.round.name,
            }
            body = "\n\n".join(
                filter(
                    None,
                    [
                        subject + ".",
                        _("Version %(version)s, by %(actor)s.")
                        % {"version": sheet.version, "actor": event.actor or "—"},
                        event.comment,
                        _("Open it: %(url)s")
                        % {"url": settings.PORTAL_BASE_URL.rstrip("/") + path},
                    ],
                )
            )
        send_mail(subject, body, None, [user.email])
        sent += 1
    log_event(
        logger,
        "email.sheet_event",
        event_id=event.pk,
        sheet_id=sheet.pk,
        kind=event.kind,
        sent=sent,
    )
    return sent
