"""Records of the secretariat's work: invitations, the indicators a round asks for,
reminders sent, and the history of indicator definitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, User


class Invitation(models.Model):
    """An e-mailed link with which a new member sets a password; the token is stored hashed."""

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=24, choices=User.Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", "English"), ("es", "Español")],
        default="en",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class RoundIndicator(models.Model):
    """An indicator a reporting round asks for; a round without any asks for every indicator."""

    round = models.ForeignKey(
        "indicators.ReportingRound",
        verbose_name=_("reporting round"),
        on_delete=models.CASCADE,
        related_name="requested",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        ordering = ["round", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="unique_round_indicator")
        ]
        verbose_name = _("requested indicator")
        verbose_name_plural = _("requested indicators")

    def __str__(self) -> str:
        return f"{self.round_id}:{self.indicator_id}"


class RoundReminder(models.Model):
    """A reminder e-mailed to a country's focal points about a round: sent once per kind and day."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        LATE = "late", _("after the deadline")

    round = models.ForeignKey(
        "indicators.ReportingRound",
        verbose_name=_("reporting round"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    country = models.ForeignKey(
        "portal.Country", verbose_name=_("country"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "country", "kind", "sent_on"], name="unique_round_reminder_per_day"
            )
        ]
        verbose_name = _("round reminder")
        verbose_name_plural = _("round reminders")

    def __str__(self) -> str:
        return f"{self.round_id} {self.country_id} {self.kind} {self.sent_on}"


class IndicatorChange(models.Model):
    """One edit of an indicator's definition: every changed field with its old and new value."""

    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    engine_run = models.ForeignKey(
        "indicators.EngineRun",
        verbose_name=_("engine run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("indicator change")
        verbose_name_plural = _("indicator changes")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.at:%Y-%m-%d %H:%M}"
