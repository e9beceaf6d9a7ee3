"""Capacity building and financing: training, experts, missions and grants.

The work programme's objective on training (with the Knowledge Transfer Network), the
technical-assistance and horizontal-cooperation missions it plans, and its objective on
financing (donors, projects and grants per activity and meeting). Each record may point at the
programme activity it serves, so the biennium report can show what was done and what paid for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.models import Country, Organisation, TimeStampedModel

from .meetings import Meeting
from .programme import Activity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CURRENCY_CODE = RegexValidator(
    r"^[A-Z]{3}$", _("Enter a three-letter ISO 4217 currency code, e.g. USD or EUR.")
)


def amount_field(verbose_name: StrOrPromise, help_text: StrOrPromise) -> models.DecimalField:
    """An amount of money in its record's currency: never negative, blank when not stated."""
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class DonorMoney(TimeStampedModel):
    """What a grant and a fund-raising consultation both record: the donor (one of the
    portal's organisations or a name), the currency of its amount (never converted) and
    notes. Each model names its amount and keeps its own constraints."""

    donor = models.ForeignKey(
        Organisation,
        verbose_name=_("donor organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    donor_name = models.CharField(
        _("donor"),
        max_length=200,
        blank=True,
        help_text=_("When the donor is not one of the portal's organisations."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", validators=[CURRENCY_CODE]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True

    @property
    def donor_label(self) -> str:
        return self.donor.name if self.donor_id else self.donor_name  # type: ignore[union-attr]


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
        name=f"{prefix}_end_after_start",
    )


class Training(TimeStampedModel):
    """A course, workshop or webinar that trains the members' staff."""

    class Kind(models.TextChoices):
        COURSE = "course", _("course")
        WORKSHOP = "workshop", _("training workshop")
        WEBINAR = "webinar", _("webinar")
        ELEARNING = "elearning", _("e-learning course")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("programme activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("held at the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    description = models.TextField(_("description"), blank=True)
    materials_url = models.URLField(_("materials (link)"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [_dates_in_order("training")]

    def __str__(self) -> str:
        return self.title


class Trainer(models.Model):
    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="trainers"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["training", "name"]
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")

    def __str__(self) -> str:
        return self.name


class TraineeCount(models.Model):
    """How many people of one country took part, by sex (the programme reports them so)."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="trainees"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    women = models.PositiveIntegerField(
        _("women"), default=0, validators=[MaxValueValidator(10_000)]
    )
    men = models.PositiveIntegerField(_("men"), default=0, validators=[MaxValueValidator(10_000)])

    class Meta:
        ordering = ["training", "country__name_en"]
        verbose_name = _("trainees of a country")
        verbose_name_plural = _("trainees by country")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "country"], name="unique_trainee_count_per_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.women} + {self.men}"

    @property
    def total(self) -> int:
        return self.women + self.men


class TrainingEvaluation(models.Model):
    training = models.OneToOneField(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="evaluation"
    )
    responses = models.PositiveIntegerField(_("responses"))
    average_score = models.DecimalField(
        _("average score (1 to 5)"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))],
    )
    summary = models.TextField(_("summary of the comments"), blank=True)

    class Meta:
        verbose_name = _("training evaluation")
        verbose_name_plural = _("training evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(average_score__gte=1) & Q(average_score__lte=5),
                name="evaluation_score_between_1_and_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.average_score} / 5 ({self.responses})"


class ExpertProfile(TimeStampedModel):
    """An expert of a member, available for training or horizontal cooperation."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="experts",
    )
    topics = models.CharField(
        _("topics"), max_length=300, help_text=_("Separate topics with commas.")
    )
    languages = models.CharField(_("working languages"), max_length=120, blank=True)
    available = models.BooleanField(_("available for cooperation"), default=True)
    summary = models.TextField(_("experience"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return self.name

    @property
    def topic_list(self) -> list[str]:
        return [topic.strip() for topic in self.topics.split(",") if topic.strip()]


class Mission(TimeStampedModel):
    class Kind(models.TextChoices):
        TECHNICAL_ASSISTANCE = "technical_assistance", _("technical assistance")
        HORIZONTAL = "horizontal_cooperation", _("horizontal cooperation")

    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=300)
    sending = models.ForeignKey(
        Organisation,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="missions_sent",
    )
    host_country = models.ForeignKey(
        Country, verbose_name=_("host country"), on_delete=models.PROTECT, related_name="missions"
    )
    experts = models.ManyToManyField(
        ExpertProfile, verbose_name=_("experts"), blank=True, related_name="missions"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("programme activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="missions",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outputs = models.TextField(_("outputs"), blank=True)

    class Meta:
        ordering = ["-start_date", "topic"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [_dates_in_order("mission")]

    def __str__(self) -> str:
        return self.topic


class Grant(DonorMoney):
    """Money for the group's work: a donor's grant or project, pledged or received."""

    class Status(models.TextChoices):
        SOUGHT = "sought", _("sought")
        PLEDGED = "pledged", _("pledged")
        COMMITTED = "committed", _("committed")
        DISBURSED = "disbursed", _("disbursed")

    title = models.CharField(_("title"), max_length=300)
    amount = amount_field(_("amount"), _("Leave empty when the source does not state it."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLEDGED
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    activities = models.ManyToManyField(
        Activity, verbose_name=_("programme activities"), blank=True, related_name="grants"
    )
    meetings = models.ManyToManyField(
        Meeting, verbose_name=_("meetings"), blank=True, related_name="grants"
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="grant_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="grant_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(donor__isnull=True, donor_name=""), name="grant_has_a_donor"
            ),
        ]

    def __str__(self) -> str:
        return self.title
