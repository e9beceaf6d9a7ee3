"""The statistical operations behind national figures, and how each indicator's figures flow."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, Country, Organisation, TimeStampedModel


class StatisticalOperation(TimeStampedModel):
    class Kind(models.TextChoices):
        CENSUS = "census", _("census")
        HOUSEHOLD_SURVEY = "household_survey", _("household survey")
        ENTERPRISE_SURVEY = "enterprise_survey", _("enterprise survey")
        ADMINISTRATIVE = "administrative", _("administrative register")
        CIVIL_REGISTRATION = "civil_registration", _("civil registration and vital statistics")
        ESTIMATE = "estimate", _("estimate or model")
        OTHER = "other", _("other")

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="operations"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    institution = models.CharField(_("producing institution"), max_length=200)
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operations",
        help_text=_("The country's statistical office or ministry, when it is in the portal."),
    )
    periodicity = models.CharField(_("periodicity"), max_length=60, blank=True)
    last_round = models.CharField(_("last round"), max_length=20, blank=True)
    next_round = models.CharField(_("next round"), max_length=20, blank=True)
    subnational_level = models.CharField(
        _("subnational level of representativeness"), max_length=120, blank=True
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators it produces"), blank=True
    )

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("statistical operation")
        verbose_name_plural = _("statistical operations")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="unique_operation_per_country")
        ]

    def __str__(self) -> str:
        return self.name


class InformationFlow(TimeStampedModel):
    class Method(models.TextChoices):
        COUNTRY_DATA = "country_data", _("country data, as reported")
        ADJUSTED = "adjusted", _("country data, adjusted")
        ESTIMATED = "estimated", _("estimated")
        MODELLED = "modelled", _("modelled")
        GLOBAL_MONITORING = "global_monitoring", _("global monitoring data")

    class DataFormat(models.TextChoices):
        SDMX = "sdmx", _("SDMX")
        SPREADSHEET = "spreadsheet", _("spreadsheet (Excel, CSV)")
        QUESTIONNAIRE = "questionnaire", _("agency questionnaire")
        API = "api", _("web service or API")
        PUBLICATION = "publication", _("publication or web site")
        OTHER = "other", _("other")

    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        related_name="information_flows",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE
    )
    national_producer = models.CharField(_("national producer"), max_length=200)
    custodian = models.ForeignKey(
        Agency,
        verbose_name=_("international custodian agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    method = models.CharField(
        _("how the international figure is produced"), max_length=20, choices=Method.choices
    )
    frequency = models.CharField(
        _("how often the figures are sent"),
        max_length=60,
        blank=True,
        help_text=_("For example annual, biennial, quarterly."),
    )
    data_format = models.CharField(
        _("format"), max_length=16, choices=DataFormat.choices, blank=True
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["country", "indicator"]
        verbose_name = _("information flow")
        verbose_name_plural = _("information flows")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "indicator"], name="unique_flow_per_country_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country.iso3} {self.indicator.code}"
