"""Forms of the meetings app; business rules live in services, forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Agency, Country, Organisation, User
from portal.uploads import ALLOWED_DOCUMENT_EXTENSIONS as ALLOWED_EXTENSIONS

from .models import (
    ActionItem,
    Activity,
    AgendaItem,
    Document,
    Meeting,
    Participant,
    Session,
    Visibility,
)
from .models.documents import DOCUMENT_LANGUAGES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MeetingForm(forms.ModelForm):
    organiser_countries = forms.ModelMultipleChoiceField(
        label=_("Organising countries"), queryset=Country.objects.none(), required=False
    )
    organiser_agencies = forms.ModelMultipleChoiceField(
        label=_("Organising agencies"), queryset=Agency.objects.all(), required=False
    )
    co_organiser_agencies = forms.ModelMultipleChoiceField(
        label=_("Co-organising agencies"), queryset=Agency.objects.all(), required=False
    )
    online_url = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    external_url = forms.URLField(label=_("External page"), required=False, assume_scheme="https")
    funders = forms.CharField(
        label=_("Funders"),
        required=False,
        help_text=_("One per line, e.g. Inter-American Development Bank (IDB)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "mode",
            "online_url",
            "thematic_focus",
            "city",
            "country",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "time_zone",
            "objectives",
            "status",
            "visibility",
            "allowed_organisations",
            "activities",
            "reported_total",
            "reported_female",
            "external_url",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser_countries"].queryset = Country.objects.filter(is_member=True)  # type: ignore[attr-defined]
        self.fields["activities"].queryset = Activity.objects.select_related("biennium")  # type: ignore[attr-defined]
        if self.instance.pk:
            partners = list(self.instance.partners.all())
            organisers = [p for p in partners if p.role == "organiser"]
            self.initial["organiser_countries"] = [p.country_id for p in organisers if p.country_id]
            self.initial["organiser_agencies"] = [p.agency_id for p in organisers if p.agency_id]
            self.initial["co_organiser_agencies"] = [
                p.agency_id for p in partners if p.role == "co_organiser" and p.agency_id
            ]
            self.initial["funders"] = "\n".join(p.name for p in partners if p.role == "funder")

    def partners(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        partners: list[dict[str, Any]] = []
        partners += [{"role": "organiser", "country": c} for c in data["organiser_countries"]]
        partners += [{"role": "organiser", "agency": a} for a in data["organiser_agencies"]]
        partners += [{"role": "co_organiser", "agency": a} for a in data["co_organiser_agencies"]]
        partners += [
            {"role": "funder", "name": line.strip()}
            for line in data["funders"].splitlines()
            if line.strip()
        ]
        return partners


class RegistrationForm(forms.Form):
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Participant.Sex.choices,
        help_text=_("Only the totals are published; the group reports female participation."),
    )
    consent = forms.BooleanField(
        label=_("My name may be published in the list of participants"), required=False
    )


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = [
            "user",
            "full_name",
            "organisation",
            "organisation_name",
            "country",
            "sex",
            "attendance",
            "consent_to_publish",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["user"].required = False
        self.fields["full_name"].required = False
        self.fields["organisation"].queryset = Organisation.objects.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("user") and not cleaned.get("full_name"):
            self.add_error("full_name", _("Full name: give a name or choose a portal user."))
        return cleaned

    def validate_unique(self) -> None:
        # The service reports a duplicate registration with its own message.
        pass


class CountsForm(forms.Form):
    reported_total = forms.IntegerField(
        label=_("Total participants (reported)"), min_value=0, max_value=1_000_000, required=False
    )
    reported_female = forms.IntegerField(
        label=_("Female participants (reported)"),
        min_value=0,
        max_value=1_000_000,
        required=False,
    )


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "date", "start_time", "end_time", "chairs"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "start_time", "end_time", "speakers", "description"]
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("Uploading again with the same title and language adds a new version."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=DOCUMENT_LANGUAGES)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.MEMBERS
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(session__meeting=meeting)  # type: ignore[attr-defined]
        self.fields["file"].help_text = _("Accepted: %(types)s.") % {
            "types": ", ".join(ALLOWED_EXTENSIONS)
        }


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date", "status"]
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    notes = forms.CharField(
        label=_("Progress notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
