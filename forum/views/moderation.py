"""Moderation: topic and post actions, reports, the moderation queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import forms, permissions, selectors, services
from forum.models import Post, Report
from forum.views.common import _apply_errors, _get_topic, _render


@login_required
@require_POST
def topic_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    if not permissions.can_moderate_category(request.user, topic.category):
        raise PermissionDenied
    categories = [
        c
        for c in selectors.readable_categories(user=request.user)
        if permissions.can_moderate_category(request.user, c)
    ]
    form = forms.TopicModerationForm(request.POST, categories=categories)
    if form.is_valid():
        try:
            services.topic_moderate(
                moderator=request.user,  # type: ignore[arg-type]
                topic=topic,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                target=form.cleaned_data.get("target"),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Done: the moderation log records it."))
            return redirect(topic)
    return _render(request, "moderation_form.html", {"topic": topic, "form": form}, status=400)


@login_required
@require_POST
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("topic__category__region"), pk=pk)
    if not permissions.can_read_topic(request.user, post.topic):
        raise Http404
    if not permissions.can_moderate_category(request.user, post.topic.category):
        raise PermissionDenied
    form = forms.PostModerationForm(request.POST)
    if form.is_valid():
        try:
            services.post_moderate(
                moderator=request.user,  # type: ignore[arg-type]
                post=post,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Done: the moderation log records it."))
            return redirect(request.POST.get("next") == "queue" and "forum:moderation" or post)
    return _render(
        request,
        "moderation_form.html",
        {"topic": post.topic, "post": post, "form": form},
        status=400,
    )


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Report.objects.select_related("post__topic__category"), pk=pk)
    services.report_resolve(moderator=request.user, report=report)  # type: ignore[arg-type]
    messages.success(request, _("The report is resolved."))
    return redirect("forum:moderation")


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    if not selectors.moderated_category_ids(user=request.user):
        raise PermissionDenied
    return _render(request, "moderation.html", selectors.moderation_queue(user=request.user))
