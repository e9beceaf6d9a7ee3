"""Fund-raising consultations (the work programme's objective on financing).

A consultation is one contact with a donor or organisation about paying for an activity or a
project of the group: when, with whom, about what, what was asked (amount and currency, never
converted), how it ended and what is pending. Grants (``capacity.Grant``) record the money once
it is pledged; a consultation records the asking.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .capacity import DonorMoney, amount_field
from .programme import Activity


class Consultation(DonorMoney):
    """One fund-raising consultation with a donor or organisation."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held, awaiting an answer")
        SUCCESSFUL = "successful", _("successful")
        DECLINED = "declined", _("declined")
        CLOSED = "closed", _("closed without result")

    date = models.DateField(_("date"))
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("programme activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    project = models.CharField(
        _("project concerned"),
        max_length=300,
        blank=True,
        help_text=_("The activity or project the money would pay for, in words."),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    amount_sought = amount_field(_("amount sought"), _("Leave empty when no amount was named."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("fund-raising consultation")
        verbose_name_plural = _("fund-raising consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_sought__isnull=True) | Q(amount_sought__gte=0),
                name="consultation_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(donor__isnull=True, donor_name=""),
                name="consultation_names_donor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.donor_label}"

    @property
    def donor_label(self) -> str:
        # The name typed for a consultation is the contact's own wording: it comes first.
        return self.donor_name or (str(self.donor) if self.donor_id else "")
