"""An upload parsed off the request: a Celery task reads the staged files and keeps its progress here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models.sheets import DataSheet
from portal.models import TimeStampedModel


class UploadJob(TimeStampedModel):
    """Parsing, mapping and checking one staged upload of a data sheet; nothing is stored in
    the sheet by it: the focal point still confirms the preview."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        WAITING = "waiting", _("waiting for a worker")
        READING = "reading", _("reading the files")
        MAPPING = "mapping", _("checking the rows")
        COMPARING = "comparing", _("comparing with the sheet")
        FINISHED = "finished", _("finished")

    sheet = models.ForeignKey(
        DataSheet,
        verbose_name=_("data sheet"),
        on_delete=models.CASCADE,
        related_name="upload_jobs",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE
    )
    #: the signed token of the staged files (as the synchronous preview carries it)
    token = models.TextField(_("staged upload"))
    format = models.CharField(_("format"), max_length=12, blank=True)
    indicator = models.CharField(_("indicator"), max_length=40, blank=True)
    mode = models.CharField(_("mode"), max_length=10, default="merge")
    lock_version = models.PositiveIntegerField(_("sheet version when uploaded"))
    files = models.JSONField(_("files"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.WAITING
    )
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    message = models.TextField(_("message"), blank=True)
    #: a refused upload's problems: [{file, row, column, value, reason, where, kind}]
    problems = models.JSONField(_("problems"), default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload job")
        verbose_name_plural = _("upload jobs")

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.pk} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
