"""The work programme: bienniums, objectives, activities and sub-activities."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel


class Biennium(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("biennium")
        verbose_name_plural = _("bienniums")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="biennium_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year}: {self.title}"

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"


class Objective(models.Model):
    biennium = models.ForeignKey(
        Biennium, verbose_name=_("biennium"), on_delete=models.CASCADE, related_name="objectives"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.TextField(_("objective"))

    class Meta:
        ordering = ["biennium", "number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["biennium", "number"], name="unique_objective_number_per_biennium"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"


class Activity(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    biennium = models.ForeignKey(
        Biennium, verbose_name=_("biennium"), on_delete=models.CASCADE, related_name="activities"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent activity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_activities",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.TextField(_("activity"))
    description = models.TextField(_("description"), blank=True)
    lead = models.CharField(
        _("lead entities as written"),
        max_length=300,
        blank=True,
        help_text=_("Shown when no lead organisation is chosen."),
    )
    lead_organisations = models.ManyToManyField(
        "portal.Organisation",
        verbose_name=_("lead organisations"),
        blank=True,
        related_name="led_activities",
    )
    entities = models.CharField(_("participating entities"), max_length=500, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for ongoing activities.")
    )
    timeline_note = models.CharField(
        _("timeline as written"), max_length=200, blank=True, help_text=_("E.g. “2013 – Ongoing”.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    progress_notes = models.TextField(_("progress notes"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["biennium", "order", "code"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(
                fields=["biennium", "code"], name="unique_activity_code_per_biennium"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="activity_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"

    @property
    def leads(self) -> str:
        """The lead organisations' names (prefetch ``lead_organisations``), else the text."""
        names = [organisation.name for organisation in self.lead_organisations.all()]
        return ", ".join(names) if names else self.lead
