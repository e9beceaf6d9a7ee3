from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in files]


FORMAT_CHOICES = [
    ("", _("Recognise from the content")),
    ("xlsx", _("Portal Excel template")),
    ("csv", _("CSV (portal columns)")),
    ("opensdg", _("Open SDG CSV (one file per indicator)")),
    ("sdmx", _("SDMX-ML data message")),
]


MODE_CHOICES = [
    ("merge", _("Merge: only the values you send change; nothing is removed")),
    (
        "replace",
        _(
            "Replace: the indicators you send are replaced; their values you do not send are "
            "removed (you confirm the list first)"
        ),
    ),
]


class UploadForm(forms.Form):
    data_files = MultipleFileField(
        label=_("Files"), help_text=_("One or several files; each at most the upload limit.")
    )
    mode = forms.ChoiceField(
        label=_("How the upload meets the sheet's values"),
        choices=MODE_CHOICES,
        initial="merge",
        required=False,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, required=False)
    indicator = forms.CharField(
        label=_("Indicator code"),
        required=False,
        max_length=32,
        help_text=_("Only for Open SDG files whose name does not say the indicator, e.g. 3.2.1."),
    )

    def clean_data_files(self):
        from indicators.services import upload_refusals

        files = self.cleaned_data["data_files"]
        refusals = upload_refusals([(upload.name, upload.size) for upload in files])
        if refusals:
            raise forms.ValidationError(refusals)
        return files

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or "merge"


class ConfirmImportForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
    format = forms.CharField(widget=forms.HiddenInput, required=False)
    indicator = forms.CharField(widget=forms.HiddenInput, required=False)
    mode = forms.ChoiceField(choices=MODE_CHOICES, widget=forms.HiddenInput, required=False)
    confirm_outliers = forms.BooleanField(
        label=_("I checked the values flagged as large changes: they are correct."), required=False
    )
    confirm_removals = forms.BooleanField(
        label=_("Remove the values listed above from the sheet."), required=False
    )

    def clean_mode(self) -> str:
        return self.cleaned_data.get("mode") or "merge"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept and publish")), ("return", _("Return with comments"))],
        label=_("Decision"),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the focal point"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error(
                "comment", _("Say what needs to change: a comment is required to return a sheet.")
            )
        return data
