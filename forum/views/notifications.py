"""Watching topics and categories, and the notifications page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import selectors, services
from forum.views.common import _get_category, _get_topic, _page, _render


@login_required
@require_POST
def topic_watch(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _get_topic(request, pk)
    watching = services.subscription_toggle(user=request.user, topic=topic)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You are watching this topic.") if watching else _("You stopped watching this topic."),
    )
    return redirect(topic)


@login_required
@require_POST
def category_watch(request: HttpRequest, slug: str) -> HttpResponse:
    category = _get_category(request, slug)
    watching = services.subscription_toggle(user=request.user, category=category)  # type: ignore[arg-type]
    messages.success(
        request,
        _("You are watching this category.")
        if watching
        else _("You stopped watching this category."),
    )
    return redirect(category)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.notifications_for(user=request.user), 30)  # type: ignore[arg-type]
    return _render(request, "notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(request.user.forum_notifications, pk=pk)  # type: ignore[union-attr]
    services.notifications_mark_read(user=request.user, ids=[notification.pk])  # type: ignore[arg-type]
    if notification.post_id:
        return redirect("forum:post", pk=notification.post_id)
    return redirect("forum:topic", pk=notification.topic_id)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("All notifications are marked as read."))
    return redirect("forum:notifications")
