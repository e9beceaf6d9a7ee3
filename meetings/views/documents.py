"""Meeting documents: uploading a version, downloading one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import forms, permissions, services
from ..models import (
    DocumentVersion,
)
from .common import _apply_errors, _manageable, _me


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable(request, pk)
    form = forms.DocumentUploadForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.document_upload(
                meeting=meeting,
                by=_me(request),
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                language=data["language"],
                visibility=data["visibility"],
                agenda_item=data["agenda_item"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” was uploaded (version %(n)s).")
                % {"title": version.document.title, "n": version.number},
            )
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#documents")
    context = {
        "form": form,
        "meeting": meeting,
        "heading": _("Upload a document"),
        "multipart": True,
        "limit_mb": settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "meetings/simple_form.html", context, status=400 if form.errors else 200)


@require_GET
def document_download(request: HttpRequest, version_pk: int) -> HttpResponseBase:
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__meeting"), pk=version_pk
    )
    if not permissions.can_view_document(request.user, version.document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No such document."))
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
