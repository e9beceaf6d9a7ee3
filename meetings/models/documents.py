"""Meeting documents and their uploaded versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel

from .meetings import AgendaItem, Meeting, Visibility

DOCUMENT_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
]


class Document(TimeStampedModel):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("agenda")
        PRESENTATION = "presentation", _("presentation")
        BACKGROUND = "background", _("background paper")
        REPORT = "report", _("report")
        CONCLUSIONS = "conclusions", _("conclusions")
        OTHER = "other", _("other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=DOCUMENT_LANGUAGES,
        default="en",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )

    class Meta:
        ordering = ["meeting", "kind", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "title", "language"], name="unique_document_title_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.title


def _version_path(instance: DocumentVersion, filename: str) -> str:
    return f"meetings/{instance.document.meeting_id}/{instance.document_id}/{filename}"


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
