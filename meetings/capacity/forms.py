"""Forms for capacity building and financing; they parse input, services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.forms import DATE
from meetings.models import ExpertProfile, Grant, Mission, Training
from portal.models import Country


class _Dated(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class TrainingForm(_Dated):
    materials_url = forms.URLField(
        label=_("Materials (link)"), required=False, max_length=200, assume_scheme="https"
    )
    trainers = forms.CharField(
        label=_("Trainers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    evaluation_responses = forms.IntegerField(
        label=_("Evaluation: responses"), required=False, min_value=1, max_value=100_000
    )
    evaluation_score = forms.DecimalField(
        label=_("Evaluation: average score (1 to 5)"),
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("5"),
        max_digits=3,
        decimal_places=2,
    )
    evaluation_summary = forms.CharField(
        label=_("Evaluation: summary of the comments"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        training = self.instance
        if training.pk and not self.is_bound:
            self.initial["trainers"] = "\n".join(t.name for t in training.trainers.all())
            evaluation = getattr(training, "evaluation", None)
            if evaluation is not None:
                self.initial.update(
                    evaluation_responses=evaluation.responses,
                    evaluation_score=evaluation.average_score,
                    evaluation_summary=evaluation.summary,
                )

    def clean_trainers(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data.get("trainers", "").splitlines()]
        names = [name for name in names if name]
        for number, name in enumerate(names, start=1):
            if len(name) > 200:
                raise forms.ValidationError(
                    _("Line %(n)s: a name has at most 200 characters.") % {"n": number}
                )
        if len(names) > 50:
            raise forms.ValidationError(_("At most 50 trainers."))
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = [data.get("evaluation_responses"), data.get("evaluation_score")]
        if any(v is not None for v in given) and not all(v is not None for v in given):
            self.add_error(
                "evaluation_score" if given[1] is None else "evaluation_responses",
                _("An evaluation needs both the number of responses and the average score."),
            )
        return data

    class Meta:
        model = Training
        fields = [
            "title",
            "kind",
            "topic",
            "organiser",
            "activity",
            "meeting",
            "start_date",
            "end_date",
            "city",
            "country",
            "description",
            "materials_url",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}


class MissionForm(_Dated):
    class Meta:
        model = Mission
        fields = [
            "kind",
            "topic",
            "sending",
            "host_country",
            "experts",
            "activity",
            "start_date",
            "end_date",
            "outputs",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}


class ExpertForm(forms.ModelForm):
    class Meta:
        model = ExpertProfile
        fields = ["name", "organisation", "topics", "languages", "available", "summary"]


class GrantForm(_Dated):
    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("donor") and not str(data.get("donor_name") or "").strip():
            self.add_error("donor_name", _("Name the donor, or choose its organisation."))
        return data

    class Meta:
        model = Grant
        fields = [
            "title",
            "donor",
            "donor_name",
            "amount",
            "currency",
            "status",
            "start_date",
            "end_date",
            "activities",
            "meetings",
            "notes",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}


class TraineesForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all())
    women = forms.IntegerField(label=_("Women"), min_value=0, max_value=10_000)
    men = forms.IntegerField(label=_("Men"), min_value=0, max_value=10_000)
    replace = forms.BooleanField(label=_("Replace the recorded figures"), required=False)
