"""Who attended a meeting, by type of institution, as the meeting's report states it.

Reports rarely list every participant; they say which kinds of institution came ("national
statistical offices and ministries of seven countries and seven international agencies"). A
``ParticipantGroup`` keeps one such statement: the type of institution, how many institutions
(or countries) and how many people where stated, which countries and agencies, and a short
description in English and Spanish.
Counts the report does not state stay empty (shown as "not stated"), never guessed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, Bilingual, Country

from .meetings import Meeting


class InstitutionType(models.TextChoices):
    NSO = "nso", _("national statistical offices")
    MINISTRY = "ministry", _("ministries and other national institutions")
    AGENCY = "agency", _("international and regional agencies")
    ACADEMIA = "academia", _("academia and research")
    OTHER = "other", _("other institutions")


class ParticipantGroup(models.Model):
    """One type of institution present at a meeting, as reported."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="participant_groups",
    )
    institution_type = models.CharField(
        _("type of institution"), max_length=10, choices=InstitutionType.choices
    )
    institutions = models.PositiveIntegerField(
        _("institutions or countries represented"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the report does not state it."),
    )
    people = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the report does not state it."),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("international agencies"), blank=True, related_name="+"
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)

    class Meta:
        ordering = ["meeting", "institution_type", "pk"]
        verbose_name = _("participant group")
        verbose_name_plural = _("participant groups")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "institution_type"], name="one_group_per_institution_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.get_institution_type_display()}"

    description = Bilingual()
