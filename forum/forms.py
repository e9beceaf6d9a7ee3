"""Forms of the forum. They check input shape; the services re-check and store."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forum.links import resolve_subject
from forum.models import Category
from forum.services import LANGUAGES, REASON_MAX, SOURCE_MAX, TITLE_MAX, TITLE_MIN
from portal.uploads import MAX_ATTACHMENTS_PER_POST
from portal.uploads import check_attachment as check_upload

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AttachmentsMixin(forms.Form):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, Office documents, images or CSV; at most 5 files."),
    )

    def clean_attachments(self) -> list[Any]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS_PER_POST:
            raise ValidationError(
                _("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS_PER_POST}
            )
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _source_field() -> forms.CharField:
    return forms.CharField(
        label=_("Text"),
        max_length=SOURCE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Markdown: **bold**, *italic*, [link](https://…), lists, > quotes. "
            "Mention someone with @handle."
        ),
        error_messages={"required": _("Write something: the text is empty.")},
    )


def _language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language of the text"),
        choices=LANGUAGE_CHOICES,
        help_text=_("Used to search the text in its own language."),
    )


class TopicForm(AttachmentsMixin):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the topic a title.")},
    )
    source = _source_field()
    language = _language_field()
    subject = forms.CharField(widget=forms.HiddenInput, required=False)

    field_order = ["category", "title", "source", "language", "attachments", "subject"]

    def __init__(
        self, *args: Any, categories: list[Category], user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["category"]
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])  # type: ignore[attr-defined]
        field.choices = [(c.pk, c.name) for c in categories]  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_subject(self) -> Any:
        return resolve_subject(self.cleaned_data.get("subject", ""), user=self.user)


class ReplyForm(AttachmentsMixin):
    source = _source_field()
    language = _language_field()
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["source", "language", "attachments", "reply_to"]


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX)
    source = _source_field()
    reason = forms.CharField(
        label=_("Reason for the edit"),
        required=False,
        max_length=REASON_MAX,
        help_text=_("Shown in the post's history."),
    )

    def __init__(self, *args: Any, with_title: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is wrong with this post.")},
    )


class TopicModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("pin", _("Pin")),
            ("unpin", _("Unpin")),
            ("lock", _("Lock")),
            ("unlock", _("Unlock")),
            ("move", _("Move")),
            ("hide_topic", _("Hide")),
            ("unhide_topic", _("Restore")),
        ],
    )
    target = forms.ModelChoiceField(
        label=_("Move to category"), queryset=Category.objects.none(), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, required=False)

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])  # type: ignore[attr-defined]
        field.choices = [("", "—"), *((c.pk, c.name) for c in categories)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "move" and not data.get("target"):
            self.add_error("target", _("Choose the category to move the topic to."))
        if data.get("action") == "hide_topic" and not data.get("reason"):
            self.add_error("reason", _("Give a reason."))
        return data


class PostModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("hide_post", _("Hide")),
            ("unhide_post", _("Restore")),
            ("approve", _("Approve")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "hide_post" and not data.get("reason"):
            self.add_error("reason", _("Give a reason."))
        return data


class HandleForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=30,
        help_text=_("Others mention you as @handle. Letters, digits, dots, hyphens, underscores."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the forum"), max_length=200, required=False)


__all__ = [
    "LANGUAGES",
    "EditForm",
    "HandleForm",
    "PostModerationForm",
    "ReplyForm",
    "ReportForm",
    "SearchForm",
    "TopicForm",
    "TopicModerationForm",
]
