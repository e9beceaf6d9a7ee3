"""The secretariat's form for a fund-raising consultation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Consultation


class ConsultationForm(forms.ModelForm):
    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("donor") and not str(data.get("donor_name") or "").strip():
            self.add_error(
                "donor_name", _("Name the donor or organisation, or choose its organisation.")
            )
        return data

    class Meta:
        model = Consultation
        fields = [
            "date",
            "donor",
            "donor_name",
            "activity",
            "project",
            "amount_sought",
            "currency",
            "status",
            "outcome",
            "notes",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        # The model's donor fields are shared with grants; a consultation asks an organisation
        # that is not a donor yet.
        labels = {
            "donor": _("organisation consulted"),
            "donor_name": _("donor or organisation consulted"),
        }
        help_texts = {
            "donor_name": _("When the organisation is not one of the portal's organisations.")
        }
