"""Data sheets: one per country and reporting round and version, holding observations.

Lifecycle: draft -> submitted -> accepted (published) or returned (back to the focal point,
editable again). An accepted sheet is never edited: a correction is a new version that
supersedes it when accepted. Every version stays readable.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models.catalogue import StatisticalOperation
from indicators.models.definitions import Indicator
from portal.models import Bilingual, Country, SubnationalArea, TimeStampedModel


class ReportingRound(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    is_open = models.BooleanField(_("open for submissions"), default=True)

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    name = Bilingual()


class UploadedFile(models.Model):
    """A file as a focal point or agency sent it: kept, so every value says where it came from."""

    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=12)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return self.original_name


class DataSheet(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    OPEN = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="sheets"
    )
    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("reporting round"),
        on_delete=models.PROTECT,
        related_name="sheets",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    is_current = models.BooleanField(
        _("current published version"),
        default=False,
        help_text=_("The accepted version that counts."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    lock_version = models.PositiveIntegerField(
        _("edit counter"),
        default=0,
        help_text=_("Bumped on every change: a stale form cannot overwrite."),
    )

    class Meta:
        ordering = ["country__name_en", "-round__opens_on", "-version"]
        verbose_name = _("data sheet")
        verbose_name_plural = _("data sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "round", "version"], name="unique_sheet_version"
            ),
            models.UniqueConstraint(
                fields=["country", "round"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="one_open_sheet_per_country_round",
            ),
            models.UniqueConstraint(
                fields=["country", "round"],
                condition=Q(is_current=True),
                name="one_current_sheet_per_country_round",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="accepted"),
                name="only_accepted_is_current",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.country.iso3} {self.round.code} v{self.version} ({self.get_status_display()})"
        )

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Observation(models.Model):
    """One value of a sheet, with where it came from."""

    sheet = models.ForeignKey(
        DataSheet,
        verbose_name=_("data sheet"),
        on_delete=models.CASCADE,
        related_name="observations",
        # no index of its own: unique_observation_key starts with sheet_id and serves the
        # same lookups; one index fewer to maintain for every value stored or copied
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,  # the (indicator, year) index starts with it
    )
    area = models.ForeignKey(
        SubnationalArea,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Blank: the whole country."),
    )
    disaggregation = models.CharField(
        _("disaggregation"),
        max_length=200,
        blank=True,
        help_text=_("SDMX codes, e.g. SEX=F;URBANISATION=U; blank = total."),
    )
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
    operation = models.ForeignKey(
        StatisticalOperation,
        verbose_name=_("statistical operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    footnote = models.TextField(_("footnote"), blank=True)
    upload = models.ForeignKey(
        UploadedFile, verbose_name=_("from file"), null=True, blank=True, on_delete=models.SET_NULL
    )
    source_row = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        ordering = ["indicator__code", "area__code", "disaggregation", "year"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "indicator", "area", "disaggregation", "year"],
                name="unique_observation_key",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year} = {self.value}"


class ValueComment(models.Model):
    """A reviewer's (or focal point's) comment on a sheet, or on one value of it."""

    sheet = models.ForeignKey(
        DataSheet, verbose_name=_("data sheet"), on_delete=models.CASCADE, related_name="comments"
    )
    observation = models.ForeignKey(
        Observation,
        verbose_name=_("value"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]


class SheetEvent(models.Model):
    """The sheet's history: who did what, when, from where, with which file."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        UPLOADED = "uploaded", _("file imported")
        EDITED = "edited", _("values edited")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")
        SUPERSEDED = "superseded", _("superseded")

    sheet = models.ForeignKey(
        DataSheet, verbose_name=_("data sheet"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    upload = models.ForeignKey(
        UploadedFile, verbose_name=_("file"), null=True, blank=True, on_delete=models.SET_NULL
    )
    comment = models.TextField(_("comment"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sheet event")
        verbose_name_plural = _("sheet events")

    def __str__(self) -> str:
        return f"{self.sheet} {self.kind} {self.at:%Y-%m-%d %H:%M}"
