"""Participants registered for a meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Country, Organisation, TimeStampedModel

from .meetings import Meeting


class Participant(TimeStampedModel):
    class Sex(models.TextChoices):
        FEMALE = "female", _("female")
        MALE = "male", _("male")
        NOT_STATED = "not_stated", _("not stated")

    class Attendance(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("attended")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_registrations",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participants",
    )
    organisation_name = models.CharField(
        _("organisation (if not in the portal)"), max_length=200, blank=True
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.REGISTERED
    )
    consent_to_publish = models.BooleanField(
        _("my name may be published in the list of participants"), default=False
    )

    class Meta:
        ordering = ["meeting", "full_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="unique_registration_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.meeting})"

    @property
    def organisation_label(self) -> str:
        return str(self.organisation) if self.organisation_id else self.organisation_name
