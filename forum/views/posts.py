"""A post's pages: edit, history, report, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import forms, permissions, services
from forum.models import Attachment
from forum.views.common import _apply_errors, _get_post, _render


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied(_("You cannot edit this post."))
    with_title = post.number == 1
    initial = {"source": post.source, "title": post.topic.title}
    form = forms.EditForm(request.POST or None, initial=initial, with_title=with_title)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                user=request.user,  # type: ignore[arg-type]
                post=post,
                source=form.cleaned_data["source"],
                reason=form.cleaned_data["reason"],
                title=form.cleaned_data.get("title"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return _render(request, "post_edit.html", {"post": post, "form": form}, status=status)


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    revisions = post.revisions.select_related("editor")
    return _render(request, "post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post(request, pk)
    if not permissions.can_report_post(request.user, post):
        raise PermissionDenied
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(user=request.user, post=post, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return _render(request, "post_report.html", {"post": post, "form": form}, status=status)


@login_required
def attachment_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    attachment = get_object_or_404(
        Attachment.objects.select_related("post__topic__category__region"), pk=pk
    )
    if not permissions.can_download_attachment(request.user, attachment):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
