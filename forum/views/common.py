"""Shared pieces of the forum's pages: page sizes, pagination, rendering with the forum's context, and the lookups of a category, topic or post the user may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from forum import permissions, selectors, services
from forum.models import Category, Post, Topic

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20
RESULTS_PER_PAGE = 20


SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts at most SEARCH_COUNT_CAP + 1 rows: a common word must not count every match."""

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            self._capped_count = self.object_list[: SEARCH_COUNT_CAP + 1].count()  # type: ignore[attr-defined]
        return self._capped_count


def _page(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int, capped: bool = False
) -> Page:
    paginator_class = CappedPaginator if capped else Paginator
    return paginator_class(queryset, per_page).get_page(request.GET.get("page"))


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault(
        "forum_unread_notifications", selectors.unread_notification_count(user=request.user)
    )
    return render(request, f"forum/{template}", context, status=status)


def _apply_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _rate_limited(request: HttpRequest, exc: services.RateLimited) -> HttpResponse:
    response = _render(request, "rate_limited.html", {"retry_after": exc.retry_after}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _get_category(request: HttpRequest, slug: str) -> Category:
    category = get_object_or_404(Category.objects.select_related("region"), slug=slug)
    if not permissions.can_read_category(request.user, category):
        raise Http404
    return category


def _get_topic(request: HttpRequest, pk: int) -> Topic:
    topic = get_object_or_404(Topic.objects.select_related("category__region", "author"), pk=pk)
    if not permissions.can_read_topic(request.user, topic):
        raise Http404
    return topic


def _get_post(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("topic__category__region", "author__forum_profile"), pk=pk
    )
    if not permissions.can_read_post(request.user, post):
        raise Http404
    return post
