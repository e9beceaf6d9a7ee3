"""What the indicator engine produced, how (EngineRun), and the discrepancy cases it opens.

Result rows carry the run that wrote them. A run's rows are written as *staged*
(``is_current`` false) by its per-indicator tasks; the run's last step swaps them in
for the rows of its scope in one transaction, so a page never sees half a run.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models.definitions import Indicator
from indicators.models.international import InternationalRelease
from indicators.models.sheets import DataSheet
from portal.models import Agency, Country, Region, TimeStampedModel


class Category(models.TextChoices):
    EARLY_ACHIEVER = "early_achiever", _("early achiever")
    ON_TRACK = "on_track", _("on track")
    OFF_TRACK_SLOW = "off_track_slow", _("off track, progress too slow")
    OFF_TRACK_REGRESSING = "off_track_regressing", _("off track, regressing")
    INSUFFICIENT_DATA = "insufficient_data", _("insufficient data")
    INSUFFICIENT_COVERAGE = "insufficient_coverage", _("insufficient coverage")


class Source(models.TextChoices):
    NATIONAL = "national", _("national")
    INTERNATIONAL = "international", _("international")


class DiscrepancyStatus(models.TextChoices):
    NATIONAL_ONLY = "national_only", _("national figures only")
    INTERNATIONAL_ONLY = "international_only", _("international figures only")
    NO_COMMON_YEAR = "no_common_year", _("no common year")
    DISCREPANT = "discrepant", _("discrepant")
    CONSISTENT = "consistent", _("consistent")


class EngineRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        SUPERSEDED = "superseded", _("superseded by a newer run")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("started by the coordinator")
        COMMAND = "command", _("command line")
        NIGHTLY = "nightly", _("nightly schedule")
        SHEET_ACCEPTED = "sheet_accepted", _("data sheet accepted")
        INTERNATIONAL_LOADED = "international_loaded", _("international series loaded")
        DEMO = "demo", _("demonstration data")

    trigger = models.CharField(_("started by"), max_length=24, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    indicator_codes = models.JSONField(
        _("indicators"), null=True, blank=True, help_text=_("Blank: every indicator.")
    )
    country_codes = models.JSONField(
        _("countries"), null=True, blank=True, help_text=_("Blank: every country.")
    )
    region_codes = models.JSONField(
        _("regions"),
        null=True,
        blank=True,
        help_text=_(
            "Regions whose aggregates the run recomputes: those of its countries, fixed when "
            "it starts. Blank: every region."
        ),
    )
    inputs = models.JSONField(_("input versions"), default=dict, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("engine run")
        verbose_name_plural = _("engine runs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_trigger_display()} ({self.get_status_display()})"

    @property
    def is_full(self) -> bool:
        return self.indicator_codes is None and self.country_codes is None

    @property
    def duration(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class _RunResult(models.Model):
    run = models.ForeignKey(EngineRun, verbose_name=_("engine run"), on_delete=models.CASCADE)
    is_current = models.BooleanField(_("current"), default=False)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE)

    class Meta:
        abstract = True


class SeriesResult(_RunResult):
    """One series classified by ``assess``, with the inputs that produced it."""

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.CASCADE)
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    series = models.CharField(_("series"), max_length=200, blank=True)
    is_headline = models.BooleanField(
        _("headline series"),
        default=False,
        help_text=_("The total (blank key), else the shortest key: the series the tables show."),
    )
    n_obs = models.PositiveIntegerField(_("values"))
    first_year = models.SmallIntegerField(_("first year"), null=True)
    first_value = models.FloatField(_("first value"), null=True)
    latest_year = models.SmallIntegerField(_("latest year"), null=True)
    latest_value = models.FloatField(_("latest value"), null=True)
    baseline_value = models.FloatField(_("baseline value"), null=True)
    target = models.FloatField(_("target"), null=True)
    model = models.CharField(_("model"), max_length=10, blank=True)
    rate = models.FloatField(_("rate"), null=True)
    t_star = models.FloatField(_("year the target is reached (t*)"), null=True)
    t_star_never = models.BooleanField(_("target never reached by the trend"), default=False)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    cis_rule_applied = models.BooleanField(_("CIS rule applied"), default=False)
    sheet = models.ForeignKey(
        DataSheet, verbose_name=_("data sheet"), null=True, on_delete=models.SET_NULL
    )
    sheet_version = models.PositiveIntegerField(_("sheet version"), null=True)
    release = models.ForeignKey(
        InternationalRelease, verbose_name=_("release"), null=True, on_delete=models.SET_NULL
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["indicator__code", "country__iso3", "source", "series"]
        verbose_name = _("series result")
        verbose_name_plural = _("series results")
        indexes = [
            models.Index(fields=["is_current", "indicator", "country"], name="series_current"),
            models.Index(fields=["run", "indicator"], name="series_run"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.indicator_id}/{self.source}/{self.series}: {self.category}"


class DiscrepancyResult(_RunResult):
    """National against international figures of one series (``discrepancies``)."""

    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.CASCADE)
    series = models.CharField(_("series"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DiscrepancyStatus.choices)
    common_years = models.PositiveIntegerField(_("common years"))
    discrepant_years = models.PositiveIntegerField(_("discrepant years"))
    max_abs_rel_diff = models.FloatField(_("largest relative difference"), null=True)
    national_latest_year = models.SmallIntegerField(_("latest national year"), null=True)
    international_latest_year = models.SmallIntegerField(_("latest international year"), null=True)
    latest_year_differs = models.BooleanField(_("latest year differs"))
    international_estimated = models.BooleanField(_("international figure estimated"))
    national_category = models.CharField(_("national category"), max_length=24, blank=True)
    international_category = models.CharField(
        _("international category"), max_length=24, blank=True
    )
    classification_differs = models.BooleanField(_("classification differs"))
    fingerprint = models.CharField(_("fingerprint of the compared values"), max_length=40)

    class Meta:
        ordering = ["country__iso3", "indicator__code", "series"]
        verbose_name = _("discrepancy result")
        verbose_name_plural = _("discrepancy results")
        indexes = [
            models.Index(fields=["is_current", "indicator", "country"], name="discrepancy_current"),
            models.Index(fields=["run", "indicator"], name="discrepancy_run"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.indicator_id}/{self.series}: {self.status}"

    @property
    def opens_case(self) -> bool:
        return self.status == DiscrepancyStatus.DISCREPANT or self.classification_differs


class AggregateResult(_RunResult):
    """A region's (or the whole group's, ``region`` blank) population-weighted aggregate."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Blank: every member country of the working group."),
    )
    source = models.CharField(_("source"), max_length=14, choices=Source.choices)
    year0 = models.SmallIntegerField(_("baseline year"), null=True)
    value0 = models.FloatField(_("baseline value"), null=True)
    year1 = models.SmallIntegerField(_("latest year"), null=True)
    value1 = models.FloatField(_("latest value"), null=True)
    coverage = models.FloatField(
        _("population coverage"),
        null=True,
        help_text=_("Blank: unknown, because a member has no population figure."),
    )
    without_population = models.JSONField(
        _("members without a population figure"),
        default=list,
        blank=True,
        help_text=_(
            "ISO3 codes of the members lacking a population figure for the baseline or latest "
            "year; while any is listed the coverage is unknown and nothing is reported."
        ),
    )
    n_members = models.PositiveIntegerField(_("members with data"))
    n_imputed = models.PositiveIntegerField(_("members imputed"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    t_star = models.FloatField(_("t*"), null=True)
    t_star_never = models.BooleanField(_("target never reached by the trend"), default=False)

    class Meta:
        ordering = ["region__code", "indicator__code", "source"]
        verbose_name = _("aggregate result")
        verbose_name_plural = _("aggregate results")
        indexes = [
            models.Index(fields=["is_current", "indicator"], name="aggregate_current"),
            models.Index(fields=["run", "indicator"], name="aggregate_run"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.indicator_id}/{self.source}: {self.category}"


class Population(models.Model):
    """Weights of the aggregates: a country's population (or an indicator's reference population)."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="population"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Blank: the default weights of every indicator."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("population"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(
        _("approximate demonstration figure"),
        default=False,
        help_text=_("Not an official figure: loaded only to demonstrate the aggregates."),
    )

    class Meta:
        ordering = ["country", "indicator", "year"]
        verbose_name = _("population")
        verbose_name_plural = _("population")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "indicator", "year"],
                name="unique_population_year",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="population_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.value}"


class DiscrepancyCase(TimeStampedModel):
    """A discrepancy the country and the agency work out, one per country, indicator and series."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        EXPLAINED = "explained", _("explained")
        RESOLVED = "resolved", _("resolved")
        WONTFIX = "wontfix", _("will not be fixed")

    class Reason(models.TextChoices):
        SOURCE = "source", _("different source")
        DEFINITION = "definition", _("different definition")
        POPULATION = "population", _("different population estimate")
        REFERENCE_YEAR = "reference_year", _("different reference year")
        ESTIMATE = "estimate", _("international estimate or model")
        REVISION = "revision", _("revision")
        ERROR = "error", _("error")

    CLOSED = (Status.EXPLAINED, Status.RESOLVED, Status.WONTFIX)

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.CASCADE, related_name="cases"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE)
    series = models.CharField(_("series"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, blank=True)
    kind = models.CharField(
        _("what was found"),
        max_length=40,
        help_text=_("discrepant values, different classification, or both"),
    )
    fingerprint = models.CharField(_("fingerprint of the compared values"), max_length=40)
    forum_thread = models.URLField(_("forum thread"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    times_reopened = models.PositiveIntegerField(_("times reopened"), default=0)
    opened_by_run = models.ForeignKey(
        EngineRun,
        verbose_name=_("opened by run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["country__name_en", "indicator__code", "series"]
        verbose_name = _("discrepancy case")
        verbose_name_plural = _("discrepancy cases")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "indicator", "series"], name="one_case_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id}/{self.indicator_id}/{self.series or '-'}: {self.status}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class CaseComment(models.Model):
    class Side(models.TextChoices):
        COUNTRY = "country", _("country")
        AGENCY = "agency", _("agency")
        SECRETARIAT = "secretariat", _("secretariat")
        ENGINE = "engine", _("indicator engine")

    case = models.ForeignKey(
        DiscrepancyCase,
        verbose_name=_("discrepancy case"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case comment")
        verbose_name_plural = _("case comments")

    def __str__(self) -> str:
        return self.text[:60]
