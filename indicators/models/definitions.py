"""Indicator definitions with their targets, and the code mappings that are data, not code."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.engine.progress_ratio import Thresholds
from portal.models import (
    Agency,
    BilingualNameMixin,
    Country,
    SubnationalArea,
    TimeStampedModel,
    localized,
)


class Indicator(BilingualNameMixin, TimeStampedModel):
    class Framework(models.TextChoices):
        MDG = "MDG", _("Millennium Development Goals")
        SDG = "SDG", _("Sustainable Development Goals")

    class TargetKind(models.TextChoices):
        RELATIVE = "relative", _("relative to the baseline value")
        ABSOLUTE = "absolute", _("absolute value")
        NONE = "none", _("no target value")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("decrease")
        INCREASE = "increase", _("increase")

    code = models.CharField(_("code"), max_length=32, unique=True)
    framework = models.CharField(_("framework"), max_length=3, choices=Framework.choices)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_es = models.CharField(_("name (Spanish)"), max_length=300)
    goal = models.CharField(_("goal"), max_length=8)
    target = models.CharField(_("target"), max_length=8, blank=True)
    target_text_en = models.TextField(_("target wording (English)"), blank=True)
    target_text_es = models.TextField(_("target wording (Spanish)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    unit_label_en = models.CharField(_("unit label (English)"), max_length=120, blank=True)
    unit_label_es = models.CharField(_("unit label (Spanish)"), max_length=120, blank=True)
    value_min = models.FloatField(_("lowest valid value"), null=True, blank=True)
    value_max = models.FloatField(_("highest valid value"), null=True, blank=True)
    target_kind = models.CharField(_("target kind"), max_length=8, choices=TargetKind.choices)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    desired_direction = models.CharField(
        _("desired direction"), max_length=8, choices=Direction.choices
    )
    cutoff = models.FloatField(_("cut-off"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), default=1990)
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2015)
    min_span_years = models.PositiveSmallIntegerField(_("minimum span in years"), default=3)
    rel_tolerance = models.FloatField(_("relative tolerance"), default=0.05)
    abs_tolerance = models.FloatField(_("absolute tolerance"), default=0)
    outlier_factor = models.FloatField(
        _("outlier factor"),
        default=2.0,
        help_text=_(
            "A value more than this many times (or less than 1/this) the previous one is flagged."
        ),
    )
    custodian = models.ForeignKey(
        Agency, verbose_name=_("custodian agency"), null=True, blank=True, on_delete=models.SET_NULL
    )
    first_year = models.PositiveSmallIntegerField(_("earliest accepted year"), default=1980)
    last_year = models.PositiveSmallIntegerField(_("latest accepted year"), default=2035)
    ratio_base_year = models.PositiveSmallIntegerField(
        _("progress ratio: base year"),
        null=True,
        blank=True,
        help_text=_("Sensitivity view (ratio of actual to required growth). Blank: baseline year."),
    )
    ratio_target_year = models.PositiveSmallIntegerField(
        _("progress ratio: target year"),
        null=True,
        blank=True,
        help_text=_("Blank: the indicator's target year."),
    )
    ratio_on_track = models.FloatField(
        _("progress ratio: on-track threshold"),
        default=0.95,
        help_text=_("A ratio at or above this is on track."),
    )
    ratio_acceleration = models.FloatField(
        _("progress ratio: acceleration threshold"),
        default=0.60,
        help_text=_("A ratio at or above this (and below on track) needs acceleration."),
    )

    class Meta:
        ordering = ["framework", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio_on_track__gt=models.F("ratio_acceleration"))
                & Q(ratio_acceleration__gte=0),
                name="indicator_ratio_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(target_kind="none") | Q(target_value__isnull=False),
                name="indicator_target_value_when_targeted",
            ),
            models.CheckConstraint(
                condition=Q(target_year__gt=models.F("baseline_year")),
                name="indicator_target_after_baseline",
            ),
            models.CheckConstraint(
                condition=Q(min_span_years__gte=1), name="indicator_min_span_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def unit_label(self) -> str:
        return localized(self.unit_label_en, self.unit_label_es) or self.unit

    def clean(self) -> None:
        super().clean()
        base, target, _thresholds = self.ratio_settings()
        if target <= base:
            raise ValidationError(
                {"ratio_target_year": _("The target year must be after the base year.")}
            )
        if not 0 <= self.ratio_acceleration < self.ratio_on_track:
            raise ValidationError(
                {
                    "ratio_acceleration": _(
                        "The acceleration threshold must be at least 0 and below the on-track one."
                    )
                }
            )

    def ratio_settings(self) -> tuple[int, int, Thresholds]:
        """(base year, target year, thresholds) of the progress-ratio sensitivity view."""
        thresholds = Thresholds(
            on_track_ratio=self.ratio_on_track, acceleration_ratio=self.ratio_acceleration
        )
        return (
            self.ratio_base_year or self.baseline_year,
            self.ratio_target_year or self.target_year,
            thresholds,
        )


class SeriesCodeMapping(models.Model):
    """An SDMX SERIES code (global SDG code list) that carries a portal indicator."""

    code = models.CharField(_("SDMX series code"), max_length=40, unique=True)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="series_codes",
    )
    unit = models.CharField(
        _("unit required"),
        max_length=40,
        blank=True,
        help_text=_("Blank: any unit of the indicator."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("SDMX series mapping")
        verbose_name_plural = _("SDMX series mappings")

    def __str__(self) -> str:
        return f"{self.code} → {self.indicator.code}"


class UnitSynonym(models.Model):
    """A unit as files write it (a label like "Percent", or another code) for a portal unit code.

    Built-in synonyms are in `indicators.units`; rows here add to them or override them.
    """

    label = models.CharField(
        _("unit as written in files"),
        max_length=120,
        unique=True,
        help_text=_(
            "Compared without case, spaces or thousands separators: 'Per 1,000' = 'PER_1000'."
        ),
    )
    unit = models.CharField(_("portal unit code"), max_length=40, help_text=_("For example PT."))

    class Meta:
        ordering = ["unit", "label"]
        verbose_name = _("unit synonym")
        verbose_name_plural = _("unit synonyms")

    def __str__(self) -> str:
        return f"{self.label} → {self.unit}"


class AreaCodeMapping(models.Model):
    """A REF_AREA code as one country uses it, mapped to the country itself or one of its areas."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="area_codes"
    )
    code = models.CharField(_("code in the country's files"), max_length=20)
    area = models.ForeignKey(
        SubnationalArea,
        verbose_name=_("subnational area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Blank: the code means the whole country."),
    )

    class Meta:
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="unique_area_code_mapping")
        ]
        verbose_name = _("area code mapping")
        verbose_name_plural = _("area code mappings")

    def __str__(self) -> str:
        return f"{self.country.iso3}:{self.code}"
