"""Forms of the secretariat's pages. They check the shape of the input; the services
re-check and store."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator
from meetings.models import Activity, Biennium, Objective
from portal.models import Agency, Country, Organisation, SubnationalArea, User

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and sends ISO dates in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True).select_related("country"),
    )
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=LANGUAGE_CHOICES)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.select_related("country"),
        required=False,
    )


class RoundForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("For example 2027."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    name_es = forms.CharField(label=_("Name (Spanish)"), max_length=120, required=False)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(label=_("Deadline"), widget=DateInput)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators asked for"),
        queryset=Indicator.objects.order_by("framework", "code"),
        required=False,
        help_text=_("None selected: the round asks for every indicator."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class DeadlineForm(forms.Form):
    closes_on = forms.DateField(label=_("New deadline"), widget=DateInput)


class IndicatorForm(forms.Form):
    target_kind = forms.ChoiceField(label=_("Target kind"), choices=Indicator.TargetKind.choices)
    target_value = forms.FloatField(label=_("Target value"), required=False, localize=True)
    target_year = forms.IntegerField(label=_("Target year"), min_value=1900, max_value=2100)
    cutoff = forms.FloatField(label=_("Cut-off"), required=False, localize=True)
    desired_direction = forms.ChoiceField(
        label=_("Desired direction"), choices=Indicator.Direction.choices
    )
    unit = forms.CharField(label=_("Unit"), max_length=40)
    ratio_base_year = forms.IntegerField(
        label=_("Progress ratio: base year"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Sensitivity view (ratio of actual to required growth). Blank: baseline year."),
    )
    ratio_target_year = forms.IntegerField(
        label=_("Progress ratio: target year"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_("Blank: the indicator's target year."),
    )
    ratio_on_track = forms.FloatField(
        localize=True, label=_("Progress ratio: on-track threshold"), min_value=0, required=False
    )
    ratio_acceleration = forms.FloatField(
        localize=True,
        label=_("Progress ratio: acceleration threshold"),
        min_value=0,
        required=False,
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        """A threshold left out keeps the indicator's current one."""
        cleaned = super().clean() or {}
        for field in ("ratio_on_track", "ratio_acceleration"):
            if cleaned.get(field) is None:
                cleaned.pop(field, None)
        return cleaned


class ActivityForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    progress_notes = forms.CharField(
        label=_("Progress notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class AreaCodeForm(forms.Form):
    code = forms.CharField(label=_("Code in the country's files"), max_length=20)
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=SubnationalArea.objects.none(),
        required=False,
        empty_label=_("The whole country"),
    )

    def __init__(self, *args: Any, country: Country, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        field.queryset = country.areas.order_by("code")  # type: ignore[attr-defined]


class SynthesisFilterForm(forms.Form):
    """The filters of the synthesis and institutions pages: a country group, a goal, an
    indicator. A group or an indicator that does not exist is refused, by name."""

    group = forms.ChoiceField(label=_("Countries"), required=False)
    goal = forms.ChoiceField(label=_("Goal"), required=False)
    indicator = forms.CharField(label=_("Indicator code"), required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from portal.secretariat import synthesis

        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in synthesis.groups_with_members()}
        self.fields["group"].choices = [("", _("All member countries"))] + [  # type: ignore[attr-defined]
            (code, region.name) for code, region in self.regions.items()
        ]
        self.fields["goal"].choices = [("", _("All goals"))] + [  # type: ignore[attr-defined]
            (goal, _("Goal %(goal)s") % {"goal": goal}) for goal in synthesis.goals()
        ]

    def clean_indicator(self) -> Indicator | None:
        code = (self.cleaned_data.get("indicator") or "").strip()
        if not code:
            return None
        found = Indicator.objects.filter(code=code).first()
        if found is None:
            raise forms.ValidationError(
                _("There is no indicator %(code)s."), params={"code": code}, code="unknown"
            )
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["region"] = self.regions.get(cleaned.get("group") or "")
        indicator = cleaned.get("indicator")
        goal = cleaned.get("goal") or ""
        if indicator is not None and goal and indicator.goal != goal:
            self.add_error(
                "indicator",
                _("Indicator %(code)s is not under goal %(goal)s.")
                % {"code": indicator.code, "goal": goal},
            )
        return cleaned


class RoundIndicatorsForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators asked for"),
        queryset=Indicator.objects.order_by("framework", "code"),
        required=False,
        help_text=_("None selected: the round asks for every indicator."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    confirm_removals = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.order_by("-is_member", "name_en"),
        required=False,
        help_text=_("National statistical offices and ministries only."),
    )
    agency = forms.ModelChoiceField(
        label=_("International agency"),
        queryset=Agency.objects.order_by("acronym_en"),
        required=False,
        help_text=_("International agencies' organisations only."),
    )


class MembershipForm(forms.Form):
    is_member = forms.BooleanField(label=_("Member of the working group"), required=False)
    member_since = forms.DateField(label=_("Member since"), widget=DateInput, required=False)
    member_until = forms.DateField(
        label=_("Member until"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: still a member."),
    )


# Text the secretariat writes (in whichever language it was written): marked for readers
# and checks that tell the interface's words from the content.
USER_TEXT = {"rows": 3, "data-user-content": ""}


class BienniumForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    start_year = forms.IntegerField(label=_("First year"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1990, max_value=2100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=USER_TEXT)
    )


class ObjectiveForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs=USER_TEXT))


class ActivityDetailsForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), widget=forms.Textarea(attrs=USER_TEXT))
    objective = forms.ModelChoiceField(
        label=_("Objective"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.Select(attrs={"data-user-content": ""}),
    )
    parent = forms.ModelChoiceField(
        label=_("Main activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("None: this is a main activity"),
        widget=forms.Select(attrs={"data-user-content": ""}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=USER_TEXT)
    )
    lead_organisations = forms.ModelMultipleChoiceField(
        label=_("Lead organisations"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6, "data-user-content": ""}),
    )
    lead = forms.CharField(
        label=_("Lead entities as written"),
        max_length=300,
        required=False,
        help_text=_("Shown when no lead organisation is chosen."),
    )
    entities = forms.CharField(label=_("Participating entities"), max_length=500, required=False)
    start_date = forms.DateField(label=_("Start"), widget=DateInput, required=False)
    end_date = forms.DateField(
        label=_("End"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for ongoing activities."),
    )
    timeline_note = forms.CharField(label=_("Timeline as written"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)
    progress_notes = forms.CharField(
        label=_("Progress notes"), required=False, widget=forms.Textarea(attrs=USER_TEXT)
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)

    def __init__(self, *args: Any, biennium: Biennium, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = biennium.objectives.all()  # type: ignore[attr-defined]
        self.fields["parent"].queryset = biennium.activities.filter(  # type: ignore[attr-defined]
            parent=None
        ).order_by("order", "code")
