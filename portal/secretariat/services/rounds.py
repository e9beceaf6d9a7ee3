"""Writes of the secretariat on reporting rounds: open, close, deadlines and the reminders
sent to countries that still owe their data. Each change is audited in its transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.models import DataSheet, Indicator, ReportingRound
from portal.models import Country, User
from portal.secretariat import permissions
from portal.secretariat.models import RoundIndicator, RoundReminder
from portal.secretariat.services._common import _absolute, _require
from portal.services import audit_record

REMIND_DAYS_BEFORE = 7
REMIND_LATE_EVERY_DAYS = 7


# --- reporting rounds ----------------------------------------------------------------------


def round_open(
    *,
    actor: User,
    code: str,
    name_en: str,
    name_es: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    indicators: Iterable[Indicator] = (),
    address: str | None = None,
) -> ReportingRound:
    """Open a round for submissions with its deadline and the indicators it asks for
    (none: every indicator)."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can open rounds."))
    code = code.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("Give the round a code.")
    elif ReportingRound.objects.filter(code__iexact=code).exists():
        errors["code"] = _("A round with the code %(code)s exists already.") % {"code": code}
    if not name_en.strip():
        errors["name_en"] = _("Give the round an English name.")
    if closes_on < opens_on:
        errors["closes_on"] = _("The deadline (%(closes)s) is before the opening (%(opens)s).") % {
            "closes": closes_on.isoformat(),
            "opens": opens_on.isoformat(),
        }
    if errors:
        raise ValidationError(errors)
    indicators = list(indicators)
    with transaction.atomic():
        round_ = ReportingRound.objects.create(
            code=code,
            name_en=name_en.strip(),
            name_es=name_es.strip() or name_en.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            is_open=True,
        )
        RoundIndicator.objects.bulk_create(
            [RoundIndicator(round=round_, indicator=indicator) for indicator in indicators]
        )
        audit_record(
            action="round.open",
            obj=round_,
            summary=f"round {code} opened, deadline {closes_on.isoformat()}",
            actor=actor,
            address=address,
            details={
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "indicators": sorted(indicator.code for indicator in indicators),
            },
        )
    return round_


def round_set_open(
    *, actor: User, round_: ReportingRound, is_open: bool, address: str | None = None
) -> bool:
    """Close a round (no new sheets or submissions) or open it again; False when unchanged."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can close rounds."))
    if round_.is_open == is_open:
        return False
    with transaction.atomic():
        round_.is_open = is_open
        round_.save(update_fields=["is_open", "updated_at"])
        audit_record(
            action="round.reopen" if is_open else "round.close",
            obj=round_,
            summary=f"round {round_.code} {'reopened' if is_open else 'closed'}",
            actor=actor,
            address=address,
        )
    return True


def round_set_deadline(
    *,
    actor: User,
    round_: ReportingRound,
    closes_on: datetime.date | None,
    address: str | None = None,
) -> bool:
    """Move a round's deadline (not before its opening); False when unchanged."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can change deadlines."))
    if closes_on is None:
        raise ValidationError({"closes_on": _("Give the new deadline.")})
    if closes_on < round_.opens_on:
        raise ValidationError(
            {
                "closes_on": _("The deadline (%(closes)s) is before the opening (%(opens)s).")
                % {
                    "closes": date_format(closes_on, "DATE_FORMAT"),
                    "opens": date_format(round_.opens_on, "DATE_FORMAT"),
                }
            }
        )
    old = round_.closes_on
    if old == closes_on:
        return False
    with transaction.atomic():
        round_.closes_on = closes_on
        round_.save(update_fields=["closes_on", "updated_at"])
        audit_record(
            action="round.deadline",
            obj=round_,
            summary=f"round {round_.code}: deadline {old.isoformat()} → {closes_on.isoformat()}",
            actor=actor,
            address=address,
            details={"old": old.isoformat(), "new": closes_on.isoformat()},
        )
    return True


DELIVERED = (DataSheet.Status.SUBMITTED, DataSheet.Status.ACCEPTED)


def _countries_owing(round_: ReportingRound) -> list[Country]:
    """Member countries with nothing submitted or accepted in the round."""
    delivered = DataSheet.objects.filter(round=round_).filter(
        Q(status__in=DELIVERED) | Q(is_current=True)
    )
    from portal.secretariat.selectors import members_during

    return list(
        Country.objects.filter(is_member=True)
        .filter(members_during(round_.opens_on, round_.closes_on))
        .exclude(pk__in=delivered.values("country_id"))
    )


def _reminder_due(
    round_: ReportingRound, country: Country, today: datetime.date
) -> RoundReminder.Kind | None:
    days_left = (round_.closes_on - today).days
    sent = RoundReminder.objects.filter(round=round_, country=country)
    if 0 <= days_left <= REMIND_DAYS_BEFORE:
        if not sent.filter(kind=RoundReminder.Kind.BEFORE).exists():
            return RoundReminder.Kind.BEFORE
        return None
    if days_left < 0:
        since = today - datetime.timedelta(days=REMIND_LATE_EVERY_DAYS)
        if not sent.filter(kind=RoundReminder.Kind.LATE, sent_on__gt=since).exists():
            return RoundReminder.Kind.LATE
    return None


def _reminder_send(
    round_: ReportingRound, country: Country, kind: str, today: datetime.date
) -> int:
    focal_points = User.objects.filter(
        role=User.Role.COUNTRY_FOCAL_POINT, organisation__country=country, is_active=True
    )
    path = reverse("indicators:index")
    sent = 0
    for user in focal_points:
        with translation.override(user.language):
            if kind == RoundReminder.Kind.BEFORE:
                subject = _(
                    "Reminder: the data sheet of %(country)s for %(round)s is due on %(date)s"
                )
            else:
                subject = _("Late: the data sheet of %(country)s for %(round)s was due on %(date)s")
            subject = subject % {
                "country": country.name,
                "round": round_.name,
                "date": date_format(round_.closes_on, "DATE_FORMAT"),
            }
            body = "\n\n".join(
                [
                    subject + ".",
                    _("Nothing has been submitted for your country yet. Open the portal: %(url)s")
                    % {"url": _absolute(path)},
                ]
            )
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def round_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail the focal points of member countries that have not submitted: once in the week
    before an open round's deadline, then every week after it. Returns the e-mails sent."""
    today = today or timezone.localdate()
    total = 0
    for round_ in ReportingRound.objects.filter(is_open=True, opens_on__lte=today):
        for country in _countries_owing(round_):
            kind = _reminder_due(round_, country, today)
            if kind is None:
                continue
            with transaction.atomic():
                reminder, created = RoundReminder.objects.get_or_create(
                    round=round_, country=country, kind=kind, sent_on=today
                )
                if not created:
                    continue
                reminder.recipients = _reminder_send(round_, country, kind, today)
                reminder.save(update_fields=["recipients"])
            total += reminder.recipients
    return total
