"""International series: what an agency publishes, kept apart from national data, versioned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models.definitions import Indicator
from indicators.models.sheets import UploadedFile
from portal.models import Agency, Country


class InternationalRelease(models.Model):
    """One load of an agency's published figures; the newest release of an agency counts."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="releases"
    )
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, on_delete=models.SET_NULL
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    upload = models.ForeignKey(
        UploadedFile, verbose_name=_("file"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["agency", "-version"]
        verbose_name = _("international release")
        verbose_name_plural = _("international releases")
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="unique_release_version"),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(is_current=True),
                name="one_current_release_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} v{self.version}"


class InternationalObservation(models.Model):
    release = models.ForeignKey(
        InternationalRelease,
        verbose_name=_("release"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT)
    disaggregation = models.CharField(_("disaggregation"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(
        _("period as published"),
        max_length=30,
        blank=True,
        help_text=_("Blank for a plain year; 2014-15 (survey), 2000-Q1..2000-Q4 (quarters)."),
    )
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=10)
    unit = models.CharField(_("unit"), max_length=40)
    nature = models.CharField(_("nature"), max_length=4, blank=True)
    footnote = models.TextField(_("footnote"), blank=True)
    source_row = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)

    class Meta:
        ordering = ["country", "indicator", "disaggregation", "year"]
        verbose_name = _("international observation")
        verbose_name_plural = _("international observations")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "country", "indicator", "disaggregation", "year"],
                name="unique_international_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.indicator.code} {self.year} = {self.value}"
